import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * Recorded vendor answers (`test/fixtures/<vendor>/<name>.json`) served over real loopback HTTP, so the real clients
 * read them exactly as they would read the vendor: status, headers and body on the wire, nothing mocked in-process.
 */

const fixtureSchema = z.object({
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).default({}),
  /** The vendor's body, exactly as published or recorded. */
  body: z.unknown(),
});
export type Fixture = z.infer<typeof fixtureSchema>;

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** Reads `test/fixtures/<name>.json`, e.g. `loadFixture('onomondo/sim-recorded')`. */
export function loadFixture(name: string): Fixture {
  return fixtureSchema.parse(JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')));
}

/** The body of a fixture, for a test to derive what a client should make of it. */
export function fixtureBody<T = unknown>(name: string): T {
  return loadFixture(name).body as T;
}

export interface FixtureRoute {
  /** @default 'GET' */
  method?: 'GET' | 'POST';
  /** Exact path, e.g. `/v1/people`. */
  path: string;
  /** Query parameters the request must carry with exactly these values; others are ignored. */
  query?: Record<string, string>;
  answer: Fixture;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters; a repeated key keeps every value. */
  query: Record<string, string[]>;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  /** Replaces the routes: the first route matching a request answers it. */
  serve(...routes: FixtureRoute[]): void;
  /** Requests since the last `reset()`, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Requests no route matched (answered 501, which no client retries). */
  readonly unmatched: readonly RecordedRequest[];
  /** Clears routes and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

/** A fixture server on a free loopback port. */
export async function startFixtureServer(): Promise<FixtureServer> {
  let routes: FixtureRoute[] = [];
  let requests: RecordedRequest[] = [];
  let unmatched: RecordedRequest[] = [];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fixture.invalid');
      const query: Record<string, string[]> = {};
      for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const route = routes.find((candidate) => matches(candidate, recorded));
      if (!route) {
        unmatched.push(recorded);
        response.writeHead(501, { 'content-type': 'text/plain' });
        response.end(`no fixture for ${recorded.method} ${url.pathname}${url.search}`);
        return;
      }
      const { status, headers, body } = route.answer;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    serve(...next) {
      routes = next;
    },
    get requests() {
      return requests;
    },
    get unmatched() {
      return unmatched;
    },
    reset() {
      routes = [];
      requests = [];
      unmatched = [];
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function matches(route: FixtureRoute, request: RecordedRequest): boolean {
  if ((route.method ?? 'GET') !== request.method || route.path !== request.path) return false;
  return Object.entries(route.query ?? {}).every(([key, value]) => {
    const values = request.query[key];
    return values?.length === 1 && values[0] === value;
  });
}
