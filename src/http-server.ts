import compression from 'compression';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';

export interface HttpServerOptions {
  /** Responses at least this large are compressed (brotli or gzip, by `accept-encoding`). @default 1024 */
  compressionThresholdBytes: number;
}

export interface HttpServer {
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections and lets the requests in flight finish, then closes every connection. Connections
   * that are open already may still send a request meanwhile; it is answered with `connection: close`. Resolves
   * `true` when every request finished within `graceMs`, `false` when the rest were cut off.
   */
  drain(graceMs: number): Promise<boolean>;
  /** Closes at once, cutting off requests in flight (tests). */
  close(): Promise<void>;
}

/** The GraphQL URL a client on this machine opens, e.g. `http://localhost:4000/graphql` for host `0.0.0.0`. */
export function graphqlUrl(host: string, port: number): string {
  return `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}/graphql`;
}

/** The Node HTTP server around the app: compression, keep-alive, and a drain that lets requests in flight finish. */
export function createHttpServer(app: RequestListener, options: HttpServerOptions): HttpServer {
  // Streams stay uncompressed, as they must (a compressor holds parts back): Yoga marks server-sent events
  // `content-encoding: none`, and the middleware never compresses multipart (incremental delivery).
  const compress = compression({ threshold: options.compressionThresholdBytes });
  let inFlight = 0;
  let draining = false;
  let onIdle: (() => void) | undefined;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) onIdle?.();
    });
    if (draining) response.setHeader('connection', 'close');
    compress(request, response, () => void app(request, response));
  });
  // Longer than the idle timeout of common load balancers (60 s), so they never send on a connection being closed.
  server.keepAliveTimeout = 65_000;

  /** Stops listening; resolves once every connection is gone. `close` is `server.close` or the plain listener's. */
  const stopListening = (close: (this: Server, callback: () => void) => unknown) =>
    server.listening ? new Promise<void>((resolve) => close.call(server, () => resolve())) : Promise.resolve();

  return {
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    async drain(graceMs) {
      draining = true;
      // Unlike `server.close()`, the plain listener's close keeps idle keep-alive connections, so a client that
      // sends on one just now is answered (with `connection: close`) instead of finding its connection reset.
      const closed = stopListening(NetServer.prototype.close);
      const finished = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), graceMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve(true);
        };
        if (inFlight === 0) onIdle();
      });
      server.closeAllConnections();
      await closed;
      return finished;
    },
    async close() {
      draining = true;
      const closed = stopListening(server.close);
      server.closeAllConnections();
      await closed;
    },
  };
}
