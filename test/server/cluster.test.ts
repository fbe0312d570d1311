import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TODAY } from '../support/gateway.js';
import { postOperation, ready } from '../support/http.js';
import { scrape, total } from '../support/metrics.js';
import { cleanEnvironment, freePort, spawnNpm, type NpmProcess } from '../support/process.js';

/**
 * Pids answering `/ready` over new connections (the primary hands them to its workers in turn), until `enough` says
 * so or `budgetMs` runs out.
 */
async function answeringPids(url: string, enough: (pids: Set<number>) => boolean, budgetMs = 10_000): Promise<Set<number>> {
  const pids = new Set<number>();
  const until = Date.now() + budgetMs;
  while (!enough(pids) && Date.now() < until) {
    try {
      pids.add((await ready(url, false, 2000)).body.pid);
    } catch {
      // A connection handed to a worker at the moment it was killed is never answered: the next one goes elsewhere.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return pids;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('WORKERS=2', () => {
  let server: NpmProcess;
  let url: string;
  let metricsUrl: string;
  let primaryPid: number;

  beforeAll(async () => {
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    server = spawnNpm(
      ['start'],
      cleanEnvironment({
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        SIMULATOR_TODAY: TEST_TODAY,
        LOG_LEVEL: 'silent',
        WORKERS: '2',
        METRICS_PORT: String(metricsPort),
        // Every operation below reaches the vendor: the count of calls is exact.
        CACHE: 'off',
      }),
    );
    [, url] = (await server.waitFor(/GraphiQL at (http:\/\/\S+)/, 40_000)) as [string, string];
    const [, pid] = await server.waitFor(/2 worker processes, primary pid (\d+)/, 5000);
    primaryPid = Number(pid);
  }, 45_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('answers on one port from two worker processes, the primary serving none', async () => {
    const pids = await answeringPids(url, (seen) => seen.size >= 2);
    expect(pids.size).toBe(2);
    expect(pids.has(primaryPid)).toBe(false);
  });

  it('shares one set of simulators, run by the primary, between its workers', async () => {
    const { body } = await ready(url);
    expect(Object.values(body.vendors).map((vendor) => vendor.simulated)).toEqual([true, true, true]);
    const answer = await postOperation<{ sims: { nodes: unknown[] } }>(url, '{ sims(first: 3) { nodes { iccid } } }');
    expect(answer.data?.sims.nodes).toHaveLength(3);
  });

  it('pages on with a cursor from the other worker: the primary gives every worker one cursor secret', async () => {
    type Page = { sims: { nodes: { iccid: string }[]; pageInfo: { endCursor: string | null } } };
    const iccids: string[] = [];
    let after: string | null = null;
    // Each operation on a new connection: the primary hands them to the two workers in turn.
    for (let page = 0; page < 4; page++) {
      const answer: { data?: Page; errors?: unknown[] } = await postOperation<Page>(
        url,
        `{ sims(first: 1${after ? `, after: ${JSON.stringify(after)}` : ''}) { nodes { iccid } pageInfo { endCursor } } }`,
      );
      expect(answer.errors).toBeUndefined();
      iccids.push(...answer.data!.sims.nodes.map((sim) => sim.iccid));
      after = answer.data!.sims.pageInfo.endCursor;
    }
    const firstFour = await postOperation<Page>(url, '{ sims(first: 4) { nodes { iccid } pageInfo { endCursor } } }');
    expect(iccids).toEqual(firstFour.data?.sims.nodes.map((sim) => sim.iccid));
  });

  it('serves the metrics of both workers added up on the primary’s METRICS_PORT', async () => {
    const calls = async () => total(await scrape(metricsUrl), 'upstream_requests_total', { source: 'onomondo', endpoint: 'GET /sims' });
    const before = await calls();
    // Each operation on a new connection: the primary hands them to the two workers in turn, one vendor call each.
    const operations = 6;
    for (let i = 0; i < operations; i++) {
      const answer = await postOperation<{ sims: { nodes: unknown[] } }>(url, `{ sims(first: ${i + 1}) { nodes { iccid } } }`);
      expect(answer.data?.sims.nodes).toHaveLength(i + 1);
    }
    expect((await calls()) - before).toBe(operations);
    // Gauges are one series per vendor, not one per worker.
    const breakers = (await scrape(metricsUrl)).filter((sample) => sample.name === 'upstream_breaker_open');
    expect(breakers.map((sample) => [sample.labels['source'], sample.value]).sort()).toEqual([
      ['fourme', 0],
      ['onomondo', 0],
      ['signicat', 0],
    ]);
  });

  it('replaces a worker killed with SIGKILL, and the new one answers', async () => {
    const before = await answeringPids(url, (seen) => seen.size >= 2);
    const [killed, survivor] = [...before] as [number, number];
    process.kill(killed, 'SIGKILL');

    // A replacement loads the whole app: on a busy machine that takes a while.
    const after = await answeringPids(url, (seen) => [...seen].some((pid) => !before.has(pid)), 45_000);
    const replacement = [...after].find((pid) => !before.has(pid));
    expect(replacement).toBeDefined();
    expect(isRunning(killed)).toBe(false);
    expect(isRunning(survivor)).toBe(true);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => postOperation<{ sims: { nodes: unknown[] } }>(url, '{ sims(first: 1) { nodes { iccid } } }')),
    );
    expect(answers.map((answer) => answer.data?.sims.nodes.length)).toEqual([1, 1, 1, 1]);
  }, 60_000);

  it('drains every worker on SIGTERM to the primary and exits 0', async () => {
    const workers = await answeringPids(url, (seen) => seen.size >= 2);
    process.kill(primaryPid, 'SIGTERM');
    expect(await server.exited()).toBe(0);
    expect([...workers].filter(isRunning)).toEqual([]);
  });
});
