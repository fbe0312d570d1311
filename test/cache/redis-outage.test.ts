import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBudget } from '../../src/budgets/rate-budget.js';
import { ReadCache } from '../../src/cache/read-cache.js';
import { SharedRedis } from '../../src/redis.js';
import { countingLoader, request } from '../support/cache.js';
import { freePort } from '../support/process.js';
import { recordingLogger, startRedisServer, type RedisServer } from '../support/redis.js';

/** The gateway's view of one replica: its connection, cache and one vendor budget, all on one Redis. */
function replica(url: string) {
  const logger = recordingLogger();
  const redis = new SharedRedis({ url, logger, commandTimeoutMs: 300 });
  const budget = new RateBudget({ name: 'vendor', limit: { calls: 5, windowMs: 60_000 }, redis });
  return { logger, redis, cache: new ReadCache({ redis }), budget, warnings: () => logger.lines.filter((line) => line.level === 'warn') };
}

describe('Redis unreachable', () => {
  let server: RedisServer;
  const opened: SharedRedis[] = [];
  const open = (url: string) => {
    const opening = replica(url);
    opened.push(opening.redis);
    return opening;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const redis of opened) redis.close();
    await server?.stop();
  });

  it('killed mid-run: reads and takes go on in this process, it is logged once, and all is shared again after a restart', async () => {
    const gateway = open(server.url);
    expect(await gateway.redis.waitUntilReady(10_000)).toBe(true);
    const before = randomUUID();
    await gateway.cache.read(before, request(countingLoader().load));
    for (let call = 0; call < 2; call++) expect(await gateway.budget.take('credential')).toEqual({ granted: true });

    await server.kill();
    const loader = countingLoader();
    const reads = await Promise.all(Array.from({ length: 5 }, () => gateway.cache.read(randomUUID(), request(loader.load))));
    expect(reads.map((read) => read.status)).toEqual(Array(5).fill('miss'));
    expect(await gateway.cache.read(before, request(loader.load))).toMatchObject({ status: 'hit', value: { n: 1 } });
    // This process remembers its own two calls: three more fit, then the budget is spent.
    for (let call = 0; call < 3; call++) expect(await gateway.budget.take('credential')).toEqual({ granted: true });
    expect(await gateway.budget.take('credential')).toMatchObject({ granted: false });
    expect(gateway.warnings()).toHaveLength(1);
    expect(gateway.warnings()[0]?.message).toMatch(/^Redis unreachable/);

    await server.restart();
    expect(await gateway.redis.waitUntilReady(10_000)).toBe(true);
    expect(gateway.logger.lines.at(-1)).toEqual({ level: 'info', message: expect.stringMatching(/^Redis reachable again/) });
    const after = randomUUID();
    await gateway.cache.read(after, request(countingLoader().load));
    expect(await gateway.budget.take('credential')).toMatchObject({ granted: false });

    const other = open(server.url);
    expect(await other.redis.waitUntilReady(10_000)).toBe(true);
    expect(await other.cache.read(after, request(countingLoader().load))).toMatchObject({ status: 'hit' });
    // The restarted Redis came back empty and learned this process's five calls from it.
    expect(await other.budget.take('credential')).toMatchObject({ granted: false });
    expect(gateway.warnings()).toHaveLength(1);
  });

  it('hung: a read or take waits at most for the command timeout, then goes on without Redis', async () => {
    const gateway = open(server.url);
    expect(await gateway.redis.waitUntilReady(10_000)).toBe(true);
    server.freeze();
    try {
      expect(await gateway.cache.read(randomUUID(), request(countingLoader().load))).toMatchObject({ status: 'miss' });
      expect(await gateway.budget.take(randomUUID())).toEqual({ granted: true });
      expect(gateway.warnings()).toHaveLength(1);
    } finally {
      server.thaw();
    }
  });

  it('down at start: reads and takes work in this process, and it is logged once', async () => {
    const gateway = open(`redis://127.0.0.1:${await freePort()}`);
    expect(await gateway.redis.waitUntilReady(300)).toBe(false);
    const loader = countingLoader();
    for (let read = 0; read < 3; read++) await gateway.cache.read('key', request(loader.load));
    expect(loader.calls).toBe(1);
    expect(await gateway.budget.take('credential')).toEqual({ granted: true });
    // Reconnection attempts go on (and fail) every second at most; one line says so for the whole interval.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(gateway.warnings()).toHaveLength(1);
  });
});
