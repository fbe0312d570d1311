import { LuaScript, type SharedRedis } from '../redis.js';
import type { Clock } from '../upstream/clock.js';
import type { CacheEntry, CacheStore } from './store.js';

/** What a claim on a key's load found: the entry if any, and whether this caller now holds the load lock. */
export type Claim = { kind: 'acquired' | 'held'; entry: CacheEntry | undefined } | { kind: 'unavailable' };

/** Takes the load lock if free, and reads the entry in the same round trip. */
const CLAIM = new LuaScript(`
local acquired = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
return { acquired and 1 or 0, redis.call('GET', KEYS[2]) }
`);

/** Deletes the lock only if it is still ours: after its TTL another replica may hold it. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * The shared store in Redis: one string per entry (`storedAt:freshUntil:staleUntil:value`, no JSON around the
 * value) expiring at its stale horizon, plus a short lock per key so that one replica loads while the others
 * wait. Every key has a TTL. When Redis is unavailable, reads miss, writes are dropped and claims say so.
 */
export class RedisCacheStore implements CacheStore {
  constructor(
    private readonly redis: SharedRedis,
    private readonly clock: Clock,
  ) {}

  async get(key: string): Promise<CacheEntry | undefined> {
    const answer = await this.redis.run((client) => client.get(this.#entryKey(key)));
    return answer.available && answer.value !== null ? decodeEntry(answer.value) : undefined;
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    const ttlMs = entry.staleUntil - this.clock.now();
    if (ttlMs <= 0) return;
    await this.redis.run((client) => client.set(this.#entryKey(key), encodeEntry(entry), 'PX', ttlMs));
  }

  /** Takes the load lock of `key` for `ttlMs` unless another holder has it, and reads the entry meanwhile. */
  async claim(key: string, token: string, ttlMs: number): Promise<Claim> {
    const answer = await this.redis.run((client) => CLAIM.run(client, [this.#lockKey(key), this.#entryKey(key)], [token, ttlMs]));
    if (!answer.available) return { kind: 'unavailable' };
    // The script's reply: [1 | 0, entry | null].
    const [acquired, encoded] = answer.value as [number, string | null];
    return { kind: acquired === 1 ? 'acquired' : 'held', entry: encoded === null ? undefined : decodeEntry(encoded) };
  }

  async release(key: string, token: string): Promise<void> {
    await this.redis.run((client) => RELEASE.run(client, [this.#lockKey(key)], [token]));
  }

  #entryKey(key: string): string {
    return `${this.redis.keyPrefix}cache:${key}`;
  }

  #lockKey(key: string): string {
    return `${this.redis.keyPrefix}lock:${key}`;
  }
}

function encodeEntry(entry: CacheEntry): string {
  return `${entry.storedAt}:${entry.freshUntil}:${entry.staleUntil}:${entry.value}`;
}

const ENCODED_ENTRY = /^(\d+):(\d+):(\d+):/;

/** `undefined` for anything not written by {@link encodeEntry}: a foreign value is a miss, never an error. */
function decodeEntry(encoded: string): CacheEntry | undefined {
  const header = ENCODED_ENTRY.exec(encoded);
  if (header === null) return undefined;
  const [prefix, storedAt = '', freshUntil = '', staleUntil = ''] = header;
  return {
    storedAt: Number(storedAt),
    freshUntil: Number(freshUntil),
    staleUntil: Number(staleUntil),
    value: encoded.slice(prefix.length),
  };
}
