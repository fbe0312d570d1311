import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body exactly as it came over the wire (no decompression). */
  body: Buffer;
}

/**
 * One request with node:http, which (unlike fetch) neither adds `accept-encoding` nor decodes the body, and lets
 * the test choose the connection: `agent: false` opens a new one, a keep-alive agent reuses its own.
 */
export function rawRequest(
  url: string | URL,
  options: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent | false; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    if (options.timeoutMs !== undefined) outgoing.setTimeout(options.timeoutMs, () => outgoing.destroy(new Error('no answer in time')));
    outgoing.end(options.body);
  });
}

export interface ReadyBody {
  status: 'starting' | 'ready' | 'draining';
  pid: number;
  vendors: Record<string, { simulated: boolean; breaker: 'open' | 'closed'; lastError: { code: string; at: string } | null }>;
  dependencies: Record<string, unknown>;
}

/** `GET /ready` with its status and parsed body. */
export async function ready(
  baseUrl: string | URL,
  agent: Agent | false = false,
  timeoutMs?: number,
): Promise<{ status: number; body: ReadyBody }> {
  const response = await rawRequest(new URL('/ready', baseUrl), { agent, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  return { status: response.status, body: JSON.parse(response.body.toString('utf8')) as ReadyBody };
}

/** A GraphQL POST over a new connection, body parsed. */
export async function postOperation<T>(url: string | URL, query: string): Promise<{ data?: T; errors?: unknown[] }> {
  const response = await rawRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query }),
  });
  return JSON.parse(response.body.toString('utf8')) as { data?: T; errors?: unknown[] };
}
