import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import { loadTrustedDocuments } from './http/trusted-documents.js';
import { createLogger, type Logger } from './log.js';
import { schema } from './schema/index.js';
import { connectSources, type ConnectedSources } from './sources/connect.js';
import { CursorCodec } from './schema/paging/cursor.js';
import { createApp, type App } from './yoga.js';

export interface Gateway {
  /** `http://host:port/graphql` */
  url: string;
  app: App;
  connected: ConnectedSources;
  log: Logger;
  close(): Promise<void>;
}

/** Connects the sources, builds the app and listens. */
export async function startGateway(config: Config, log: Logger = createLogger(config.log)): Promise<Gateway> {
  const trustedDocuments = config.trustedDocuments === undefined ? undefined : await loadTrustedDocuments(config.trustedDocuments, schema);
  const connected = await connectSources(config);
  // Without a configured secret, cursors are signed with one of this process's own: valid until it restarts.
  const cursors = new CursorCodec(config.cursorSecret ?? randomBytes(32));
  const app = createApp(connected.clients, config, { log, paging: { limits: config.paging, cursors }, trustedDocuments });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    url: `http://${host}:${port}/graphql`,
    app,
    connected,
    log,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connected.close();
    },
  };
}
