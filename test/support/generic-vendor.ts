import { z } from 'zod';
import type { Clock } from '../../src/upstream/clock.js';
import { Upstream, defaultHttpPolicy, type Credentials, type HttpPolicy } from '../../src/upstream/http.js';
import { Simulator, type Route, type SimResponse, type SimulatorOptions, type VendorProfile } from '../../src/simulator/server.js';

/**
 * A small vendor built with the simulator framework itself, so the HTTP core is tested over real loopback HTTP:
 * bearer tokens, a JSON error format `{error, message}` served as `application/vnd.generic-error+json`,
 * and a rate limit announced in `x-ratelimit-*` headers.
 */
export const ITEMS = [
  { id: 1, name: 'a' },
  { id: 2, name: 'b' },
  { id: 3, name: 'c' },
] as const;

export const ERROR_CONTENT_TYPE = 'application/vnd.generic-error+json';

export const itemSchema = z.object({ id: z.number().int(), name: z.string() });
export const itemsSchema = z.object({ items: z.array(itemSchema) });
export const tokenSchema = z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number() });

export interface GenericVendor {
  simulator: Simulator;
  url: string;
  /** Tokens the vendor accepts right now; tests revoke or add. */
  tokens: Set<string>;
  /** Mints a token the vendor accepts, as `POST /token` does. */
  issueToken(): string;
  stop(): Promise<void>;
}

export interface GenericVendorOptions extends SimulatorOptions {
  /** Requests per window in the profile. @default 1000 */
  profileLimit?: number;
  /** @default 60000 */
  windowMs?: number;
  /** Whether a 401 echoes the rejected token in its message, as some real APIs do. @default false */
  echoRejectedToken?: boolean;
}

export async function startGenericVendor(options: GenericVendorOptions = {}): Promise<GenericVendor> {
  const tokens = new Set<string>(['initial-token']);
  let issued = 0;
  const issueToken = (): string => {
    const token = `token-${++issued}`;
    tokens.add(token);
    return token;
  };
  const error = (status: number, code: string, message: string): SimResponse => ({
    status,
    body: { error: code, message },
    headers: { 'Content-Type': ERROR_CONTENT_TYPE },
  });
  const profile: VendorProfile = {
    source: 'onomondo',
    authenticate(request) {
      const header = request.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
      if (token !== undefined && tokens.has(token)) return undefined;
      return error(401, 'unauthorized', options.echoRejectedToken ? `unknown token ${header ?? '(none)'}` : 'missing or unknown token');
    },
    error,
    rateLimit: {
      limit: options.profileLimit ?? 1000,
      windowMs: options.windowMs ?? 60_000,
      headers: (state) => ({
        'X-RateLimit-Limit': String(state.limit),
        'X-RateLimit-Remaining': String(state.remaining),
        'X-RateLimit-Reset': String(Math.ceil(state.resetAt / 1000)),
      }),
    },
  };
  const routes: Route[] = [
    { method: 'GET', path: '/items', handle: () => ({ status: 200, body: { items: ITEMS } }) },
    {
      method: 'GET',
      path: '/items/:id',
      handle: ({ params }) => {
        const item = ITEMS.find((candidate) => String(candidate.id) === params.id);
        return item ? { status: 200, body: item } : error(404, 'item_not_found', `no item ${params.id}`);
      },
    },
    { method: 'GET', path: '/names/:first/:second', handle: ({ params }) => ({ status: 200, body: { params } }) },
    {
      method: 'POST',
      path: '/token',
      public: true,
      handle: ({ body }) => {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'client_credentials')
          return error(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
        return { status: 200, body: { access_token: issueToken(), token_type: 'Bearer', expires_in: 600 } };
      },
    },
  ];
  const simulator = new Simulator(profile, routes, options);
  const url = await simulator.start(0);
  return { simulator, url, tokens, issueToken, stop: () => simulator.stop() };
}

/** A clock whose `sleep` records the delay asked for, moves time on by it, and resolves at once. */
export class FakeClock implements Clock {
  time = Date.parse('2030-01-01T00:00:00Z');
  readonly sleeps: number[] = [];

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.time += ms;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

/** A policy that keeps tests fast: tiny backoff, short timeouts. */
export function testPolicy(overrides: Partial<HttpPolicy> = {}): HttpPolicy {
  return {
    ...defaultHttpPolicy,
    connectTimeoutMs: 500,
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
    deadlineMs: 5000,
    backoffBaseMs: 1,
    backoffMaxMs: 10,
    breaker: { failureThreshold: 1000, cooldownMs: 1000 },
    ...overrides,
  };
}

export function bearer(token: string): Credentials {
  return { headers: () => ({ authorization: `Bearer ${token}` }) };
}

export interface UpstreamSetup {
  policy?: Partial<HttpPolicy>;
  credentials?: Credentials;
  clock?: Clock;
  baseUrl?: string;
}

/** An Upstream for the generic vendor, reading its `{error, message}` bodies. */
export function genericUpstream(vendorUrl: string, setup: UpstreamSetup = {}): Upstream {
  return new Upstream({
    source: 'onomondo',
    baseUrl: setup.baseUrl ?? vendorUrl,
    policy: testPolicy(setup.policy),
    credentials: setup.credentials ?? bearer('initial-token'),
    errorMessage: (body) => {
      const parsed = z.object({ message: z.string() }).safeParse(body);
      return parsed.success ? parsed.data.message : undefined;
    },
    random: () => 1,
    ...(setup.clock ? { clock: setup.clock } : {}),
  });
}

/** Resolves with the rejection of `promise`, failing when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
