import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimit } from '../../src/budgets/budget.js';
import { RateBudget } from '../../src/budgets/rate-budget.js';
import { SharedRedis } from '../../src/redis.js';
import { FakeClock } from '../support/generic-vendor.js';
import { recordingLogger, startRedisServer, type RedisServer } from '../support/redis.js';

let server: RedisServer;
const connections: SharedRedis[] = [];
const logger = recordingLogger();

beforeAll(async () => {
  server = await startRedisServer();
});
// A failed command falls back to the in-process log silently but for this line: the shared mode must not have.
afterEach(() => expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]));
afterAll(async () => {
  for (const redis of connections) redis.close();
  await server?.stop();
});

/** A replica's own connection to the test's Redis. */
async function connect(): Promise<SharedRedis> {
  const redis = new SharedRedis({ url: server.url, logger });
  connections.push(redis);
  expect(await redis.waitUntilReady(10_000)).toBe(true);
  return redis;
}

const MODES = [
  ['in one process', async () => undefined],
  ['shared through Redis', connect],
] as const;

describe.each(MODES)('RateBudget %s', (_mode, redisFor) => {
  /** A budget on a fake clock, under a name of its own (tests share one Redis). */
  const budget = async (limit: RateLimit | undefined) => {
    const clock = new FakeClock();
    const redis = await redisFor();
    return { clock, budget: new RateBudget({ name: randomUUID(), limit, clock, ...(redis === undefined ? {} : { redis }) }) };
  };

  it('grants exactly the limit to 200 concurrent takes, and tells the others when the next call fits', async () => {
    const { clock, budget: onomondo } = await budget({ calls: 50, windowMs: 60_000 });
    const decisions = await Promise.all(Array.from({ length: 200 }, () => onomondo.take('credential')));
    expect(decisions.filter((decision) => decision.granted)).toHaveLength(50);
    expect(new Set(decisions.flatMap((decision) => (decision.granted ? [] : [decision.retryAfterMs])))).toEqual(new Set([60_000]));
    clock.advance(59_999);
    expect(await onomondo.take('credential')).toEqual({ granted: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(await onomondo.take('credential')).toEqual({ granted: true });
  });

  it('never lets any window of the limit’s length hold more than the limit, wherever it starts', async () => {
    const { clock, budget: vendor } = await budget({ calls: 3, windowMs: 1000 });
    const at = async (time: number) => {
      clock.time = Date.parse('2030-01-01T00:00:00Z') + time;
      return vendor.take('credential');
    };
    expect(await at(0)).toEqual({ granted: true });
    expect(await at(300)).toEqual({ granted: true });
    expect(await at(600)).toEqual({ granted: true });
    expect(await at(900)).toEqual({ granted: false, retryAfterMs: 100 });
    expect(await at(1000)).toEqual({ granted: true });
    expect(await at(1100)).toEqual({ granted: false, retryAfterMs: 200 });
    expect(await at(1300)).toEqual({ granted: true });
    expect(await at(1599)).toEqual({ granted: false, retryAfterMs: 1 });
  });

  it('acquire waits for the next call when it fits within the longest wait, and refuses at once otherwise', async () => {
    const { clock, budget: vendor } = await budget({ calls: 1, windowMs: 1000 });
    expect(await vendor.acquire('credential', 0)).toEqual({ granted: true });
    expect(await vendor.acquire('credential', 999)).toEqual({ granted: false, retryAfterMs: 1000 });
    expect(clock.sleeps).toEqual([]);
    expect(await vendor.acquire('credential', 1000)).toEqual({ granted: true });
    expect(clock.sleeps).toEqual([1000]);
  });

  it('keeps the budgets of two credentials apart', async () => {
    const { budget: vendor } = await budget({ calls: 1, windowMs: 60_000 });
    expect(await vendor.take('first')).toEqual({ granted: true });
    expect(await vendor.take('second')).toEqual({ granted: true });
    expect((await vendor.take('first')).granted).toBe(false);
  });

  it('refuses once the vendor’s reported remaining is used up, until its reset, though our own log has room', async () => {
    const { clock, budget: vendor } = await budget({ calls: 100, windowMs: 60_000 });
    await vendor.observe('credential', { remaining: 2, resetAt: clock.now() + 30_000 });
    expect(await vendor.take('credential')).toEqual({ granted: true });
    expect(await vendor.take('credential')).toEqual({ granted: true });
    expect(await vendor.take('credential')).toEqual({ granted: false, retryAfterMs: 30_000 });
    clock.advance(30_000);
    expect(await vendor.take('credential')).toEqual({ granted: true });
  });

  it('does not let a late answer with more remaining undo a lower count of the same window', async () => {
    const { clock, budget: vendor } = await budget({ calls: 100, windowMs: 60_000 });
    const resetAt = clock.now() + 30_000;
    await vendor.observe('credential', { remaining: 5, resetAt });
    await vendor.observe('credential', { remaining: 8, resetAt });
    expect(await vendor.remaining('credential')).toBe(5);
    await vendor.observe('credential', { remaining: 40, resetAt: resetAt + 60_000 });
    expect(await vendor.remaining('credential')).toBe(40);
  });

  it('reports the remaining calls by the tighter of its own log and the vendor', async () => {
    const { clock, budget: vendor } = await budget({ calls: 10, windowMs: 60_000 });
    expect(await vendor.remaining('credential')).toBe(10);
    for (let call = 0; call < 3; call++) await vendor.take('credential');
    expect(await vendor.remaining('credential')).toBe(7);
    await vendor.observe('credential', { remaining: 4, resetAt: clock.now() + 10_000 });
    await vendor.take('credential');
    expect(await vendor.remaining('credential')).toBe(3);
    clock.advance(10_000);
    expect(await vendor.remaining('credential')).toBe(6);
  });

  it('without a limit of its own, only the vendor’s word limits calls', async () => {
    const { clock, budget: vendor } = await budget(undefined);
    expect(await vendor.remaining('credential')).toBeUndefined();
    expect(await vendor.take('credential')).toEqual({ granted: true });
    await vendor.observe('credential', { remaining: 0, resetAt: clock.now() + 5000 });
    expect(await vendor.take('credential')).toEqual({ granted: false, retryAfterMs: 5000 });
    expect(await vendor.remaining('credential')).toBe(0);
  });
});

describe('RateBudget across replicas', () => {
  it('two replicas sharing Redis grant exactly the limit between them', async () => {
    const name = randomUUID();
    const limit = { calls: 50, windowMs: 60_000 };
    const replicas = [new RateBudget({ name, limit, redis: await connect() }), new RateBudget({ name, limit, redis: await connect() })];
    const decisions = await Promise.all(replicas.flatMap((replica) => Array.from({ length: 100 }, () => replica.take('credential'))));
    expect(decisions.filter((decision) => decision.granted)).toHaveLength(50);
    for (const replica of replicas) expect(await replica.remaining('credential')).toBe(0);
  });

  it('what one replica learns from the vendor holds for the other', async () => {
    const name = randomUUID();
    const limit = { calls: 50, windowMs: 60_000 };
    const [first, second] = [
      new RateBudget({ name, limit, redis: await connect() }),
      new RateBudget({ name, limit, redis: await connect() }),
    ];
    await first.observe('credential', { remaining: 1, resetAt: Date.now() + 60_000 });
    expect(await second.take('credential')).toEqual({ granted: true });
    expect((await first.take('credential')).granted).toBe(false);
  });
});
