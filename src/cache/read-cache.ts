import { randomUUID } from 'node:crypto';
import type { SharedRedis } from '../redis.js';
import { systemClock, type Clock } from '../upstream/clock.js';
import { MemoryCacheStore } from './memory-store.js';
import { RedisCacheStore } from './redis-store.js';
import { SingleFlight } from './single-flight.js';
import { isFresh, type CacheEntry } from './store.js';
import type { CacheTtl } from './ttl.js';

export interface ReadCacheOptions {
  /** `false` (`CACHE=off`): every read goes straight to its loader; nothing is stored or shared. @default true */
  enabled?: boolean;
  /** Bound of the in-process store (`CACHE_MAX_MB`); least recently used entries go first. @default 32 MiB */
  maxBytes?: number;
  /** Shares entries and loads with every replica on the same Redis; without it, one process alone. */
  redis?: SharedRedis;
  /**
   * Longest a load holds its lock across replicas: the others wait for its entry at most this long, then load
   * themselves. Should cover one upstream call with its retries and waits. @default 20000
   */
  lockTtlMs?: number;
  clock?: Clock;
}

/** A loader's answer: the value for this caller and its serialised form for the store. */
export interface Loaded<T> {
  value: T;
  serialized: string;
  /** How long to keep it, when the answer itself tells (the period it covers); else the request's `ttl`. */
  ttl?: CacheTtl;
}

export interface ReadRequest<T> {
  /** From {@link ttlFor}; an answer's own `ttl` takes precedence. */
  ttl: CacheTtl;
  /** Produces the value when no fresh entry exists; its failures are never stored. */
  load: () => Promise<Loaded<T>>;
  /** Turns a stored `serialized` back into the value. */
  decode: (serialized: string) => T;
  /** Whether this failure of `load` may be answered from a stale entry (vendor down, breaker open, budget spent). */
  serveStale?: (error: unknown) => boolean;
}

/**
 * `hit`: a fresh entry, stored `ageMs` ago. `miss`: loaded now (by this call or a concurrent identical one).
 * `stale`: `load` failed with `error` and `serveStale` allowed an expired entry, stored `ageMs` ago.
 */
export type ReadResult<T> =
  { status: 'hit' | 'miss'; value: T; ageMs: number } | { status: 'stale'; value: T; ageMs: number; error: unknown };

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

/**
 * The upstream read cache: one `read` between the loaders and the HTTP calls. Fresh entries answer from this
 * process, then from Redis; otherwise one load per key runs at a time, in this process (single flight) and
 * across replicas (a lock in Redis; the others poll for its entry). Without Redis, or while it is down, the
 * in-process store alone serves.
 */
export class ReadCache {
  readonly #enabled: boolean;
  readonly #memory: MemoryCacheStore;
  readonly #shared: RedisCacheStore | undefined;
  readonly #flight = new SingleFlight();
  readonly #lockTtlMs: number;
  readonly #clock: Clock;

  constructor(options: ReadCacheOptions = {}) {
    this.#enabled = options.enabled ?? true;
    this.#clock = options.clock ?? systemClock;
    this.#memory = new MemoryCacheStore(options.maxBytes ?? 32 * 1024 * 1024, this.#clock);
    this.#shared = options.redis === undefined ? undefined : new RedisCacheStore(options.redis, this.#clock);
    this.#lockTtlMs = options.lockTtlMs ?? 20_000;
  }

  /** The value of `key`: a fresh entry, else one shared load, else (on a failure `serveStale` accepts) a stale entry. */
  async read<T>(key: string, request: ReadRequest<T>): Promise<ReadResult<T>> {
    if (!this.#enabled) return { status: 'miss', value: (await request.load()).value, ageMs: 0 };
    const cached = await this.#lookup(key);
    if (cached !== undefined && isFresh(cached, this.#clock.now())) return this.#hit(cached, request);
    try {
      return await this.#flight.run(key, () => this.#fill(key, request));
    } catch (error) {
      const now = this.#clock.now();
      if (cached === undefined || now >= cached.staleUntil || request.serveStale?.(error) !== true) throw error;
      return { status: 'stale', value: request.decode(cached.value), ageMs: now - cached.storedAt, error };
    }
  }

  /** The freshest entry of this process or Redis, fresh or stale; Redis is asked only when this process has none fresh. */
  async #lookup(key: string): Promise<CacheEntry | undefined> {
    const local = await this.#memory.get(key);
    if (this.#shared === undefined || (local !== undefined && isFresh(local, this.#clock.now()))) return local;
    const shared = await this.#shared.get(key);
    if (shared === undefined || (local !== undefined && local.freshUntil >= shared.freshUntil)) return local;
    await this.#memory.set(key, shared);
    return shared;
  }

  async #fill<T>(key: string, request: ReadRequest<T>): Promise<ReadResult<T>> {
    const shared = this.#shared;
    if (shared === undefined) return this.#loadAndStore(key, request);
    const token = randomUUID();
    const giveUpAt = this.#clock.now() + this.#lockTtlMs;
    for (let pauseMs = FIRST_POLL_MS; ; pauseMs = Math.min(pauseMs * 2, MAX_POLL_MS)) {
      const claim = await shared.claim(key, token, this.#lockTtlMs);
      if (claim.kind === 'unavailable') return this.#loadAndStore(key, request);
      if (claim.entry !== undefined && isFresh(claim.entry, this.#clock.now())) {
        if (claim.kind === 'acquired') await shared.release(key, token);
        await this.#memory.set(key, claim.entry);
        return this.#hit(claim.entry, request);
      }
      if (claim.kind === 'acquired') {
        try {
          return await this.#loadAndStore(key, request);
        } finally {
          await shared.release(key, token);
        }
      }
      // Another replica is loading: its entry is expected shortly. Past the lock's TTL it is presumed gone.
      if (this.#clock.now() >= giveUpAt) return this.#loadAndStore(key, request);
      await this.#clock.sleep(pauseMs);
    }
  }

  async #loadAndStore<T>(key: string, request: ReadRequest<T>): Promise<ReadResult<T>> {
    const loaded = await request.load();
    const now = this.#clock.now();
    const ttl = loaded.ttl ?? request.ttl;
    const freshUntil = now + ttl.freshMs;
    const entry: CacheEntry = { value: loaded.serialized, storedAt: now, freshUntil, staleUntil: freshUntil + ttl.staleMs };
    await this.#memory.set(key, entry);
    await this.#shared?.set(key, entry);
    return { status: 'miss', value: loaded.value, ageMs: 0 };
  }

  #hit<T>(entry: CacheEntry, request: ReadRequest<T>): ReadResult<T> {
    return { status: 'hit', value: request.decode(entry.value), ageMs: this.#clock.now() - entry.storedAt };
  }
}
