import { describe, expect, it } from 'vitest';
import { seedOnomondo } from '../../src/sources/onomondo/seed.js';
import { answerOf, TEST_TODAY, useTestGateway } from '../support/gateway.js';
import { expectedUsageRecord, globalId, USAGE_RECORD_FIELDS, walkForward, type Page } from '../support/graph-data.js';
import { callerWith, JWT_AUTH, simsSeenBy, tagTotalOf, usageSeenBy } from '../support/scopes.js';

const seed = seedOnomondo(TEST_TODAY);

// A SIM carrying two tags: a caller scoped to the first must see the SIM with the first tag only.
const twoTagSim = seed.sims.find((sim) => sim.tags.length >= 2 && (seed.usageBySim.get(sim.id)?.length ?? 0) > 30)!;
const TAG = twoTagSim.tags[0]!;
const OTHER_TAG = twoTagSim.tags[1]!;
const outsideSim = seed.sims.find((sim) => !sim.tags.some((tag) => tag.id === TAG.id) && seed.usageBySim.has(sim.id))!;
const UNKNOWN_SIM = '999999999';
const UNKNOWN_ICCID = '8945700000000000000';
const UNKNOWN_TAG = '00000000-0000-4000-8000-000000000000';

const gw = useTestGateway(JWT_AUTH);
const tagCaller = callerWith(gw, `usage:read onomondo:tag:${TAG.id}`);
const bothTagsCaller = callerWith(gw, `usage:read onomondo:tag:${TAG.id} onomondo:tag:${OTHER_TAG.id}`);
const allCaller = callerWith(gw, 'usage:read usage:all', 'operator');

interface SimNode {
  externalId: string;
  tags: { externalId: string }[];
}

const SIMS = `query ($first: Int, $after: String) {
  sims(first: $first, after: $after) { nodes { externalId tags { externalId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
}`;
const SIM_USAGE = `query ($first: Int, $after: String, $filter: SimUsageSearch) {
  simUsage(first: $first, after: $after, filter: $filter) {
    nodes { ${USAGE_RECORD_FIELDS} sim { externalId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** The seed's SIMs as a caller scoped to `tagIds` sees them: only those carrying a scoped tag, with only scoped tags. */
function expectedSims(tagIds: string[]): SimNode[] {
  return simsSeenBy(seed, tagIds).map((sim) => ({
    externalId: sim.id,
    tags: sim.tags.filter((tag) => tagIds.includes(tag.id)).map((tag) => ({ externalId: tag.id })),
  }));
}

describe('onomondo:tag:<id>', () => {
  it('lists exactly the SIMs carrying the tag, walked by cursor in pages of 10, each showing only the scoped tag', async () => {
    const expected = expectedSims([TAG.id]);
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.length).toBeLessThan(seed.sims.length);
    const pages = await walkForward(async (after) => (await tagCaller.data<{ sims: Page<SimNode> }>(SIMS, { first: 10, after })).sims);
    expect(pages).toHaveLength(Math.ceil(expected.length / 10));
    expect(pages.flatMap((page) => page.nodes)).toEqual(expected);
    expect(pages.flatMap((page) => page.nodes).find((sim) => sim.externalId === twoTagSim.id)?.tags).toEqual([{ externalId: TAG.id }]);
  });

  it('lists only the scoped tag, counted alone, with the usage total of the SIMs carrying it', async () => {
    const data = await tagCaller.data<{ tags: { totalCount: number; nodes: unknown[] } }>(
      '{ tags(first: 10) { totalCount nodes { externalId name usageTotal { bytes simCount } } } }',
    );
    expect(data.tags).toEqual({
      totalCount: 1,
      nodes: [{ externalId: TAG.id, name: TAG.name, usageTotal: tagTotalOf(seed, TAG.id) }],
    });
  });

  it('fleet usage holds only the scoped SIMs’ records, in fleet order, and pages on by cursor', async () => {
    const expected = usageSeenBy(seed, [TAG.id]);
    const first = await tagCaller.data<{ simUsage: Page<{ simExternalId: string }> }>(SIM_USAGE, { first: 60 });
    const second = await tagCaller.data<{ simUsage: Page<{ simExternalId: string }> }>(SIM_USAGE, {
      first: 60,
      after: first.simUsage.pageInfo.endCursor,
    });
    const wanted = expected.slice(0, 120).map((record) => ({ ...expectedUsageRecord(record), sim: { externalId: record.sim_id } }));
    expect([...first.simUsage.nodes, ...second.simUsage.nodes]).toEqual(wanted);
    expect(second.simUsage.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('fleet usage filtered by country keeps only the scoped SIMs’ records of that country', async () => {
    const inScope = usageSeenBy(seed, [TAG.id]);
    const country = inScope[0]!.country_code;
    const expected = inScope.filter((record) => record.country_code === country).slice(0, 25);
    const data = await tagCaller.data<{ simUsage: Page<{ billId: string }> }>(SIM_USAGE, {
      first: 25,
      filter: { country: country.toUpperCase() },
    });
    expect(data.simUsage.nodes.map((record) => record.billId)).toEqual(expected.map((record) => record.bill_id));
  });

  it('a scoped SIM’s own usage and its fleet usage filtered by the SIM are its records', async () => {
    const expected = (seed.usageBySim.get(twoTagSim.id) ?? []).slice(0, 30).map((record) => record.bill_id);
    const id = globalId('Sim', twoTagSim.id);
    const data = await tagCaller.data<{ sim: { usage: Page<{ billId: string }> }; simUsage: Page<{ billId: string }> }>(
      `query ($id: ID!) { sim(id: $id) { usage(first: 30) { nodes { billId } } } simUsage(first: 30, filter: { sim: $id }) { nodes { billId } } }`,
      { id },
    );
    expect(data.sim.usage.nodes.map((record) => record.billId)).toEqual(expected);
    expect(data.simUsage.nodes.map((record) => record.billId)).toEqual(expected);
  });

  // Each lookup runs with the outside record's id, then with an id no record has: the answers must be the same.
  const LOOKUPS = [
    {
      name: 'node(id:) of a SIM',
      query: 'query ($id: ID!) { node(id: $id) { id } }',
      outside: globalId('Sim', outsideSim.id),
      unknown: globalId('Sim', UNKNOWN_SIM),
    },
    {
      name: 'nodes(ids:) of a SIM',
      query: 'query ($id: ID!) { nodes(ids: [$id, $id]) { id } }',
      outside: globalId('Sim', outsideSim.id),
      unknown: globalId('Sim', UNKNOWN_SIM),
    },
    {
      name: 'sim(id:)',
      query: 'query ($id: ID) { sim(id: $id) { iccid tags { id } usage(first: 5) { nodes { bytes } } } }',
      outside: globalId('Sim', outsideSim.id),
      unknown: globalId('Sim', UNKNOWN_SIM),
    },
    {
      name: 'sim(iccid:)',
      query: 'query ($id: String) { sim(iccid: $id) { externalId usage(first: 5) { nodes { bytes } } } }',
      outside: outsideSim.iccid,
      unknown: UNKNOWN_ICCID,
    },
    {
      name: 'simUsage(filter: { sim })',
      query: 'query ($id: ID) { simUsage(first: 5, filter: { sim: $id }) { nodes { bytes } pageInfo { hasNextPage } } }',
      outside: globalId('Sim', outsideSim.id),
      unknown: globalId('Sim', UNKNOWN_SIM),
    },
    {
      name: 'node(id:) of a tag',
      query: 'query ($id: ID!) { node(id: $id) { id ... on Tag { usageTotal { bytes } } } }',
      outside: globalId('Tag', OTHER_TAG.id),
      unknown: globalId('Tag', UNKNOWN_TAG),
    },
    {
      name: 'tag(id:)',
      query: 'query ($id: ID!) { tag(id: $id) { name usageTotal { bytes simCount } } }',
      outside: globalId('Tag', OTHER_TAG.id),
      unknown: globalId('Tag', UNKNOWN_TAG),
    },
  ];

  it.each(LOOKUPS)(
    '$name of a record outside the scope answers exactly as one that does not exist, at the same cost',
    async ({ query, outside, unknown }) => {
      // SIM ids are guessable numbers: even the vendor calls an answer reports (`extensions.cost`) must not tell them apart.
      const hidden = await tagCaller.query(query, { id: outside });
      expect(hidden).toEqual(await tagCaller.query(query, { id: unknown }));
      expect(hidden.errors).toBeUndefined();
      // The same record is there for a caller who sees everything: the lookup is not simply broken.
      expect(answerOf(await allCaller.query(query, { id: outside }))).not.toEqual(hidden);
    },
  );

  it('a usage record’s SIM and a SIM’s tags never reach outside the scope', async () => {
    const data = await tagCaller.data<{ simUsage: Page<{ sim: SimNode }> }>(
      '{ simUsage(first: 100) { nodes { sim { externalId tags { externalId } } } } }',
    );
    expect(data.simUsage.nodes).toHaveLength(100);
    for (const { sim } of data.simUsage.nodes) expect(sim.tags).toEqual([{ externalId: TAG.id }]);
  });
});

describe('several onomondo:tag scopes', () => {
  it('see the SIMs carrying any of the tags, with the scoped tags each carries, and both tags', async () => {
    const expected = expectedSims([TAG.id, OTHER_TAG.id]);
    const data = await bothTagsCaller.data<{ sims: Page<SimNode>; tags: { totalCount: number; nodes: { externalId: string }[] } }>(
      '{ sims(first: 100) { nodes { externalId tags { externalId } } } tags { totalCount nodes { externalId } } }',
    );
    expect(data.sims.nodes).toEqual(expected);
    expect(data.sims.nodes.find((sim) => sim.externalId === twoTagSim.id)?.tags).toEqual([
      { externalId: TAG.id },
      { externalId: OTHER_TAG.id },
    ]);
    expect(data.tags).toEqual({
      totalCount: 2,
      nodes: seed.tags.filter((tag) => tag.id === TAG.id || tag.id === OTHER_TAG.id).map((tag) => ({ externalId: tag.id })),
    });
  });
});

describe('cursors of one view do not page another', () => {
  const invalidCursor = (
    answer: { data?: unknown; errors?: { path?: unknown; extensions?: Record<string, unknown> }[] },
    field: string,
  ) => {
    expect(answer.data).toEqual({ [field]: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({ path: [field], extensions: expect.objectContaining({ code: 'INVALID_CURSOR' }) }),
    ]);
  };

  it('a SIM-list cursor of a usage:all caller is INVALID_CURSOR for a tag-scoped caller', async () => {
    const all = await allCaller.data<{ sims: Page<SimNode> }>(SIMS, { first: 3 });
    invalidCursor(await tagCaller.query(SIMS, { first: 3, after: all.sims.pageInfo.endCursor }), 'sims');
  });

  it('a fleet-usage cursor of a usage:all caller is INVALID_CURSOR for a tag-scoped caller', async () => {
    const all = await allCaller.data<{ simUsage: Page<unknown> }>(SIM_USAGE, { first: 3 });
    invalidCursor(await tagCaller.query(SIM_USAGE, { first: 3, after: all.simUsage.pageInfo.endCursor }), 'simUsage');
  });

  it('a tag-list cursor of a usage:all caller is INVALID_CURSOR for a tag-scoped caller, though both are offset lists', async () => {
    const query = 'query ($after: String) { tags(first: 1, after: $after) { nodes { externalId } pageInfo { endCursor } } }';
    const all = await allCaller.data<{ tags: Page<unknown> }>(query);
    invalidCursor(await bothTagsCaller.query(query, { after: all.tags.pageInfo.endCursor }), 'tags');
  });

  it('a cursor of a caller with one tag is INVALID_CURSOR for a caller with another set of tags, and the other way', async () => {
    const one = await tagCaller.data<{ sims: Page<SimNode> }>(SIMS, { first: 3 });
    const both = await bothTagsCaller.data<{ sims: Page<SimNode> }>(SIMS, { first: 3 });
    invalidCursor(await bothTagsCaller.query(SIMS, { first: 3, after: one.sims.pageInfo.endCursor }), 'sims');
    invalidCursor(await tagCaller.query(SIMS, { first: 3, after: both.sims.pageInfo.endCursor }), 'sims');
  });

  it('a cursor pages on for another caller with the same scopes (the same view)', async () => {
    const other = callerWith(gw, `usage:read onomondo:tag:${TAG.id}`, 'colleague');
    const first = await tagCaller.data<{ sims: Page<SimNode> }>(SIMS, { first: 3 });
    const next = await other.data<{ sims: Page<SimNode> }>(SIMS, { first: 3, after: first.sims.pageInfo.endCursor });
    expect(next.sims.nodes).toEqual(expectedSims([TAG.id]).slice(3, 6));
  });
});

describe('vendor calls of a tag-scoped caller', () => {
  it('the SIM list and its tags cost one /sims call, and no call per SIM', async () => {
    await tagCaller.data(SIMS, { first: 100 });
    expect(gw.upstreamCalls('onomondo').map((call) => call.path)).toEqual(['/sims']);
  });

  it('a page of fleet usage costs the SIM list and the fleet pages holding it, no per-SIM call', async () => {
    await tagCaller.data(SIM_USAGE, { first: 20 });
    expect(gw.upstreamCalls('onomondo').map((call) => call.path)).toEqual(['/sims', '/usage']);
  });
});
