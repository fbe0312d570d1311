import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateBudget } from '../../src/budgets/rate-budget.js';
import { ReadCache } from '../../src/cache/read-cache.js';
import { SharedRedis } from '../../src/redis.js';
import { countingLoader, pollingClock, request } from '../support/cache.js';
import { recordingLogger, startRedisServer, type RedisServer } from '../support/redis.js';

describe('ReadCache shared by replicas through Redis', () => {
  let server: RedisServer;
  const connections: SharedRedis[] = [];
  const logger = recordingLogger();

  /** One replica's connection: each replica of the gateway has its own. */
  const connect = async () => {
    const redis = new SharedRedis({ url: server.url, logger });
    connections.push(redis);
    expect(await redis.waitUntilReady(10_000)).toBe(true);
    return redis;
  };
  const replica = async (options: Omit<ConstructorParameters<typeof ReadCache>[0] & object, 'redis'> = {}) =>
    new ReadCache({ ...options, redis: await connect() });

  beforeAll(async () => {
    server = await startRedisServer();
  });
  // Any failed command would have fallen back to this process alone, and said so here.
  afterEach(() => expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]));
  afterAll(async () => {
    for (const redis of connections) redis.close();
    await server?.stop();
  });

  it('a second replica answers from Redis what the first loaded', async () => {
    const [first, second] = [await replica(), await replica()];
    const key = randomUUID();
    const loader = countingLoader();
    expect(await first.read(key, request(loader.load))).toMatchObject({ status: 'miss', value: { n: 1 } });
    expect(await second.read(key, request(loader.load))).toMatchObject({ status: 'hit', value: { n: 1 } });
    expect(loader.calls).toBe(1);
  });

  it('concurrent identical reads on two replicas share one load', async () => {
    const first = await replica();
    const { clock, polled } = pollingClock();
    const second = await replica({ clock });
    let release!: () => void;
    const loader = countingLoader({ held: new Promise<void>((resolve) => (release = resolve)) });
    const key = randomUUID();

    const onFirst = Array.from({ length: 5 }, () => first.read(key, request(loader.load)));
    await vi.waitFor(() => expect(loader.calls).toBe(1));
    const onSecond = Array.from({ length: 5 }, () => second.read(key, request(loader.load)));
    await polled;
    release();

    const results = await Promise.all([...onFirst, ...onSecond]);
    expect(loader.calls).toBe(1);
    expect(results.map((result) => result.value)).toEqual(Array(10).fill({ n: 1 }));
    expect(results.slice(5).map((result) => result.status)).toEqual(Array(5).fill('hit'));
  });

  it('when the loading replica fails, a waiting replica loads at once instead of waiting out the lock', async () => {
    const first = await replica();
    const { clock, polled } = pollingClock();
    const second = await replica({ clock, lockTtlMs: 120_000 });
    let release!: () => void;
    const failing = countingLoader({ fail: true, held: new Promise<void>((resolve) => (release = resolve)) });
    const working = countingLoader();
    const key = randomUUID();

    const failed = first.read(key, request(failing.load));
    await vi.waitFor(() => expect(failing.calls).toBe(1));
    const waiting = second.read(key, request(working.load));
    await polled;
    release();

    await expect(failed).rejects.toThrow('down');
    expect(await waiting).toMatchObject({ status: 'miss', value: { n: 1 } });
    expect(working.calls).toBe(1);
  });

  it('a replica answers a failed load from the stale entry another replica stored', async () => {
    const [first, second] = [await replica(), await replica()];
    const key = randomUUID();
    const ttl = { freshMs: 0, staleMs: 60_000 };
    await first.read(key, request(countingLoader().load, { ttl }));
    expect(await second.read(key, request(countingLoader({ fail: true }).load, { ttl }))).toMatchObject({
      status: 'stale',
      value: { n: 1 },
    });
  });

  it('every key in Redis has a TTL: entries until their stale horizon, locks, budgets', async () => {
    const cache = await replica();
    const budget = new RateBudget({ name: 'vendor', limit: { calls: 10, windowMs: 60_000 }, redis: await connect() });
    const closed = { freshMs: 30 * 86_400_000, staleMs: 86_400_000 };
    const closedKey = randomUUID();
    await cache.read(closedKey, request(countingLoader().load, { ttl: closed }));
    await cache.read(randomUUID(), request(countingLoader().load));
    await budget.take('credential');
    await budget.observe('credential', { remaining: 100, resetAt: Date.now() + 60_000 });
    let release!: () => void;
    const held = cache.read(randomUUID(), request(countingLoader({ held: new Promise<void>((resolve) => (release = resolve)) }).load));

    const inspect = server.inspect();
    const keys: string[] = [];
    await vi.waitFor(async () => {
      keys.length = 0;
      for await (const batch of inspect.scanStream({ count: 100 }) as AsyncIterable<string[]>) keys.push(...batch);
      expect(keys.some((key) => key.includes(':lock:'))).toBe(true);
    });
    const ttls = await Promise.all(keys.map((key) => inspect.pttl(key)));
    release();
    await held;

    for (const kind of [':cache:', ':lock:', ':budget:', ':budget-vendor:']) expect(keys.some((key) => key.includes(kind))).toBe(true);
    expect(ttls.filter((ttl) => ttl <= 0)).toEqual([]);
    const closedTtl = ttls[keys.findIndex((key) => key.endsWith(closedKey))];
    expect(closedTtl).toBeGreaterThan(30 * 86_400_000);
  });
});
