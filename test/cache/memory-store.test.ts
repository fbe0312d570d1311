import { describe, expect, it } from 'vitest';
import { MemoryCacheStore, entryBytes } from '../../src/cache/memory-store.js';
import type { CacheEntry } from '../../src/cache/store.js';
import { FakeClock } from '../support/generic-vendor.js';

describe('MemoryCacheStore', () => {
  const clock = new FakeClock();
  const entry = (value: string, staleForMs = 60_000): CacheEntry => ({
    value,
    storedAt: clock.now(),
    freshUntil: clock.now() + 1000,
    staleUntil: clock.now() + staleForMs,
  });
  /** Room for exactly `count` entries of a one-letter key and a 1,000-character value. */
  const storeFor = (count: number) => new MemoryCacheStore(count * entryBytes('a', entry('x'.repeat(1000))), clock);

  it('evicts the least recently used entries once their bytes pass the bound', async () => {
    const store = storeFor(3);
    for (const key of ['a', 'b', 'c']) await store.set(key, entry(key.repeat(1000)));
    await store.get('a');
    await store.set('d', entry('d'.repeat(1000)));
    expect(await store.get('b')).toBeUndefined();
    expect((await Promise.all(['a', 'c', 'd'].map((key) => store.get(key)))).map((found) => found?.value[0])).toEqual(['a', 'c', 'd']);
    expect(store.bytes).toBeLessThanOrEqual(store.maxBytes);
  });

  it('evicts as many small entries as one large entry needs', async () => {
    const store = storeFor(3);
    for (const key of ['a', 'b', 'c']) await store.set(key, entry(key.repeat(1000)));
    await store.set('e', entry('e'.repeat(2000)));
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('b')).toBeUndefined();
    expect((await store.get('c'))?.value).toBe('c'.repeat(1000));
    expect((await store.get('e'))?.value).toBe('e'.repeat(2000));
  });

  it('does not keep an entry larger than the whole bound, nor evict others for it', async () => {
    const store = storeFor(2);
    await store.set('a', entry('a'.repeat(1000)));
    await store.set('huge', entry('h'.repeat(5000)));
    expect(await store.get('huge')).toBeUndefined();
    expect(await store.get('a')).toBeDefined();
  });

  it('counts a replaced entry once', async () => {
    const store = storeFor(2);
    for (let round = 0; round < 5; round++) await store.set('a', entry(String(round).repeat(1000)));
    await store.set('b', entry('b'.repeat(1000)));
    expect((await store.get('a'))?.value).toBe('4'.repeat(1000));
    expect(store.bytes).toBe(2 * entryBytes('a', entry('x'.repeat(1000))));
  });

  it('drops an entry at its stale horizon, not before', async () => {
    const store = storeFor(2);
    await store.set('a', entry('a', 5000));
    clock.advance(4999);
    expect(await store.get('a')).toBeDefined();
    clock.advance(1);
    expect(await store.get('a')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });
});
