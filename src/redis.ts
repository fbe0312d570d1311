import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { systemClock, type Clock } from './upstream/clock.js';

/** Where the shared-state modules report, in pino's argument order; the process logger fits. */
export interface InfraLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(message: string): void;
}

export interface SharedRedisOptions {
  /** `redis://` or `rediss://` URL; may hold a password, so it is never logged. */
  url: string;
  logger: InfraLogger;
  /** Longest wait for one command: a hung Redis counts as down instead of stalling requests. @default 500 */
  commandTimeoutMs?: number;
  /** After a failed command Redis is left alone this long, so a hung server costs one timeout, not one per call. @default 1000 */
  pauseAfterFailureMs?: number;
  /** At most one "unreachable" line per interval, however many commands fail. @default 60000 */
  outageLogIntervalMs?: number;
  /** Key prefix of everything this gateway stores, so one Redis can serve other applications too. @default 'usage-graph:' */
  keyPrefix?: string;
  clock?: Clock;
}

/** The answer of a command, or that Redis could not give one (down, hung or failing): callers fall back. */
export type Shared<T> = { available: true; value: T } | { available: false };

const UNAVAILABLE: Shared<never> = { available: false };

/**
 * The one Redis connection a process shares between the cache, single flight and budgets. Redis is an
 * optimisation, never a dependency: every command is bounded, none is queued while disconnected, a failure
 * answers {@link Shared} `available: false`, and the client reconnects by itself.
 */
export class SharedRedis {
  readonly keyPrefix: string;
  readonly #client: Redis;
  readonly #logger: InfraLogger;
  readonly #clock: Clock;
  readonly #pauseAfterFailureMs: number;
  readonly #outageLogIntervalMs: number;
  #pausedUntil = 0;
  #inOutage = false;
  #lastOutageLogAt = Number.NEGATIVE_INFINITY;
  #connections = 0;
  #closing = false;

  constructor(options: SharedRedisOptions) {
    const commandTimeoutMs = options.commandTimeoutMs ?? 500;
    this.keyPrefix = options.keyPrefix ?? 'usage-graph:';
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#pauseAfterFailureMs = options.pauseAfterFailureMs ?? 1000;
    this.#outageLogIntervalMs = options.outageLogIntervalMs ?? 60_000;
    this.#client = new Redis(options.url, {
      commandTimeout: commandTimeoutMs,
      connectTimeout: Math.max(commandTimeoutMs * 4, 2000),
      // Fail fast while disconnected: a request must never wait for Redis to come back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Never give up reconnecting; at most a second between attempts, so recovery is noticed quickly.
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
      connectionName: 'usage-graph',
    });
    // Without a listener ioredis prints every connection error itself.
    this.#client.on('error', (error: unknown) => this.#failed(error));
    this.#client.on('close', () => {
      if (!this.#closing) this.#failed(new Error('connection lost'));
    });
    this.#client.on('ready', () => this.#connected());
  }

  /** Whether commands are sent at all right now. */
  get available(): boolean {
    return this.#client.status === 'ready' && this.#clock.now() >= this.#pausedUntil;
  }

  /** Counts (re)connections: state kept only in a previous connection's server may be gone. */
  get connections(): number {
    return this.#connections;
  }

  /** Runs `command` when Redis is available; any failure (refused, timed out, error reply) answers unavailable. */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<Shared<T>> {
    if (!this.available) return UNAVAILABLE;
    try {
      const value = await command(this.#client);
      if (this.#inOutage) this.#recovered();
      return { available: true, value };
    } catch (error) {
      this.#pausedUntil = this.#clock.now() + this.#pauseAfterFailureMs;
      this.#failed(error);
      return UNAVAILABLE;
    }
  }

  /** Whether Redis answers a PING now. */
  async ping(): Promise<boolean> {
    return (await this.run((client) => client.ping())).available;
  }

  /** Resolves `true` once connected, or `false` after `timeoutMs` (start-up may go on without Redis). */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.available) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#client.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      this.#client.once('ready', onReady);
    });
  }

  close(): void {
    this.#closing = true;
    this.#client.disconnect();
  }

  #connected(): void {
    this.#connections += 1;
    this.#pausedUntil = 0;
    if (this.#inOutage) this.#recovered();
    else this.#logger.info('Redis connected: cache, single flight and vendor budgets are shared');
  }

  #recovered(): void {
    this.#inOutage = false;
    this.#logger.info('Redis reachable again: cache, single flight and vendor budgets are shared again');
  }

  #failed(error: unknown): void {
    this.#inOutage = true;
    const now = this.#clock.now();
    if (now - this.#lastOutageLogAt < this.#outageLogIntervalMs) return;
    this.#lastOutageLogAt = now;
    this.#logger.warn(
      { reason: describe(error) },
      'Redis unreachable: cache, single flight and vendor budgets are per process until it is back',
    );
  }
}

/** A Lua script run by its SHA, sent in full only when the server does not know it (first use, or after a restart). */
export class LuaScript {
  readonly #sha: string;

  constructor(readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** An error code or short message: connection errors name host and port at most, never the URL's password. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.message.slice(0, 200);
}
