import { describe, expect, it } from 'vitest';
import { cacheKey, credentialId } from '../../src/cache/key.js';
import { ReadCache } from '../../src/cache/read-cache.js';
import { afterMicrotasks, countingLoader, request, VendorDown } from '../support/cache.js';
import { FakeClock } from '../support/generic-vendor.js';

describe('ReadCache in one process', () => {
  it('answers a fresh entry without loading, and says how old it is', async () => {
    const clock = new FakeClock();
    const cache = new ReadCache({ clock });
    const loader = countingLoader();
    expect(await cache.read('k', request(loader.load))).toEqual({ status: 'miss', value: { n: 1 }, ageMs: 0 });
    clock.advance(999);
    expect(await cache.read('k', request(loader.load))).toEqual({ status: 'hit', value: { n: 1 }, ageMs: 999 });
    expect(loader.calls).toBe(1);
  });

  it('loads again once the entry is no longer fresh: a working vendor never gets stale data served', async () => {
    const clock = new FakeClock();
    const cache = new ReadCache({ clock });
    const loader = countingLoader();
    await cache.read('k', request(loader.load));
    clock.advance(1000);
    expect(await cache.read('k', request(loader.load))).toEqual({ status: 'miss', value: { n: 2 }, ageMs: 0 });
  });

  it('shares one load between ten concurrent identical reads', async () => {
    let release!: () => void;
    const loader = countingLoader({ held: new Promise<void>((resolve) => (release = resolve)) });
    const cache = new ReadCache({ clock: new FakeClock() });
    const reads = Array.from({ length: 10 }, () => cache.read('k', request(loader.load)));
    await afterMicrotasks();
    release();
    const results = await Promise.all(reads);
    expect(loader.calls).toBe(1);
    expect(results.map((result) => result.value)).toEqual(Array(10).fill({ n: 1 }));
  });

  it('shares a failed load with the reads waiting on it, but not with later reads, and stores nothing', async () => {
    let release!: () => void;
    const failing = countingLoader({ fail: true, held: new Promise<void>((resolve) => (release = resolve)) });
    const cache = new ReadCache({ clock: new FakeClock() });
    const reads = Array.from({ length: 10 }, () => cache.read('k', request(failing.load)));
    await afterMicrotasks();
    release();
    const settled = await Promise.allSettled(reads);
    expect(settled.every((outcome) => outcome.status === 'rejected' && outcome.reason instanceof VendorDown)).toBe(true);
    expect(failing.calls).toBe(1);

    const working = countingLoader();
    expect(await cache.read('k', request(working.load))).toMatchObject({ status: 'miss', value: { n: 1 } });
  });

  it('answers a failed load from a stale entry when serveStale accepts the error, with its age', async () => {
    const clock = new FakeClock();
    const cache = new ReadCache({ clock });
    await cache.read('k', request(countingLoader().load));
    clock.advance(4000);
    const result = await cache.read('k', request(countingLoader({ fail: true }).load));
    expect(result).toMatchObject({ status: 'stale', value: { n: 1 }, ageMs: 4000 });
    expect(result.status === 'stale' && result.error).toBeInstanceOf(VendorDown);
  });

  it('never answers stale when serveStale refuses the error, or is not given', async () => {
    const clock = new FakeClock();
    const cache = new ReadCache({ clock });
    await cache.read('k', request(countingLoader().load));
    clock.advance(2000);
    const failing = countingLoader({ fail: true });
    await expect(cache.read('k', request(failing.load, { serveStale: () => false }))).rejects.toBeInstanceOf(VendorDown);
    await expect(cache.read('k', request(failing.load, { serveStale: undefined }))).rejects.toBeInstanceOf(VendorDown);
  });

  it('never answers stale past the stale horizon', async () => {
    const clock = new FakeClock();
    const cache = new ReadCache({ clock });
    await cache.read('k', request(countingLoader().load));
    clock.advance(1000 + 5000);
    await expect(cache.read('k', request(countingLoader({ fail: true }).load))).rejects.toBeInstanceOf(VendorDown);
  });

  it('keeps the answers of two credentials apart', async () => {
    const cache = new ReadCache({ clock: new FakeClock() });
    const keyOf = (secret: string) => cacheKey('vendor', { credential: credentialId(secret), path: '/sims' });
    const answer = (n: number) => async () => ({ value: { n }, serialized: JSON.stringify({ n }) });
    await cache.read(keyOf('first-secret'), request(answer(1)));
    await cache.read(keyOf('second-secret'), request(answer(2)));
    expect((await cache.read(keyOf('first-secret'), request(answer(9)))).value).toEqual({ n: 1 });
    expect((await cache.read(keyOf('second-secret'), request(answer(9)))).value).toEqual({ n: 2 });
  });

  it('CACHE=off: every read loads, concurrent ones too, and nothing is kept for failures', async () => {
    const cache = new ReadCache({ enabled: false, clock: new FakeClock() });
    const loader = countingLoader();
    await cache.read('k', request(loader.load));
    const results = await Promise.all([cache.read('k', request(loader.load)), cache.read('k', request(loader.load))]);
    expect(loader.calls).toBe(3);
    expect(results.map((result) => result.status)).toEqual(['miss', 'miss']);
    await expect(cache.read('k', request(countingLoader({ fail: true }).load))).rejects.toBeInstanceOf(VendorDown);
  });
});
