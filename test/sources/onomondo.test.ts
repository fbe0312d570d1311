import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOnomondoClient, type OnomondoClient, type OnomondoCursorPage } from '../../src/sources/onomondo/client.js';
import type { OnomondoUsageRecord } from '../../src/sources/onomondo/schemas.js';
import { seedOnomondo } from '../../src/sources/onomondo/seed.js';
import { createOnomondoSimulator, onomondoDemoCredentials, onomondoSimulatedSettings } from '../../src/sources/onomondo/simulator.js';
import type { Simulator } from '../../src/simulator/server.js';
import {
  UpstreamBadRequestError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnauthorizedError,
  UpstreamUnavailableError,
} from '../../src/upstream/errors.js';
import { defaultHttpPolicy, type HttpPolicy } from '../../src/upstream/http.js';
import { readSimUsage } from '../support/wire.js';

const TODAY = '2024-03-15';
const seed = seedOnomondo(TODAY);
const policy: HttpPolicy = {
  ...defaultHttpPolicy,
  deadlineMs: 3000,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  retryAfterCapMs: 500,
  // Fault tests fail on purpose; an opening breaker would leak into the tests after them.
  breaker: { failureThreshold: 1000, cooldownMs: 1000 },
};

let simulator: Simulator;
let url: string;
let client: OnomondoClient;

beforeAll(async () => {
  simulator = createOnomondoSimulator({ today: TODAY });
  url = await simulator.start();
  client = createOnomondoClient(onomondoSimulatedSettings(url), policy);
});

afterAll(async () => {
  await client.close();
  await simulator.stop();
});

beforeEach(() => simulator.reset());

/** Follows `nextPage` to the end, collecting every item. */
async function walk<T>(fetchPage: (nextPage: string | undefined) => Promise<OnomondoCursorPage<T>>): Promise<T[]> {
  const items: T[] = [];
  let nextPage: string | undefined;
  do {
    const page = await fetchPage(nextPage);
    items.push(...page.items);
    nextPage = page.nextPage ?? undefined;
    expect(page.hasMore).toBe(page.nextPage !== null);
  } while (nextPage !== undefined);
  return items;
}

async function raw(path: string, headers: Record<string, string> = { authorization: onomondoDemoCredentials.apiKey }) {
  const response = await fetch(`${url}${path}`, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

const simWithUsage = seed.sims.find((sim) => (seed.usageBySim.get(sim.id)?.length ?? 0) > 150);
if (!simWithUsage) throw new Error('seed has no SIM with enough usage');
const busySim = simWithUsage;
const busySimUsage = seed.usageBySim.get(busySim.id) ?? [];

describe('seed', () => {
  it('holds 500 SIMs, 20 tags and 20–60k usage records over 15+ countries', () => {
    expect(seed.sims).toHaveLength(500);
    expect(seed.tags).toHaveLength(20);
    expect(seed.usage.length).toBeGreaterThan(20_000);
    expect(seed.usage.length).toBeLessThan(60_000);
    expect(seed.usageByCountry.size).toBeGreaterThanOrEqual(15);
  });

  it('gives some SIMs a monthly usage above 2^31 bytes, equal to the sum of their records this month', () => {
    expect(seed.sims.some((sim) => sim.usage > 2 ** 31)).toBe(true);
    for (const sim of seed.sims) {
      const records = seed.usageBySim.get(sim.id) ?? [];
      expect(sim.usage).toBe(records.filter((record) => record.time >= '2024-03-01').reduce((sum, record) => sum + record.bytes, 0));
    }
  });

  it('is the same on every run', () => {
    const again = seedOnomondo(TODAY);
    expect(again.usage.slice(0, 50)).toEqual(seed.usage.slice(0, 50));
    expect(again.sims[42]).toEqual(seed.sims[42]);
  });
});

describe('usage', () => {
  it('walks every record of /usage by next_page, in time order, in pages of 1000 by default', async () => {
    const records = await walk((nextPage) => client.usage({ nextPage }));
    expect(records).toEqual(seed.usage.map(readSimUsage));
    expect(simulator.requests()).toHaveLength(Math.ceil(seed.usage.length / 1000));
  });

  it('sends time, sim_id and country_code filters as repeated filter[] and ANDs them', async () => {
    const month = busySimUsage.filter((record) => record.time.startsWith('2024-02'));
    const country = month[0]?.country_code ?? 'dk';
    const page = await client.usage({ filter: { time: '2024-02', simId: busySim.id, countryCode: country } });
    expect(page.items).toEqual(month.filter((record) => record.country_code === country).map(readSimUsage));
    expect(simulator.requests()[0]?.query['filter[]']).toEqual(['time:2024-02', `sim_id:${busySim.id}`, `country_code:${country}`]);
  });

  it.each([
    ['a year', '2023', (time: string) => time.startsWith('2023')],
    ['a month', '2024-01', (time: string) => time.startsWith('2024-01')],
    ['a day', '2024-03-01', (time: string) => time.startsWith('2024-03-01')],
  ])('filters by time to %s', async (_name, time, matches) => {
    const records = await walk((nextPage) => client.usage({ filter: { time }, nextPage }));
    const expected = seed.usage.filter((record) => matches(record.time));
    expect(expected.length).toBeGreaterThan(0);
    expect(records).toEqual(expected.map(readSimUsage));
  });

  it('filters by country code', async () => {
    const records = await walk((nextPage) => client.usage({ filter: { countryCode: 'se' }, nextPage }));
    expect(records).toEqual(seed.usage.filter((record) => record.country_code === 'se').map(readSimUsage));
  });

  it('accepts the single filter=key:value form', async () => {
    const response = await raw('/usage?filter=time:2024-03-01&limit=5');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ usage: seed.usage.filter((record) => record.time.startsWith('2024-03-01')).slice(0, 5) });
  });

  it('skips records with offset', async () => {
    const page = await client.usage({ offset: 10, limit: 5 });
    expect(page.items).toEqual(seed.usage.slice(10, 15).map(readSimUsage));
    expect(page.hasMore).toBe(true);
  });

  it('counts offset on from the position of next_page', async () => {
    const first = await client.usage({ limit: 100 });
    const page = await client.usage({ nextPage: first.nextPage ?? undefined, offset: 7, limit: 3 });
    expect(page.items).toEqual(seed.usage.slice(107, 110).map(readSimUsage));
  });

  it('continues the query of the cursor when next_page comes alone', async () => {
    const first = await client.usage({ filter: { countryCode: 'dk' }, limit: 10 });
    const second = await client.usage({ nextPage: first.nextPage ?? undefined, limit: 10 });
    expect(second.items).toEqual(
      seed.usage
        .filter((record) => record.country_code === 'dk')
        .slice(10, 20)
        .map(readSimUsage),
    );
  });

  it('rejects a cursor with a different filter as 400 invalid_next_page', async () => {
    const first = await client.usage({ filter: { countryCode: 'dk' }, limit: 10 });
    const call = client.usage({ filter: { countryCode: 'se' }, nextPage: first.nextPage ?? undefined });
    await expect(call).rejects.toBeInstanceOf(UpstreamBadRequestError);
    await expect(call).rejects.toThrow(/invalid_next_page/);
  });

  it('rejects a cursor of /sims on /usage', async () => {
    const sims = await client.listSims({ limit: 1 });
    await expect(client.usage({ nextPage: sims.nextPage ?? undefined })).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_REQUEST',
      status: 400,
    });
  });

  it('omits next_page on the last page', async () => {
    const response = await raw(`/usage/${busySim.id}?offset=${busySimUsage.length - 2}`);
    expect(response.body).toEqual({ pagination: { has_more: false }, usage: busySimUsage.slice(-2) });
  });

  it('sums records of one SIM, country and network per hour with group=hours', async () => {
    const grouped = await walk((nextPage) => client.usage({ groupByHour: true, filter: { time: '2024-02' }, nextPage }));
    const month = seed.usage.filter((record) => record.time.startsWith('2024-02'));
    const expected = new Map<string, number>();
    for (const record of month) {
      const key = `${record.sim_id}|${record.country_code}|${record.network.mcc}|${record.network.mnc}|${record.time.slice(0, 13)}`;
      expected.set(key, (expected.get(key) ?? 0) + record.bytes);
    }
    expect(grouped.length).toBe(expected.size);
    expect(grouped.length).toBeLessThan(month.length);
    for (const record of grouped) {
      expect(record.time).toMatch(/:00:00$/);
      const key = `${record.sim_id}|${record.country_code.toLowerCase()}|${record.network.mcc}|${record.network.mnc}|${record.time.slice(0, 13)}`;
      expect(record.bytes).toBe(expected.get(key));
    }
    expect(isInWireOrder(grouped)).toBe(true);
  });

  it('keeps the first record’s bill_id and session_id in an hourly group', async () => {
    const page = await client.simUsage(busySim.id, { groupByHour: true, limit: 1 });
    const first = busySimUsage[0];
    expect(page.items[0]).toMatchObject({
      bill_id: first?.bill_id,
      session_id: first?.session_id,
      time: `${first?.time.slice(0, 13)}:00:00`,
    });
  });
});

describe('SIM usage', () => {
  it('walks one SIM’s records by SIM id', async () => {
    const records = await walk((nextPage) => client.simUsage(busySim.id, { limit: 50, nextPage }));
    expect(records).toEqual(busySimUsage.map(readSimUsage));
    expect(simulator.requests()).toHaveLength(Math.ceil(busySimUsage.length / 50));
  });

  it('answers the same by ICCID', async () => {
    const byIccid = await client.simUsage(busySim.iccid, { filter: { time: '2024-03' } });
    expect(byIccid.items).toEqual(busySimUsage.filter((record) => record.time.startsWith('2024-03')).map(readSimUsage));
  });

  it('maps an unknown SIM to UpstreamNotFoundError from a 404 sim_not_found', async () => {
    const call = client.simUsage('999999999');
    await expect(call).rejects.toBeInstanceOf(UpstreamNotFoundError);
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_NOT_FOUND', status: 404 });
    expect((await raw('/usage/999999999')).body).toEqual({ error: 'sim_not_found' });
  });

  it('rejects a sim_id filter on /usage/{sim_id} as 400 invalid_filter', async () => {
    const response = await raw(`/usage/${busySim.id}?filter[]=sim_id:${busySim.id}`);
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_filter' } });
  });
});

describe('tag totals', () => {
  it('sums all usage of the SIMs carrying a tag', async () => {
    const tag = seed.tags[3];
    if (!tag) throw new Error('no tag');
    const carriers = seed.sims.filter((sim) => sim.tags.some((candidate) => candidate.id === tag.id));
    const bytes = carriers.flatMap((sim) => seed.usageBySim.get(sim.id) ?? []).reduce((sum, record) => sum + record.bytes, 0);
    expect(await client.tagUsageTotal(tag.id)).toEqual({ tag_id: tag.id, bytes, sims: carriers.length });
  });

  it('maps an unknown tag to UpstreamNotFoundError from a 404 tag_not_found', async () => {
    await expect(client.tagUsageTotal('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(UpstreamNotFoundError);
    expect((await raw('/usage/tag-total/nope')).body).toEqual({ error: 'tag_not_found' });
  });
});

describe('sims', () => {
  it('walks every SIM by next_page, sorted by id', async () => {
    const sims = await walk((nextPage) => client.listSims({ limit: 120, nextPage }));
    expect(sims).toEqual(seed.sims);
    expect(simulator.requests()).toHaveLength(5);
  });

  it('returns 1000 SIMs per page by default, so one page holds the whole fleet', async () => {
    const page = await client.listSims();
    expect(page).toEqual({ items: seed.sims, rejected: [], hasMore: false, nextPage: null });
  });

  it.each([
    ['online', { online: true }, (sim: (typeof seed.sims)[number]) => sim.online],
    ['not activated', { activated: false }, (sim: (typeof seed.sims)[number]) => !sim.activated],
    ['connector', { connector: 'mqtt-broker' }, (sim: (typeof seed.sims)[number]) => sim.connector === 'mqtt-broker'],
    ['network whitelist', { networkWhitelist: 'Nordics' }, (sim: (typeof seed.sims)[number]) => sim.network_whitelist === 'Nordics'],
  ])('filters SIMs by %s', async (_name, filter, matches) => {
    const sims = await walk((nextPage) => client.listSims({ filter, limit: 40, nextPage }));
    const expected = seed.sims.filter(matches);
    expect(expected.length).toBeGreaterThan(0);
    expect(sims).toEqual(expected);
  });

  it('ANDs several SIM filters', async () => {
    const page = await client.listSims({ filter: { activated: true, online: false, connector: 'webhook-fleet' } });
    expect(page.items).toEqual(seed.sims.filter((sim) => sim.activated && !sim.online && sim.connector === 'webhook-fleet'));
    expect(simulator.requests()[0]?.query['filter[]']).toEqual(['online:false', 'activated:true', 'connector:webhook-fleet']);
  });

  it('gets one SIM by id and by ICCID', async () => {
    expect(await client.getSim(busySim.id)).toEqual(busySim);
    expect(await client.getSim(busySim.iccid)).toEqual(busySim);
  });

  it('reports monthly usage above 2^31 bytes exactly', async () => {
    const heavy = seed.sims.find((sim) => sim.usage > 2 ** 31);
    if (!heavy) throw new Error('no heavy SIM');
    expect((await client.getSim(heavy.id)).usage).toBe(heavy.usage);
  });

  it('maps an unknown SIM to UpstreamNotFoundError', async () => {
    await expect(client.getSim('000000001')).rejects.toMatchObject({ code: 'UPSTREAM_NOT_FOUND' });
  });
});

describe('tags', () => {
  it('walks every tag by offset', async () => {
    const first = await client.searchTags({ limit: 8 });
    const second = await client.searchTags({ offset: 8, limit: 8 });
    const third = await client.searchTags({ offset: 16, limit: 8 });
    expect(first).toMatchObject({ total: 20, offset: 0, limit: 8 });
    expect(third.items).toHaveLength(4);
    expect([...first.items, ...second.items, ...third.items]).toEqual(seed.tags);
  });

  it('sends count beside total in the raw body', async () => {
    expect((await raw('/tags/search/tags?offset=18&limit=5')).body).toMatchObject({ count: 2, limit: 5, offset: 18, total: 20 });
  });
});

describe('auth', () => {
  it('maps a wrong API key to UpstreamUnauthorizedError', async () => {
    const stranger = createOnomondoClient({ baseUrl: url, apiKey: 'wrong-key' }, policy);
    try {
      const call = stranger.getSim(busySim.id);
      await expect(call).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
      await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', status: 401 });
    } finally {
      await stranger.close();
    }
  });

  it('answers a missing key with 401 unauthorized', async () => {
    expect(await raw('/sims', {})).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });

  it('accepts the key as Bearer too', async () => {
    expect((await raw('/tags/search/tags', { authorization: `Bearer ${onomondoDemoCredentials.apiKey}` })).status).toBe(200);
  });

  it('sends the raw key without a Bearer prefix', async () => {
    const seen: (string | undefined)[] = [];
    const spy = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ count: 0, limit: 100, offset: 0, total: 0, result: [] }));
    });
    await new Promise<void>((resolve) => spy.listen(0, '127.0.0.1', resolve));
    const { port } = spy.address() as AddressInfo;
    const spied = createOnomondoClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'raw-key' }, policy);
    try {
      await spied.searchTags();
      expect(seen).toEqual(['raw-key']);
    } finally {
      await spied.close();
      spy.closeAllConnections();
      await new Promise((resolve) => spy.close(resolve));
    }
  });
});

describe('parameter validation', () => {
  it.each([
    ['limit=0', '/usage?limit=0', 'invalid_limit'],
    ['limit=1001', '/usage?limit=1001', 'invalid_limit'],
    ['limit=abc', '/usage?limit=abc', 'invalid_limit'],
    ['limit=0 on /sims', '/sims?limit=0', 'invalid_limit'],
    ['limit=1001 on tags', '/tags/search/tags?limit=1001', 'invalid_limit'],
    ['offset=-1', '/usage?offset=-1', 'invalid_offset'],
    ['an unknown filter key', '/usage?filter[]=color:red', 'invalid_filter'],
    ['a bad time', '/usage?filter[]=time:2024-02-30', 'invalid_filter'],
    ['an upper-case country', '/usage?filter=country_code:DK', 'invalid_filter'],
    ['a short sim id', '/usage?filter[]=sim_id:123', 'invalid_filter'],
    ['a filter key given twice', '/usage?filter[]=time:2024&filter[]=time:2023', 'invalid_filter'],
    ['a non-boolean online filter', '/sims?filter[]=online:yes', 'invalid_filter'],
    ['a group other than hours', '/usage?group=days', 'invalid_group'],
    ['a garbled next_page', '/usage?next_page=garbage', 'invalid_next_page'],
  ])('answers %s with 400 in Onomondo format', async (_name, path, error) => {
    expect(await raw(path)).toMatchObject({ status: 400, body: { error } });
  });

  it('maps a 400 to UpstreamBadRequestError carrying the vendor code', async () => {
    const call = client.usage({ limit: 0 });
    await expect(call).rejects.toBeInstanceOf(UpstreamBadRequestError);
    await expect(call).rejects.toThrow(/invalid_limit/);
  });
});

describe('rate limit', () => {
  it('sends x-ratelimit headers with the reset in epoch seconds on every answer', async () => {
    for (const path of ['/sims?limit=1', '/usage/999999999']) {
      const { headers } = await raw(path);
      expect(headers.get('x-ratelimit-limit')).toBe('600');
      expect(Number(headers.get('x-ratelimit-remaining'))).toBeLessThan(600);
      const reset = Number(headers.get('x-ratelimit-reset'));
      expect(reset).toBeGreaterThan(Date.now() / 1000);
      expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
    }
  });

  it('answers over the limit with 429 and Retry-After, which the client reports as rate limited', async () => {
    simulator.configure({ rateLimit: 2 });
    try {
      await client.searchTags();
      await client.searchTags();
      const over = await raw('/tags/search/tags');
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ error: 'rate_limit_exceeded' });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Retry-After (≥ 1 s) is past the policy's 500 ms cap, so the client gives up at once.
      await expect(client.searchTags()).rejects.toBeInstanceOf(UpstreamRateLimitedError);
    } finally {
      simulator.configure({ rateLimit: 600 });
    }
  });
});

describe('faults', () => {
  it.each([
    ['500', { status: 500, count: 1 }, UpstreamUnavailableError, { code: 'UPSTREAM_UNAVAILABLE', status: 500 }, 1],
    ['503 on every attempt', { status: 503, count: 3 }, UpstreamUnavailableError, { code: 'UPSTREAM_UNAVAILABLE', status: 503 }, 3],
    [
      '429 with Retry-After 1',
      { status: 429, retryAfter: 1 },
      UpstreamRateLimitedError,
      { code: 'UPSTREAM_RATE_LIMITED', retryAfterMs: 1000 },
      1,
    ],
    ['a malformed body', { body: 'malformed' as const }, UpstreamBadResponseError, { code: 'UPSTREAM_BAD_RESPONSE' }, 1],
  ])('maps %s to its error class and code', async (_name, fault, errorClass, expected, requests) => {
    simulator.injectFault(fault);
    const call = client.searchTags();
    await expect(call).rejects.toBeInstanceOf(errorClass);
    await expect(call).rejects.toMatchObject({ ...expected, source: 'onomondo' });
    expect(simulator.requests()).toHaveLength(requests);
  });

  it('retries 503 and succeeds on the third attempt', async () => {
    simulator.injectFault({ status: 503, count: 2 });
    expect((await client.searchTags()).total).toBe(20);
    expect(simulator.requests().map((entry) => entry.status)).toEqual([503, 503, 200]);
  });

  it('retries a 429 whose Retry-After fits the cap', async () => {
    simulator.injectFault({ status: 429, retryAfter: 0, count: 1 });
    expect((await client.searchTags()).total).toBe(20);
    expect(simulator.requests()).toHaveLength(2);
  });

  it('names the field of a body that breaks the schema', async () => {
    simulator.injectFault({ body: 'schema', path: '^/usage$' });
    const error = await client.usage({ limit: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', fieldPath: 'pagination.has_more' });
  });

  it('names the field of a SIM that breaks the schema', async () => {
    simulator.injectFault({ body: 'schema', path: '^/sims/' });
    await expect(client.getSim(busySim.id)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', fieldPath: 'network.name' });
  });

  it('maps an answer slower than the deadline to UpstreamTimeoutError', async () => {
    const hasty = createOnomondoClient(onomondoSimulatedSettings(url), { ...policy, deadlineMs: 100 });
    simulator.injectFault({ delayMs: 300, count: 1 });
    try {
      await expect(hasty.searchTags()).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      await expect(hasty.searchTags()).resolves.toMatchObject({ total: 20 });
    } finally {
      await hasty.close();
    }
  });

  it('maps a refused connection to UpstreamUnavailableError', async () => {
    const nowhere = createOnomondoClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'x' }, { ...policy, maxAttempts: 1 });
    try {
      await expect(nowhere.searchTags()).rejects.toBeInstanceOf(UpstreamUnavailableError);
    } finally {
      await nowhere.close();
    }
  });
});

describe('control endpoints', () => {
  it('injects a fault, lists requests, changes settings and resets over HTTP', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${url}/__control/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

    expect((await post('faults', { status: 500, count: 1, path: '^/sims$' })).status).toBe(204);
    await expect(client.listSims({ limit: 1 })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });

    const log = (await (await fetch(`${url}/__control/requests`)).json()) as {
      path: string;
      status: number;
      query: Record<string, string[]>;
    }[];
    expect(log).toMatchObject([{ path: '/sims', status: 500, query: { limit: ['1'] } }]);

    expect((await post('reset', {})).status).toBe(204);
    expect(simulator.requests()).toEqual([]);

    expect((await post('settings', { rateLimit: 1 })).status).toBe(204);
    try {
      await client.searchTags();
      expect((await raw('/tags/search/tags')).status).toBe(429);
    } finally {
      simulator.configure({ rateLimit: 600 });
    }
  });
});

function isInWireOrder(records: readonly OnomondoUsageRecord[]): boolean {
  return records.every((record, i) => {
    const previous = records[i - 1];
    if (!previous) return true;
    const a = [previous.time, previous.sim_id, previous.session_id].join('|');
    const b = [record.time, record.sim_id, record.session_id].join('|');
    return a <= b;
  });
}
