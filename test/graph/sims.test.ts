import { describe, expect, it } from 'vitest';
import type { OnomondoUsageRecordWire } from '../../src/sources/onomondo/schemas.js';
import { seedOnomondo } from '../../src/sources/onomondo/seed.js';
import {
  PAGE_INFO,
  SIM_FIELDS,
  TAG_FIELDS,
  USAGE_RECORD_FIELDS,
  backwardNodes,
  dataOf,
  expectedSim,
  expectedTag,
  expectedUsageRecord,
  flags,
  forwardNodes,
  globalId,
  groupedByHour,
  runOf,
  walkBackward,
  walkForward,
  type Page,
} from '../support/graph-data.js';
import { TEST_TODAY, useTestGateway } from '../support/gateway.js';

const seed = seedOnomondo(TEST_TODAY);
const TWO_POW_31 = 2 ** 31;

const gw = useTestGateway();

type Json = Record<string, unknown>;
interface SimNode extends Json {
  id: string;
  externalId: string;
}
interface UsageNode extends Json {
  iccid: string;
}

const onomondoCalls = () => gw.upstreamCalls('onomondo');
const callsTo = (prefix: string) => onomondoCalls().filter((call) => call.path === prefix || call.path.startsWith(`${prefix}/`));

async function data<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  return dataOf(await gw.query<T>(query, variables));
}

// ---- queries ----

const SIMS = `query Sims($first: Int, $after: String, $last: Int, $before: String, $filter: SimFilter) {
  sims(first: $first, after: $after, last: $last, before: $before, filter: $filter) { nodes { ${SIM_FIELDS} } ${PAGE_INFO} }
}`;

const SIM_IDS = `query SimIds($first: Int, $after: String, $last: Int, $before: String, $filter: SimFilter) {
  sims(first: $first, after: $after, last: $last, before: $before, filter: $filter) { nodes { id externalId } ${PAGE_INFO} }
}`;

const TAGS = `query Tags($first: Int, $after: String, $last: Int, $before: String) {
  tags(first: $first, after: $after, last: $last, before: $before) { totalCount nodes { ${TAG_FIELDS} } ${PAGE_INFO} }
}`;

const SIM_USAGE = `query SimUsage($first: Int, $after: String, $last: Int, $before: String, $filter: SimUsageSearch, $groupByHour: Boolean) {
  simUsage(first: $first, after: $after, last: $last, before: $before, filter: $filter, groupByHour: $groupByHour) {
    nodes { ${USAGE_RECORD_FIELDS} } ${PAGE_INFO}
  }
}`;

const ONE_SIM_USAGE = `query OneSimUsage($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $filter: SimUsageFilter, $groupByHour: Boolean) {
  sim(id: $id) {
    usage(first: $first, after: $after, last: $last, before: $before, filter: $filter, groupByHour: $groupByHour) {
      nodes { ${USAGE_RECORD_FIELDS} } ${PAGE_INFO}
    }
  }
}`;

const simsPage = async (variables: Json) => (await data<{ sims: Page<SimNode> }>(SIM_IDS, variables)).sims;
const simUsagePage = async (variables: Json) => (await data<{ simUsage: Page<UsageNode> }>(SIM_USAGE, variables)).simUsage;
const oneSimUsagePage = async (variables: Json) => (await data<{ sim: { usage: Page<UsageNode> } }>(ONE_SIM_USAGE, variables)).sim.usage;

/** Walks a usage list to the end in pages of `size`, then back to the start from its end; both must equal `expected`. */
async function expectWalkedBothWays(page: (variables: Json) => Promise<Page<UsageNode>>, expected: OnomondoUsageRecordWire[], size = 100) {
  const wanted = expected.map(expectedUsageRecord);
  const pageCount = Math.ceil(expected.length / size);

  const forward = await walkForward((after) => page({ first: size, after }));
  expect(forward).toHaveLength(pageCount);
  expect(forwardNodes(forward)).toEqual(wanted);
  expect(flags(forward)).toEqual({
    hasNextPage: runOf(pageCount - 1, true, false),
    hasPreviousPage: [false, ...runOf(pageCount - 2, true, true)],
  });

  const backward = await walkBackward((before) => page({ last: size, before }));
  expect(backward).toHaveLength(pageCount);
  expect(backwardNodes(backward)).toEqual(wanted);
  expect(flags(backward)).toEqual({
    hasNextPage: [false, ...runOf(pageCount - 2, true, true)],
    hasPreviousPage: runOf(pageCount - 1, true, false),
  });
}

const recordsOf = (simId: string) => seed.usageBySim.get(simId) ?? [];
/** The SIM with the most usage records, so its usage spans several pages. */
const busiestSim = [...seed.usageBySim.entries()].sort((a, b) => b[1].length - a[1].length)[0]![0];

describe('Sim fields', () => {
  it('every field of every SIM (network, data limit, technologies, tags) equals the seed, with upper-case country codes, ISO DateTimes and SafeInt bytes above 2^31', async () => {
    // The seed must hold what the scalars are tested on, or equality would prove nothing about them.
    expect(seed.sims.some((sim) => sim.usage > TWO_POW_31)).toBe(true);
    expect(seed.sims.some((sim) => (sim.data_limit?.total ?? 0) > TWO_POW_31)).toBe(true);
    expect(seed.sims.some((sim) => sim.network.country_code === null)).toBe(true);
    expect(seed.sims.some((sim) => sim.data_limit === null)).toBe(true);

    const pages = await walkForward(async (after) => (await data<{ sims: Page<SimNode> }>(SIMS, { first: 100, after })).sims);
    const sims = forwardNodes(pages);
    expect(sims).toEqual(seed.sims.map(expectedSim));
    expect(sims.some((sim) => typeof sim['bytesThisPeriod'] === 'number' && sim['bytesThisPeriod'] > TWO_POW_31)).toBe(true);
  });
});

describe('Query.sims', () => {
  it.each([100, 70])(
    'walked forwards in pages of %i returns every SIM in id order, with hasPreviousPage false only first and hasNextPage false only last',
    async (size) => {
      const pages = await walkForward((after) => simsPage({ first: size, after }));
      const count = Math.ceil(seed.sims.length / size);
      expect(pages).toHaveLength(count);
      expect(forwardNodes(pages).map((sim) => sim.externalId)).toEqual(seed.sims.map((sim) => sim.id));
      expect(flags(pages)).toEqual({
        hasNextPage: runOf(count - 1, true, false),
        hasPreviousPage: [false, ...runOf(count - 2, true, true)],
      });
    },
  );

  it.each([100, 70])(
    'walked backwards in pages of %i from the end returns every SIM in id order, with hasNextPage false only at the end',
    async (size) => {
      const pages = await walkBackward((before) => simsPage({ last: size, before }));
      const count = Math.ceil(seed.sims.length / size);
      expect(pages).toHaveLength(count);
      expect(backwardNodes(pages).map((sim) => sim.externalId)).toEqual(seed.sims.map((sim) => sim.id));
      expect(flags(pages)).toEqual({
        hasNextPage: [false, ...runOf(count - 2, true, true)],
        hasPreviousPage: runOf(count - 1, true, false),
      });
    },
  );

  it('last: n without before returns the last n SIMs', async () => {
    const page = await simsPage({ last: 10 });
    expect(page.nodes.map((sim) => sim.externalId)).toEqual(seed.sims.slice(-10).map((sim) => sim.id));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it.each([
    { filter: { online: true }, wire: ['online:true'] },
    { filter: { activated: false }, wire: ['activated:false'] },
    { filter: { connector: 'aws-iot-core' }, wire: ['connector:aws-iot-core'] },
    { filter: { networkWhitelist: 'Nordics' }, wire: ['network_whitelist:Nordics'] },
    { filter: { online: true, connector: 'mqtt-broker' }, wire: ['online:true', 'connector:mqtt-broker'] },
  ])('filter $filter returns exactly the seed SIMs matching it, filtered by the vendor', async ({ filter, wire }) => {
    const expected = seed.sims.filter(
      (sim) =>
        (filter.online === undefined || sim.online === filter.online) &&
        (filter.activated === undefined || sim.activated === filter.activated) &&
        (filter.connector === undefined || sim.connector === filter.connector) &&
        (filter.networkWhitelist === undefined || sim.network_whitelist === filter.networkWhitelist),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(seed.sims.length);
    const pages = await walkForward((after) => simsPage({ first: 40, after, filter }));
    expect(forwardNodes(pages).map((sim) => sim.externalId)).toEqual(expected.map((sim) => sim.id));
    for (const call of callsTo('/sims')) expect([...(call.query['filter[]'] ?? [])].sort()).toEqual([...wire].sort());
  });

  it('filtered SIMs walked backwards return the same SIMs as forwards', async () => {
    const filter = { online: true };
    const expected = seed.sims.filter((sim) => sim.online).map((sim) => sim.id);
    const pages = await walkBackward((before) => simsPage({ last: 40, before, filter }));
    expect(backwardNodes(pages).map((sim) => sim.externalId)).toEqual(expected);
  });

  it('a forward page of first: n costs one Onomondo call, after a page-end cursor and after a mid-page cursor', async () => {
    const first = await simsPage({ first: 100 });
    expect(onomondoCalls()).toHaveLength(1);

    gw.resetUpstreams();
    const next = await simsPage({ first: 30, after: first.pageInfo.endCursor });
    expect(next.nodes.map((sim) => sim.externalId)).toEqual(seed.sims.slice(100, 130).map((sim) => sim.id));
    expect(onomondoCalls()).toHaveLength(1);

    gw.resetUpstreams();
    const middle = await data<{ sims: { edges: { cursor: string }[] } }>(`{ sims(first: 100) { edges { cursor } } }`);
    gw.resetUpstreams();
    const fromMiddle = await simsPage({ first: 30, after: middle.sims.edges[49]!.cursor });
    expect(fromMiddle.nodes.map((sim) => sim.externalId)).toEqual(seed.sims.slice(50, 80).map((sim) => sim.id));
    expect(onomondoCalls()).toHaveLength(1);
  });

  it('sims(first: 50) { tags { name } } costs exactly one Onomondo call', async () => {
    const result = await data<{ sims: { nodes: { tags: { name: string }[] }[] } }>(`{ sims(first: 50) { nodes { tags { name } } } }`);
    expect(result.sims.nodes.map((sim) => sim.tags.map((tag) => tag.name))).toEqual(
      seed.sims.slice(0, 50).map((sim) => sim.tags.map((tag) => tag.name)),
    );
    expect(onomondoCalls()).toHaveLength(1);
    expect(onomondoCalls()[0]).toMatchObject({ path: '/sims', query: { limit: ['50'] } });
  });

  it('the same page asked twice in one operation under aliases costs one call', async () => {
    const result = await data<{ a: { nodes: SimNode[] }; b: { nodes: SimNode[] } }>(
      `{ a: sims(first: 10) { nodes { id externalId } } b: sims(first: 10) { nodes { id externalId iccid } } }`,
    );
    expect(result.a.nodes.map((sim) => sim.externalId)).toEqual(result.b.nodes.map((sim) => sim.externalId));
    expect(onomondoCalls()).toHaveLength(1);
  });
});

describe('Query.sim', () => {
  const target = seed.sims[137]!;

  it('sim(id:) returns every field of that seed SIM', async () => {
    const result = await data<{ sim: Json }>(`query ($id: ID!) { sim(id: $id) { ${SIM_FIELDS} } }`, { id: globalId('Sim', target.id) });
    expect(result.sim).toEqual(expectedSim(target));
    expect(onomondoCalls().map((call) => call.path)).toEqual([`/sims/${target.id}`]);
  });

  it('sim(iccid:) returns every field of that seed SIM', async () => {
    const result = await data<{ sim: Json }>(`query ($iccid: String!) { sim(iccid: $iccid) { ${SIM_FIELDS} } }`, { iccid: target.iccid });
    expect(result.sim).toEqual(expectedSim(target));
  });

  it('sim(id:) and sim(iccid:) of a SIM the vendor does not know are null', async () => {
    const result = await data<{ byId: unknown; byIccid: unknown }>(
      `query ($id: ID!) { byId: sim(id: $id) { iccid } byIccid: sim(iccid: "8945700000000000000") { iccid } }`,
      { id: globalId('Sim', '999999999') },
    );
    expect(result).toEqual({ byId: null, byIccid: null });
  });
});

describe('Query.tags', () => {
  const tagCount = seed.tags.length;

  it('walked forwards in pages of 7 returns every tag in the vendor order, totalCount on every page', async () => {
    const pages = await walkForward(async (after) => (await data<{ tags: Page<Json> }>(TAGS, { first: 7, after })).tags);
    expect(pages).toHaveLength(3);
    expect(forwardNodes(pages)).toEqual(seed.tags.map(expectedTag));
    expect(pages.map((page) => page.totalCount)).toEqual([tagCount, tagCount, tagCount]);
    expect(flags(pages)).toEqual({ hasNextPage: [true, true, false], hasPreviousPage: [false, true, true] });
  });

  it('walked backwards in pages of 7 returns every tag in the vendor order, totalCount on every page', async () => {
    const pages = await walkBackward(async (before) => (await data<{ tags: Page<Json> }>(TAGS, { last: 7, before })).tags);
    expect(pages).toHaveLength(3);
    expect(backwardNodes(pages)).toEqual(seed.tags.map(expectedTag));
    expect(pages.map((page) => page.totalCount)).toEqual([tagCount, tagCount, tagCount]);
    expect(flags(pages)).toEqual({ hasNextPage: [false, true, true], hasPreviousPage: [true, true, false] });
  });

  it('Tag.usageTotal equals the seed total of every tag, bytes above 2^31 included', async () => {
    expect([...seed.tagTotals.values()].some((total) => total.bytes > TWO_POW_31)).toBe(true);
    const result = await data<{ tags: { nodes: { externalId: string; usageTotal: unknown }[] } }>(
      `{ tags(first: ${seed.tags.length}) { nodes { externalId usageTotal { bytes simCount } } } }`,
    );
    expect(result.tags.nodes).toEqual(
      seed.tags.map((tag) => {
        const total = seed.tagTotals.get(tag.id)!;
        return { externalId: tag.id, usageTotal: { bytes: total.bytes, simCount: total.sims } };
      }),
    );
  });

  it('Tag.usageTotal is fetched once per distinct tag, however often the tag appears in the operation', async () => {
    const result = await data<{ a: { nodes: { externalId: string }[] }; sims: { nodes: { tags: { externalId: string }[] }[] } }>(
      `{
        a: tags(first: 5) { nodes { externalId usageTotal { bytes } } }
        b: tags(first: 5) { nodes { externalId usageTotal { simCount } } }
        sims(first: 3) { nodes { tags { externalId usageTotal { bytes simCount } } } }
      }`,
    );
    const distinct = new Set([
      ...result.a.nodes.map((tag) => tag.externalId),
      ...result.sims.nodes.flatMap((sim) => sim.tags.map((tag) => tag.externalId)),
    ]);
    const appearances = 10 + result.sims.nodes.reduce((sum, sim) => sum + sim.tags.length, 0);
    expect(appearances).toBeGreaterThan(distinct.size);
    const totals = callsTo('/usage/tag-total').map((call) => call.path);
    expect(totals).toHaveLength(distinct.size);
    expect(new Set(totals)).toEqual(new Set([...distinct].map((id) => `/usage/tag-total/${id}`)));
  });
});

describe('Sim.usage', () => {
  const simId = busiestSim;

  it('the first records of many SIMs come from shared fleet pages; their latest records from each SIM’s own list', async () => {
    const firstThree = await gw.query<{ sims: { nodes: { externalId: string; usage: { nodes: { sessionId: string }[] } }[] } }>(
      '{ sims(first: 30) { nodes { externalId usage(first: 3) { nodes { sessionId } } } } }',
    );
    const firstSims = firstThree.data?.sims.nodes ?? [];
    expect(firstSims.map((sim) => sim.usage.nodes.map((record) => record.sessionId))).toEqual(
      firstSims.map((sim) =>
        recordsOf(sim.externalId)
          .slice(0, 3)
          .map((record) => record.session_id),
      ),
    );
    // Fleet pages fill the busy SIMs' windows; only quiet SIMs fall back to their own list: fewer calls than SIMs.
    expect(callsTo('/usage').some((call) => call.path === '/usage')).toBe(true);
    expect(callsTo('/usage').length).toBeLessThan(firstSims.length);

    gw.resetUpstreams();
    const latest = await gw.query<{ sims: { nodes: { externalId: string; usage: { nodes: { sessionId: string }[] } }[] } }>(
      '{ sims(first: 5) { nodes { externalId usage(last: 3) { nodes { sessionId } } } } }',
    );
    const latestSims = latest.data?.sims.nodes ?? [];
    expect(latestSims.map((sim) => sim.usage.nodes.map((record) => record.sessionId))).toEqual(
      latestSims.map((sim) =>
        recordsOf(sim.externalId)
          .slice(-3)
          .map((record) => record.session_id),
      ),
    );
    // Reading to the end of every SIM's list cannot be shared: exactly one call per SIM, no fleet pages.
    expect(
      callsTo('/usage')
        .map((call) => call.path)
        .sort(),
    ).toEqual(latestSims.map((sim) => `/usage/${sim.externalId}`).sort());
  });

  it('walked forwards and backwards in pages of 100 equals the SIM’s seed records in wire order', async () => {
    expect(recordsOf(simId).length).toBeGreaterThan(250);
    await expectWalkedBothWays((variables) => oneSimUsagePage({ id: globalId('Sim', simId), ...variables }), recordsOf(simId));
  });

  it('filter {period, country} walked both ways equals the SIM’s seed records of that month and country', async () => {
    const records = recordsOf(simId);
    const country = records[0]!.country_code;
    const expected = records.filter((record) => record.time.startsWith('2026-10') && record.country_code === country);
    expect(expected.length).toBeGreaterThan(20);
    const filter = { period: '2026-10', country: country.toUpperCase() };
    await expectWalkedBothWays((variables) => oneSimUsagePage({ id: globalId('Sim', simId), filter, ...variables }), expected, 20);
  });

  it('groupByHour walked both ways equals the SIM’s seed records summed per hour', async () => {
    const expected = groupedByHour(recordsOf(simId));
    expect(expected.length).toBeLessThan(recordsOf(simId).length);
    await expectWalkedBothWays((variables) => oneSimUsagePage({ id: globalId('Sim', simId), groupByHour: true, ...variables }), expected);
  });

  it('last: n without before returns the SIM’s last n records in one usage call', async () => {
    const page = await oneSimUsagePage({ id: globalId('Sim', simId), last: 10 });
    expect(page.nodes).toEqual(recordsOf(simId).slice(-10).map(expectedUsageRecord));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(callsTo('/usage')).toHaveLength(1);
  });
});

describe('Query.simUsage', () => {
  it('the first 1,000 records walked forwards in pages of 100, then back to the start, equal the seed in wire order', async () => {
    const forward: Page<UsageNode>[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: Page<UsageNode> = await simUsagePage({ first: 100, after });
      forward.push(page);
      after = page.pageInfo.endCursor;
    }
    const wanted = seed.usage.slice(0, 1000).map(expectedUsageRecord);
    expect(forwardNodes(forward)).toEqual(wanted);
    expect(flags(forward)).toEqual({ hasNextPage: runOf(9, true, true), hasPreviousPage: [false, ...runOf(8, true, true)] });

    // Back from the first record after the thousand: `before` excludes the record it names.
    const eleventh = await simUsagePage({ first: 1, after });
    const backward = await walkBackward((before) => simUsagePage({ last: 100, before }), eleventh.pageInfo.startCursor);
    expect(backward).toHaveLength(10);
    expect(backwardNodes(backward)).toEqual(wanted);
    expect(flags(backward)).toEqual({ hasNextPage: runOf(9, true, true), hasPreviousPage: runOf(9, true, false) });
  });

  it('filter {period, country} walked to the end and back equals the seed records of that month and country', async () => {
    const expected = seed.usage.filter((record) => record.time.startsWith('2026-10') && record.country_code === 'dk');
    expect(expected.length).toBeGreaterThan(1000);
    await expectWalkedBothWays((variables) => simUsagePage({ filter: { period: '2026-10', country: 'DK' }, ...variables }), expected);
  });

  it('filter {sim, period} walked both ways equals that SIM’s seed records of the month', async () => {
    const expected = recordsOf(busiestSim).filter((record) => record.time.startsWith('2026-09'));
    expect(expected.length).toBeGreaterThan(50);
    const filter = { sim: globalId('Sim', busiestSim), period: '2026-09' };
    await expectWalkedBothWays((variables) => simUsagePage({ filter, ...variables }), expected, 30);
  });

  it('filter {period: day} with groupByHour walked both ways equals the seed records of that day summed per hour', async () => {
    const day = seed.usage.filter((record) => record.time.startsWith('2026-11-01'));
    const expected = groupedByHour(day);
    expect(expected.length).toBeLessThan(day.length);
    await expectWalkedBothWays(
      (variables) => simUsagePage({ filter: { period: '2026-11-01' }, groupByHour: true, ...variables }),
      expected,
    );
  });

  it('last: n without before returns the last n records of the filtered list in one call', async () => {
    const day = seed.usage.filter((record) => record.time.startsWith('2026-11-01'));
    const page = await simUsagePage({ filter: { period: '2026-11-01' }, last: 25 });
    expect(page.nodes).toEqual(day.slice(-25).map(expectedUsageRecord));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(onomondoCalls()).toHaveLength(1);
  });

  it('last: n without before on a list longer than one vendor page returns its last n records', async () => {
    const expected = seed.usage.filter((record) => record.time.startsWith('2026-10') && record.country_code === 'dk');
    const page = await simUsagePage({ filter: { period: '2026-10', country: 'DK' }, last: 5 });
    expect(page.nodes).toEqual(expected.slice(-5).map(expectedUsageRecord));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('a forward page of first: n costs one Onomondo call at the cursor’s offset', async () => {
    const first = await simUsagePage({ first: 100 });
    gw.resetUpstreams();
    const next = await simUsagePage({ first: 100, after: first.pageInfo.endCursor });
    expect(next.nodes).toEqual(seed.usage.slice(100, 200).map(expectedUsageRecord));
    expect(onomondoCalls()).toHaveLength(1);
    expect(onomondoCalls()[0]).toMatchObject({ path: '/usage', query: { offset: ['100'], limit: ['100'] } });
  });

  it('the same usage page asked twice in one operation under aliases costs one call', async () => {
    await data(`{ a: simUsage(first: 50) { nodes { bytes } } b: simUsage(first: 50) { nodes { iccid } } }`);
    expect(onomondoCalls()).toHaveLength(1);
  });

  it('SimUsageRecord.sim for records of many SIMs equals the seed SIM and costs at most one /sims call and no /sims/{id} call', async () => {
    const day = seed.usage.filter((record) => record.time.startsWith('2026-11-01')).slice(0, 100);
    const distinctSims = new Set(day.map((record) => record.sim_id));
    expect(distinctSims.size).toBeGreaterThan(30);

    const result = await data<{ simUsage: { nodes: { iccid: string; sim: Json }[] } }>(
      `{ simUsage(first: 100, filter: { period: "2026-11-01" }) { nodes { iccid sim { ${SIM_FIELDS} } } } }`,
    );
    expect(result.simUsage.nodes.map((record) => record.sim)).toEqual(day.map((record) => expectedSim(seed.simById.get(record.sim_id)!)));
    expect(callsTo('/usage')).toHaveLength(1);
    expect(callsTo('/sims').filter((call) => call.path === '/sims').length).toBeLessThanOrEqual(1);
    expect(callsTo('/sims').filter((call) => call.path !== '/sims')).toEqual([]);
  });

  it('SimUsageRecord.sim across several usage lists in one operation costs at most one /sims call for the whole fleet', async () => {
    const result = await data<Record<string, { nodes: { iccid: string; sim: { iccid: string } }[] }>>(
      `{
        a: simUsage(first: 100, filter: { period: "2026-10-01" }) { nodes { iccid sim { iccid } } }
        b: simUsage(first: 100, filter: { period: "2026-10-02" }) { nodes { iccid sim { iccid } } }
        c: simUsage(last: 100, filter: { period: "2026-11-14" }) { nodes { iccid sim { iccid } } }
      }`,
    );
    const records = Object.values(result).flatMap((list) => list.nodes);
    expect(records).toHaveLength(300);
    expect(new Set(records.map((record) => record.iccid)).size).toBeGreaterThan(60);
    for (const record of records) expect(record.sim.iccid).toBe(record.iccid);
    expect(callsTo('/sims').filter((call) => call.path === '/sims').length).toBeLessThanOrEqual(1);
    expect(callsTo('/sims').filter((call) => call.path !== '/sims')).toEqual([]);
  });
});
