import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { Pool, errors as undiciErrors } from 'undici';
import type { z } from 'zod';
import { CircuitBreaker, type BreakerOptions } from './breaker.js';
import { systemClock, type Clock } from './clock.js';
import {
  UpstreamBadRequestError,
  UpstreamBadResponseError,
  UpstreamCancelledError,
  UpstreamError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnauthorizedError,
  UpstreamUnavailableError,
} from './errors.js';
import { markStale, type AnswerCache, type CacheStatus, type CallBudget, type LoadedAnswer, type RawAnswer } from './read-through.js';
import { RETRYABLE_STATUSES, backoffDelay, parseRetryAfter } from './retry.js';
import { collectRejections, formatPath, type Rejection } from './tolerant.js';

/** How the gateway treats one upstream: timeouts, retries, connection cap and circuit breaker. */
export interface HttpPolicy {
  /** @default 2000 */
  connectTimeoutMs: number;
  /**
   * Time to the response headers of one attempt, from when it is issued (a wait for a free connection included).
   * Timed by the core itself: undici's own headers timeout only fires on a ~0.5 s tick. @default 8000
   */
  headersTimeoutMs: number;
  /** Longest pause between body chunks. @default 8000 */
  bodyTimeoutMs: number;
  /** Overall budget of one call, retries and waits included. @default 15000 */
  deadlineMs: number;
  /** Attempts per call, the first included. @default 3 */
  maxAttempts: number;
  /** First backoff step; doubles per attempt. @default 100 */
  backoffBaseMs: number;
  /** @default 2000 */
  backoffMaxMs: number;
  /** Longest `Retry-After` the gateway will sit out; a longer one fails the call as rate limited. @default 5000 */
  retryAfterCapMs: number;
  /** Concurrent connections to the upstream; further calls queue instead of tripping its rate limit. @default 16 */
  maxConnections: number;
  breaker: BreakerOptions;
}

export const defaultHttpPolicy: HttpPolicy = {
  connectTimeoutMs: 2000,
  headersTimeoutMs: 8000,
  bodyTimeoutMs: 8000,
  deadlineMs: 15000,
  maxAttempts: 3,
  backoffBaseMs: 100,
  backoffMaxMs: 2000,
  retryAfterCapMs: 5000,
  maxConnections: 16,
  breaker: { failureThreshold: 5, cooldownMs: 10000 },
};

/** Supplies auth headers; `invalidate` drops cached credentials so one 401 can be retried with fresh ones. */
export interface Credentials {
  headers(signal?: AbortSignal): Promise<Record<string, string>> | Record<string, string>;
  invalidate?(): void;
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Record<string, QueryValue>;

/** What the caller of a vendor call brings along: the operation's abort signal and its allowance of calls. */
export interface CallOptions {
  /** Aborts the call (and its retries) when the operation is cancelled. */
  signal?: AbortSignal | undefined;
  /** Charged one call per attempt; rejects (and the attempt is not made) once the caller's allowance is spent. */
  budget?: { spend(source: string): Promise<void> } | undefined;
  /** Told when each call starts and ends, cache reads included: the caller's batches wait until none is in flight. */
  inFlight?: { enter(): void; leave(): void } | undefined;
}

export interface RequestOptions<S extends z.ZodType> extends CallOptions {
  schema: S;
  /** Values of the path template's `{name}` segments; each must be one safe path segment. */
  params?: Record<string, string | number>;
  query?: Query;
  /** Headers that scope the answer (an organisation header); part of the cache key. Never credentials. */
  headers?: Record<string, string>;
  /**
   * End of the period the answer covers (epoch ms, exclusive), or how to read it off the answer: a read over a
   * settled period stays cached far longer. Unset: an open period or an entity list.
   */
  periodEnd?: number | ((data: z.output<S>) => number | undefined);
}

/** A record the answer's list held that failed validation: left out of `data`, reported as its own error. */
export interface RejectedRecord {
  /** Position in the vendor's list, so the positions of the records after it stay right. */
  index: number;
  /** The record as sent, so a caller can still tell whose it was. */
  raw: unknown;
  error: UpstreamBadResponseError;
}

export interface UpstreamResponse<T> {
  data: T;
  /** `METHOD /path-template` of the call, as errors name it. */
  endpoint: string;
  status: number;
  /** Lower-cased response headers. */
  headers: Record<string, string>;
  /** Records of the answer's tolerant lists that failed validation, in answer order. */
  rejected: readonly RejectedRecord[];
  /** Where the answer came from, when a cache is in use; a stale answer's data is marked (`staleMarkOf`). */
  cache?: { status: CacheStatus; ageMs: number };
}

export interface UpstreamOptions {
  /** The vendor's name in errors and logs. */
  source: string;
  /** Origin plus optional path prefix, e.g. `https://api.4me.com/v1`. */
  baseUrl: string;
  policy: HttpPolicy;
  credentials?: Credentials;
  /** Pulls the vendor's own error text out of an error body, in that vendor's format. */
  errorMessage?: (body: unknown) => string | undefined;
  /** Names the credential in cache keys (a digest, never the secret); the same for every upstream of one credential. */
  identity?: string;
  /** Where idempotent reads are answered from when they can be, and shared between callers. */
  cache?: AnswerCache;
  /** The vendor's call budget for this credential: no attempt goes out without its grant. */
  budget?: CallBudget;
  clock?: Clock;
  random?: () => number;
}

/** What the gateway lends the upstreams of one credential: its digest for keys, the shared cache, its call budget. */
export type SharedServices = Pick<UpstreamOptions, 'identity' | 'cache' | 'budget'>;

/** Options every vendor client takes beside its settings and policy. */
export interface ClientOptions {
  clock?: Clock;
  /** The shared services for a credential, given its secret material (digested, never kept). */
  sharing?: (credential: string) => SharedServices;
}

/** What `/ready` reports of one upstream: whether its breaker fails calls fast, and its most recent failure. */
export interface UpstreamHealth {
  source: string;
  breakerOpen: boolean;
  lastError: { code: UpstreamError['code']; at: Date } | undefined;
}

/** How one attempt ended: the vendor's HTTP status, or why no status came back. */
export type AttemptOutcome = number | 'timeout' | 'network' | 'cancelled' | 'error';

/**
 * Watches an upstream's calls (for metrics and traces) without the core knowing what is made of them. Every method
 * must return quickly and never throw.
 */
export interface UpstreamObserver {
  /** A call begins; `endpoint` is `METHOD /path-template`, never a path with ids in it. */
  call(source: string, endpoint: string): CallObservation;
}

export interface CallObservation {
  /** Headers every attempt carries besides the call's own (trace context, when it is to be propagated). */
  headers(): Record<string, string>;
  /** One attempt was answered (its HTTP status, body read) or failed on its way; `durationMs` from its start. */
  attempt(outcome: AttemptOutcome, durationMs: number): void;
  /** Where the read cache answered this call from. */
  cache(result: CacheStatus): void;
  /** The call is over: with the error it failed with, if it did. */
  end(error?: unknown): void;
}

interface Collection {
  upstreams: Upstream[];
  observer: UpstreamObserver | undefined;
}

const created = new AsyncLocalStorage<Collection>();

/**
 * Runs `create` and returns, with its result, every {@link Upstream} constructed inside it: how the gateway finds
 * the upstreams its sources built, to report their health, without each client handing them out. Each of them
 * reports its calls to `observer`.
 */
export async function collectUpstreams<T>(
  create: () => Promise<T>,
  observer?: UpstreamObserver,
): Promise<{ result: T; upstreams: Upstream[] }> {
  const collection: Collection = { upstreams: [], observer };
  const result = await created.run(collection, create);
  return { result, upstreams: collection.upstreams };
}

const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** Timeouts of one attempt, as opposed to the call's deadline: worth another attempt while the deadline allows. */
const ATTEMPT_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/**
 * The one HTTP core every source uses: a keep-alive pool per upstream origin, per-attempt timeouts and an
 * overall deadline, retries of idempotent calls with backoff and `Retry-After`, a circuit breaker, and
 * mapping of every failure onto the {@link UpstreamError} hierarchy.
 */
export class Upstream {
  readonly source: string;
  readonly #pool: Pool;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #breaker: CircuitBreaker;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #observer: UpstreamObserver | undefined;
  #lastError: UpstreamHealth['lastError'];

  constructor(private readonly options: UpstreamOptions) {
    const collection = created.getStore();
    collection?.upstreams.push(this);
    this.#observer = collection?.observer;
    const url = new URL(options.baseUrl);
    this.source = options.source;
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#breaker = new CircuitBreaker(options.policy.breaker, this.#clock);
    this.#pool = new Pool(url.origin, {
      connections: options.policy.maxConnections,
      connect: { timeout: options.policy.connectTimeoutMs },
      headersTimeout: options.policy.headersTimeoutMs,
      bodyTimeout: options.policy.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /**
   * An idempotent read of `template` (`/sims/{sim_id}`, below the base URL): retried on network errors, connect and
   * headers timeouts, 429, 502, 503 and 504.
   */
  get<S extends z.ZodType>(template: string, options: RequestOptions<S>): Promise<UpstreamResponse<z.output<S>>> {
    return this.#observed('GET', template, (observation) => this.#call('GET', template, options, undefined, observation));
  }

  /** A form POST (the OAuth token call): never retried, since POST is not idempotent in general. */
  postForm<S extends z.ZodType>(
    template: string,
    form: Record<string, string>,
    options: RequestOptions<S>,
  ): Promise<UpstreamResponse<z.output<S>>> {
    const body = new URLSearchParams(form).toString();
    return this.#observed('POST', template, (observation) => this.#call('POST', template, options, body, observation));
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  get health(): UpstreamHealth {
    return { source: this.source, breakerOpen: this.#breaker.isOpen, lastError: this.#lastError };
  }

  /** `METHOD /path-template`, as errors, logs and metrics name an endpoint. */
  #endpoint(method: 'GET' | 'POST', template: string): string {
    return `${method} ${this.#basePath}${template}`;
  }

  /** Runs one call under the observer's watch, if there is one. */
  async #observed<T>(method: 'GET' | 'POST', template: string, call: (observation: CallObservation | undefined) => Promise<T>): Promise<T> {
    const observation = this.#observer?.call(this.source, this.#endpoint(method, template));
    if (observation === undefined) return call(undefined);
    try {
      const result = await call(observation);
      observation.end();
      return result;
    } catch (error) {
      observation.end(error);
      throw error;
    }
  }

  async #call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    template: string,
    options: RequestOptions<S>,
    body: string | undefined,
    observation: CallObservation | undefined,
  ): Promise<UpstreamResponse<z.output<S>>> {
    const endpoint = this.#endpoint(method, template);
    const path = expandTemplate(template, options.params ?? {}, { source: this.source, endpoint });
    options.inFlight?.enter();
    try {
      const cache = method === 'GET' ? this.options.cache : undefined;
      if (!cache) return (await this.#fetch(method, path, options, body, endpoint, observation)).response;
      return await this.#readThrough(cache, path, options, endpoint, observation);
    } finally {
      options.inFlight?.leave();
    }
  }

  /**
   * A read answered by the cache when it can be: fresh, else loaded once for every caller asking the same, else
   * (the vendor down, its breaker open or its budget spent) an expired answer, marked stale.
   */
  async #readThrough<S extends z.ZodType>(
    cache: AnswerCache,
    path: string,
    options: RequestOptions<S>,
    endpoint: string,
    observation: CallObservation | undefined,
  ): Promise<UpstreamResponse<z.output<S>>> {
    const key = {
      source: this.source,
      identity: this.options.identity ?? '',
      url: `${this.#origin}${this.#basePath}${path}${queryString(options.query)}`,
      headers: options.headers ?? {},
    };
    for (;;) {
      // The answer as this caller parsed it when its own load filled the entry.
      let loaded: UpstreamResponse<z.output<S>> | undefined;
      const load = async (): Promise<LoadedAnswer> => {
        try {
          const { response, raw } = await this.#fetch('GET', path, options, undefined, endpoint, observation);
          loaded = response;
          const periodEnd = typeof options.periodEnd === 'function' ? options.periodEnd(response.data) : options.periodEnd;
          return { answer: raw, periodEnd };
        } catch (error) {
          // The load is shared: a caller that gave up must not fail the others waiting for it.
          throw options.signal?.aborted ? new AbandonedLoad(error) : error;
        }
      };
      try {
        const cached = await untilAborted(cache.read(key, load, servableStale), options.signal, { source: this.source, endpoint });
        observation?.cache(cached.status);
        if (cached.status === 'miss' && loaded) return { ...loaded, cache: { status: 'miss', ageMs: 0 } };
        const { status, headers, body } = cached.answer;
        const parsed = this.#parse(body, options.schema, { source: this.source, endpoint, status });
        if (cached.status === 'stale') markStale(parsed.data, { source: this.source, ageMs: cached.ageMs });
        return { status, headers, endpoint, ...parsed, cache: { status: cached.status, ageMs: cached.ageMs } };
      } catch (error) {
        if (!(error instanceof AbandonedLoad)) throw error;
        if (options.signal?.aborted) throw error.cause;
        // Another caller's load was abandoned with it: this caller still wants the answer.
      }
    }
  }

  /** One call to the vendor: breaker, attempts, parsing; with the answer as it came, for the cache. */
  async #fetch<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    options: RequestOptions<S>,
    body: string | undefined,
    endpoint: string,
    observation: CallObservation | undefined,
  ): Promise<{ response: UpstreamResponse<z.output<S>>; raw: RawAnswer }> {
    const details = { source: this.source, endpoint };
    if (!this.#breaker.tryAcquire()) {
      throw new UpstreamUnavailableError('circuit open after repeated failures; failing fast', details);
    }
    const deadline = AbortSignal.timeout(this.options.policy.deadlineMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    const deadlineAt = this.#clock.now() + this.options.policy.deadlineMs;
    try {
      const raw = await this.#attempts(method, path, options, body, signal, deadlineAt, endpoint, observation);
      const response = {
        status: raw.status,
        headers: raw.headers,
        endpoint,
        ...this.#parse(raw.body, options.schema, { ...details, status: raw.status }),
      };
      this.#breaker.onSuccess();
      return { response, raw };
    } catch (error) {
      // A caller that gave up (a client disconnect, the operation's time limit) or ran out of calls says nothing about
      // the vendor's health.
      if (signal.aborted && !deadline.aborted) {
        this.#breaker.onNeutral();
        throw cancellation(signal.reason, details);
      }
      if (error instanceof CallerRefusal) {
        this.#breaker.onNeutral();
        throw error.reason;
      }
      const mapped = error instanceof UpstreamError ? error : this.#mapThrown(error, endpoint, deadline);
      this.#lastError = { code: mapped.code, at: new Date(this.#clock.now()) };
      if (mapped instanceof UpstreamUnavailableError || mapped instanceof UpstreamTimeoutError) this.#breaker.onFailure();
      else this.#breaker.onNeutral();
      throw mapped;
    }
  }

  async #attempts<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    options: RequestOptions<S>,
    body: string | undefined,
    signal: AbortSignal,
    deadlineAt: number,
    endpoint: string,
    observation: CallObservation | undefined,
  ): Promise<RawAnswer> {
    const { policy, credentials, budget } = this.options;
    const retryable = method === 'GET';
    const details = { source: this.source, endpoint };
    let refreshedCredentials = false;
    for (let attempt = 0; ; attempt++) {
      const lastAttempt = !retryable || attempt + 1 >= policy.maxAttempts;
      let response: Exchange;
      let auth: Record<string, string> = {};
      // A caller that already gave up is charged nothing.
      signal.throwIfAborted();
      try {
        await options.budget?.spend(this.source);
      } catch (refusal) {
        throw new CallerRefusal(refusal);
      }
      // The vendor's budget last: a caller out of calls must not spend what every caller shares.
      const grant = await budget?.acquire(signal);
      if (grant?.granted === false) {
        throw new UpstreamRateLimitedError(`our call budget for this vendor is spent; retry in ${Math.ceil(grant.retryAfterMs / 1000)} s`, {
          ...details,
          retryAfterMs: grant.retryAfterMs,
        });
      }
      try {
        auth = credentials ? await credentials.headers(signal) : {};
        const headers = { ...observation?.headers(), ...options.headers, ...auth };
        response = await this.#request(method, path + queryString(options.query), headers, body, signal, observation);
      } catch (error) {
        if (error instanceof UpstreamError) throw error;
        const wait = backoffDelay(attempt, policy.backoffBaseMs, policy.backoffMaxMs, this.#random);
        const retryableError = isNetworkError(error) || ATTEMPT_TIMEOUT_CODES.has(errorCode(error) ?? '');
        if (!lastAttempt && retryableError && !signal.aborted && wait < deadlineAt - this.#clock.now()) {
          await this.#clock.sleep(wait, signal);
          continue;
        }
        throw error;
      }

      const { status, headers, text } = response;
      budget?.observe(headers);

      if (status >= 200 && status < 300) return { status, headers, body: text };

      const vendorMessage = this.#vendorMessage(text, [...Object.values(auth), ...headerValues(options.headers, 'authorization')]);
      if ((status === 401 || status === 403) && credentials?.invalidate && !refreshedCredentials) {
        refreshedCredentials = true;
        credentials.invalidate();
        continue;
      }
      if (retryable && RETRYABLE_STATUSES.has(status)) {
        const retryAfterMs = parseRetryAfter(headers['retry-after'], this.#clock.now());
        const wait = retryAfterMs ?? backoffDelay(attempt, policy.backoffBaseMs, policy.backoffMaxMs, this.#random);
        const remaining = deadlineAt - this.#clock.now();
        const canWait = retryAfterMs === undefined || retryAfterMs <= policy.retryAfterCapMs;
        if (!lastAttempt && canWait && wait < remaining) {
          await this.#clock.sleep(wait, signal);
          continue;
        }
        if (status === 429) {
          throw new UpstreamRateLimitedError(`rate limited (HTTP 429)${vendorMessage}`, {
            ...details,
            status,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          });
        }
      }
      throw statusError(status, vendorMessage, details);
    }
  }

  /** One attempt, bounded by `headersTimeoutMs` until the response headers arrive, then by `bodyTimeoutMs` per chunk. */
  async #request(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
    observation: CallObservation | undefined,
  ): Promise<Exchange> {
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(new undiciErrors.HeadersTimeoutError()), this.options.policy.headersTimeoutMs);
    const startedAt = performance.now();
    try {
      const response = await this.#pool.request({
        method,
        path: this.#basePath + pathAndQuery,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
          ...headers,
        },
        body,
        signal: AbortSignal.any([signal, attempt.signal]),
      });
      clearTimeout(timer);
      const text = await response.body.text();
      observation?.attempt(response.statusCode, performance.now() - startedAt);
      return { status: response.statusCode, headers: flattenHeaders(response.headers), text };
    } catch (error) {
      observation?.attempt(attemptFailure(error, signal), performance.now() - startedAt);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Validates the body; records of tolerant lists that fail are left out and come back as {@link RejectedRecord}s. */
  #parse<S extends z.ZodType>(
    text: string,
    schema: S,
    details: { source: string; endpoint: string; status: number },
  ): { data: z.output<S>; rejected: RejectedRecord[] } {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new UpstreamBadResponseError('response body is not JSON', { ...details, cause });
    }
    const { result, rejections } = collectRejections(() => schema.safeParse(json));
    if (result.success) return { data: result.data, rejected: rejections.map((rejection) => rejectedRecord(rejection, details)) };
    const issue = result.error.issues[0];
    const fieldPath = issue ? formatPath(issue.path) : '';
    throw new UpstreamBadResponseError(`response failed validation at ${fieldPath || '(root)'}: ${issue?.message ?? 'invalid'}`, {
      ...details,
      fieldPath,
      cause: result.error,
    });
  }

  /** The vendor's error text, with any credential we sent cut out: some vendors echo a rejected key. */
  #vendorMessage(text: string, credentialValues: readonly string[]): string {
    try {
      const message = this.options.errorMessage?.(JSON.parse(text));
      return message ? `: ${redact(message, credentialValues).slice(0, 200)}` : '';
    } catch {
      return '';
    }
  }

  #mapThrown(error: unknown, endpoint: string, deadline: AbortSignal): UpstreamError {
    const details = { source: this.source, endpoint, cause: error };
    if (deadline.aborted || isTimeout(error)) {
      return new UpstreamTimeoutError(`no answer within the deadline of ${this.options.policy.deadlineMs} ms`, details);
    }
    if (isNetworkError(error)) return new UpstreamUnavailableError(`connection failed (${errorCode(error)})`, details);
    return new UpstreamUnavailableError('request failed', details);
  }
}

/** A shared load given up because the caller that ran it went away: the callers still waiting try again. */
class AbandonedLoad extends Error {
  constructor(override readonly cause: unknown) {
    super('the load was abandoned by its caller');
  }
}

/** Failures an expired cache entry may stand in for: the vendor is down, failing fast, or out of budget. */
function servableStale(error: unknown): boolean {
  return error instanceof UpstreamUnavailableError || error instanceof UpstreamTimeoutError || error instanceof UpstreamRateLimitedError;
}

/** `work`, or the caller's cancellation as soon as its signal fires (the work itself may serve other callers). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined, details: { source: string; endpoint: string }): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(cancellation(signal.reason, details));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancellation(signal.reason, details));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One attempt's answer, its body read. */
interface Exchange {
  status: number;
  /** Lower-cased. */
  headers: Record<string, string>;
  text: string;
}

/** The class of a failed attempt, for observers: never a message, so it stays one of a few values. */
function attemptFailure(error: unknown, signal: AbortSignal): AttemptOutcome {
  if (isTimeout(error) || ATTEMPT_TIMEOUT_CODES.has(errorCode(error) ?? '')) return 'timeout';
  if (isNetworkError(error)) return 'network';
  return signal.aborted ? 'cancelled' : 'error';
}

/** The caller's own refusal of an attempt (its allowance of calls is spent), passed through untouched. */
class CallerRefusal extends Error {
  constructor(readonly reason: unknown) {
    super('the caller refused the call');
  }
}

/** Why a call stopped when its caller aborted it: the caller's own coded reason (its time limit), or a cancellation. */
function cancellation(reason: unknown, details: { source: string; endpoint: string }): Error {
  if (reason instanceof Error && typeof (reason as { code?: unknown }).code === 'string') return reason;
  return new UpstreamCancelledError('the call was cancelled before the vendor answered', details);
}

function rejectedRecord(rejection: Rejection, details: { source: string; endpoint: string; status: number }): RejectedRecord {
  const { recordPath, fieldPath, message, index, raw } = rejection;
  const error = new UpstreamBadResponseError(`record ${recordPath} failed validation at ${fieldPath || '(record)'}: ${message}`, {
    ...details,
    recordPath,
    fieldPath,
  });
  return { index, raw, error };
}

/**
 * A path segment a vendor id may fill: never empty, `.` or `..`, and never a slash, even encoded (some servers decode
 * `%2F` before routing). Everything else is percent-encoded.
 */
const SAFE_SEGMENT = /^(?!\.{1,2}$)[^/\\]+$/;

/**
 * `/sims/{sim_id}` with `{ sim_id: '000000001' }` → `/sims/000000001`. A value that would leave its segment (`..`, `/`,
 * empty) is refused before any call: only the paths the client names can be reached with the vendor's credentials.
 */
function expandTemplate(template: string, params: Record<string, string | number>, details: { source: string; endpoint: string }): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = params[name];
    const text = value === undefined ? '' : String(value);
    if (!SAFE_SEGMENT.test(text)) throw new UpstreamBadRequestError(`refused an unsafe value for {${name}}`, details);
    return encodeURIComponent(text);
  });
}

function statusError(status: number, vendorMessage: string, details: { source: string; endpoint: string }): UpstreamError {
  const withStatus = { ...details, status };
  if (status === 401 || status === 403)
    return new UpstreamUnauthorizedError(`credentials rejected (HTTP ${status})${vendorMessage}`, withStatus);
  if (status === 404) return new UpstreamNotFoundError(`not found${vendorMessage}`, withStatus);
  if (status === 429) return new UpstreamRateLimitedError(`rate limited (HTTP 429)${vendorMessage}`, withStatus);
  if (status >= 400 && status < 500)
    return new UpstreamBadRequestError(`rejected the request (HTTP ${status})${vendorMessage}`, withStatus);
  return new UpstreamUnavailableError(`failed (HTTP ${status})${vendorMessage}`, withStatus);
}

function headerValues(headers: Record<string, string> | undefined, name: string): string[] {
  return Object.entries(headers ?? {})
    .filter(([key]) => key.toLowerCase() === name)
    .map(([, value]) => value);
}

/** Cuts each credential out of `text`, both whole (`Bearer abc…`) and without its scheme (`abc…`). */
function redact(text: string, credentialValues: readonly string[]): string {
  let redacted = text;
  for (const value of credentialValues) {
    for (const secret of [value, value.replace(/^\S+\s+/, '')]) {
      if (secret.trim().length >= 4) redacted = redacted.split(secret).join('[redacted]');
    }
  }
  return redacted;
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
}

function isNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && NETWORK_ERROR_CODES.has(code);
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.ConnectTimeoutError ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    (error instanceof Error && error.name === 'TimeoutError')
  );
}
