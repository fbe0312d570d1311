import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { FaultPlan, breakSchema, faultSchema, type Fault } from './faults.js';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Values of the route's `:name` segments, URL-decoded. */
  params: Record<string, string>;
  body: string;
  /** Absolute base URL this simulator is reachable at, for building links. */
  baseUrl: string;
  /** The wire variant in force for each of the vendor's {@link VendorProfile.variants}. */
  variants: Readonly<Record<string, string>>;
}

export interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  /** Path with `:name` segments, e.g. `/usage/:simId`. */
  path: string;
  /** Whether the route is reachable without credentials (the OAuth token endpoint). */
  public?: boolean;
  handle(request: SimRequest): SimResponse | Promise<SimResponse>;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch ms at which the window resets. */
  resetAt: number;
}

/** What makes one vendor's simulator look like that vendor on the wire. */
export interface VendorProfile {
  source: string;
  /** Undefined when the request may proceed; otherwise the vendor's own 401/400 answer. */
  authenticate(request: SimRequest): SimResponse | undefined;
  /** An error in the vendor's own body format. */
  error(status: number, code: string, message: string): SimResponse;
  /** Requests per window; the vendor's rate-limit headers on every answer. */
  rateLimit?: { limit: number; windowMs: number; headers(state: RateLimitState): Record<string, string> };
  /**
   * Points where the vendor is seen answering in more than one way (or where its docs leave it open): each name with
   * its possible forms, the first being the default. Set per simulator and switched at run time, so both are tested.
   */
  variants?: Readonly<Record<string, readonly [string, ...string[]]>>;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Query parameters; a repeated key keeps every value. */
  query: Record<string, string[]>;
  status: number;
  /** Epoch ms with sub-millisecond precision, for measuring the upstream critical path. */
  startedAt: number;
  endedAt: number;
  /** The W3C trace context the caller sent, if any (the gateway sends one only when told to). */
  traceparent?: string;
}

export interface SimulatorOptions {
  /** Added to every answer, to model the network distance to the real vendor. @default 0 */
  latencyMs?: number;
  /** Overrides the vendor's requests-per-window. */
  rateLimit?: number;
  /** Wire variants other than the defaults, by name (see {@link VendorProfile.variants}). */
  variants?: Record<string, string>;
}

const settingsSchema = z.object({
  latencyMs: z.number().int().nonnegative().optional(),
  rateLimit: z.number().int().positive().optional(),
  variants: z.record(z.string(), z.string()).optional(),
});

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

const now = () => performance.timeOrigin + performance.now();

/**
 * A vendor API on loopback: routing, the vendor's auth, rate limit and error format, injected faults,
 * and a request log, with the same controls as a TypeScript API and under `/__control/`.
 */
export class Simulator {
  readonly #profile: VendorProfile;
  readonly #routes: CompiledRoute[];
  readonly #faults = new FaultPlan();
  #log: RequestLogEntry[] = [];
  #latencyMs: number;
  #rateLimit: number | undefined;
  #variants: Record<string, string>;
  #window = { startedAt: 0, count: 0 };
  #server: Server | undefined;
  #baseUrl = '';

  constructor(profile: VendorProfile, routes: Route[], options: SimulatorOptions = {}) {
    this.#profile = profile;
    this.#routes = routes.map(compileRoute);
    this.#latencyMs = options.latencyMs ?? 0;
    this.#rateLimit = options.rateLimit ?? profile.rateLimit?.limit;
    this.#variants = Object.fromEntries(Object.entries(profile.variants ?? {}).map(([name, forms]) => [name, forms[0]]));
    this.#setVariants(options.variants ?? {});
  }

  get source(): string {
    return this.#profile.source;
  }

  /** Base URL once started, e.g. `http://127.0.0.1:4101`. */
  get url(): string {
    if (!this.#server) throw new Error(`${this.source} simulator is not started`);
    return this.#baseUrl;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.#serve(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.#server = server;
    this.#baseUrl = `http://${host}:${address.port}`;
    return this.#baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  injectFault(fault: Fault): void {
    this.#faults.add(faultSchema.parse(fault));
  }

  /** Requests served since the last reset, oldest first (control requests excluded). */
  requests(): RequestLogEntry[] {
    return [...this.#log];
  }

  /** Clears faults, the request log and the rate-limit window. */
  reset(): void {
    this.#faults.clear();
    this.#log = [];
    this.#window = { startedAt: 0, count: 0 };
  }

  configure(settings: z.infer<typeof settingsSchema>): void {
    if (settings.variants !== undefined) this.#setVariants(settings.variants);
    if (settings.latencyMs !== undefined) this.#latencyMs = settings.latencyMs;
    if (settings.rateLimit !== undefined) this.#rateLimit = settings.rateLimit;
  }

  /** The wire variant in force for each variable point of the vendor. */
  get variants(): Readonly<Record<string, string>> {
    return { ...this.#variants };
  }

  #setVariants(variants: Record<string, string>): void {
    for (const [name, form] of Object.entries(variants)) {
      const forms = this.#profile.variants?.[name];
      if (!forms) throw new Error(`${this.source} simulator has no variant ${JSON.stringify(name)}`);
      if (!forms.includes(form)) throw new Error(`${this.source} simulator variant ${name} is one of ${forms.join(', ')}`);
    }
    Object.assign(this.#variants, variants);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = now();
    const url = new URL(req.url ?? '/', this.#baseUrl);
    const body = await readBody(req);
    if (url.pathname.startsWith('/__control/')) return send(res, this.#control(req.method ?? 'GET', url.pathname, body));

    const request: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      params: {},
      body,
      baseUrl: this.#baseUrl,
      variants: { ...this.#variants },
    };
    let response: SimResponse;
    try {
      response = await this.#answer(request);
    } catch (error) {
      response = this.#profile.error(500, 'internal_error', error instanceof Error ? error.message : 'simulator failure');
    }
    this.#log.push({
      method: request.method,
      path: request.path,
      query: groupQuery(url.searchParams),
      status: response.status,
      startedAt,
      endedAt: now(),
      ...(typeof req.headers.traceparent === 'string' ? { traceparent: req.headers.traceparent } : {}),
    });
    send(res, response);
  }

  async #answer(request: SimRequest): Promise<SimResponse> {
    const fault = this.#faults.take(request.method, request.path);
    const delay = this.#latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await sleep(delay);

    const limited = this.#countAgainstRateLimit();
    const withLimitHeaders = (response: SimResponse): SimResponse =>
      limited.headers ? { ...response, headers: { ...limited.headers, ...response.headers } } : response;
    if (fault?.status !== undefined) {
      const response = this.#profile.error(fault.status, statusCode(fault.status), `injected fault: HTTP ${fault.status}`);
      const retryAfter: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
      return withLimitHeaders({ ...response, headers: { ...response.headers, ...retryAfter } });
    }
    if (limited.exceeded) return withLimitHeaders(limited.exceeded);

    let match: (Route & { params: Record<string, string> }) | undefined;
    try {
      match = this.#route(request);
    } catch (error) {
      if (!(error instanceof URIError)) throw error;
      return withLimitHeaders(this.#profile.error(400, 'bad_request', `malformed escape in ${request.path}`));
    }
    if (!match) return withLimitHeaders(this.#profile.error(404, 'not_found', `no route for ${request.method} ${request.path}`));
    if (!match.public) {
      const denied = this.#profile.authenticate(request);
      if (denied) return withLimitHeaders(denied);
    }
    const response = withLimitHeaders(await match.handle({ ...request, params: match.params }));
    if (fault?.body === 'malformed' && response.status < 300) {
      return { ...response, body: new RawBody(JSON.stringify(response.body).slice(0, 40)) };
    }
    if (fault?.body === 'schema' && response.status < 300) return { ...response, body: breakSchema(response.body) };
    return response;
  }

  #route(request: SimRequest): (Route & { params: Record<string, string> }) | undefined {
    for (const route of this.#routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
      return { ...route, params };
    }
    return undefined;
  }

  #countAgainstRateLimit(): { headers?: Record<string, string>; exceeded?: SimResponse } {
    const policy = this.#profile.rateLimit;
    if (!policy || this.#rateLimit === undefined) return {};
    const time = Date.now();
    if (time - this.#window.startedAt >= policy.windowMs) this.#window = { startedAt: time, count: 0 };
    this.#window.count += 1;
    const state: RateLimitState = {
      limit: this.#rateLimit,
      remaining: Math.max(0, this.#rateLimit - this.#window.count),
      resetAt: this.#window.startedAt + policy.windowMs,
    };
    const headers = policy.headers(state);
    if (this.#window.count <= this.#rateLimit) return { headers };
    const retryAfter = String(Math.max(1, Math.ceil((state.resetAt - time) / 1000)));
    const response = this.#profile.error(429, 'rate_limit_exceeded', 'too many requests');
    return { headers, exceeded: { ...response, headers: { ...response.headers, 'retry-after': retryAfter } } };
  }

  #control(method: string, path: string, body: string): SimResponse {
    try {
      if (method === 'POST' && path === '/__control/faults') {
        const parsed: unknown = JSON.parse(body || '{}');
        const faults = z.array(faultSchema).parse(Array.isArray(parsed) ? parsed : [parsed]);
        faults.forEach((fault) => this.injectFault(fault));
        return { status: 204, body: undefined };
      }
      if (method === 'GET' && path === '/__control/requests') return { status: 200, body: this.requests() };
      if (method === 'POST' && path === '/__control/reset') {
        this.reset();
        return { status: 204, body: undefined };
      }
      if (method === 'POST' && path === '/__control/settings') {
        this.configure(settingsSchema.parse(JSON.parse(body || '{}')));
        return { status: 204, body: undefined };
      }
      return { status: 404, body: { error: `no control endpoint ${method} ${path}` } };
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : 'invalid control request' } };
    }
  }
}

/** A body sent exactly as given, not as JSON (used for malformed-body faults). */
class RawBody {
  constructor(readonly text: string) {}
}

function compileRoute(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}/?$`), names };
}

function statusCode(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  return status >= 500 ? 'service_unavailable' : 'bad_request';
}

function groupQuery(params: URLSearchParams): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [key, value] of params) (grouped[key] ??= []).push(value);
  return grouped;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, response: SimResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.body instanceof RawBody) payload = response.body.text;
  else if (response.body !== undefined) payload = JSON.stringify(response.body);
  // A profile may spell it `Content-Type`: adding a lower-case default beside it would send two.
  if (payload !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
