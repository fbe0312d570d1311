import { describe, expect, it } from 'vitest';
import { seedOnomondo } from '../../src/sources/onomondo/seed.js';
import type { SourceName } from '../../src/sources/registry.js';
import { TEST_TODAY, useTestGateway, type GraphResponse } from '../support/gateway.js';
import { globalId } from '../support/graph-data.js';

const onomondo = seedOnomondo(TEST_TODAY);
const gw = useTestGateway({ MAX_OPERATION_UPSTREAM_CALLS: '10', MAX_RESULT_OBJECTS: '5000', MAX_LIST_ARGUMENT: '20' });
const SOURCES: SourceName[] = ['signicat', 'onomondo', 'fourme'];

interface RawAnswer {
  status: number;
  body: GraphResponse;
}

async function post(query: string, variables: Record<string, unknown> = {}): Promise<RawAnswer> {
  const response = await fetch(gw.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphResponse };
}

const totalCalls = () => SOURCES.reduce((sum, source) => sum + gw.upstreamCalls(source).length, 0);

describe('operations refused before they run', () => {
  it.each([
    {
      name: 'more vendor calls than the limit',
      query: '{ organizations(first: 20) { nodes { children(first: 20) { nodes { name } } } } }',
      code: 'UPSTREAM_CALL_LIMIT_EXCEEDED',
      details: { estimated: 21, max: 10 },
    },
    {
      name: 'an answer larger than the limit (a tiny document nesting lists)',
      query: '{ sims(first: 100) { nodes { iccid usage(first: 100) { nodes { sim { iccid usage(first: 100) { nodes { bytes } } } } } } } }',
      code: 'UPSTREAM_CALL_LIMIT_EXCEEDED',
      details: { max: 10 },
    },
    {
      name: 'a longer list argument than allowed',
      query: `{ nodes(ids: [${Array.from({ length: 21 }, (_, i) => `"${globalId('Person', 1000 + i)}"`).join(', ')}]) { id } }`,
      code: 'LIST_LIMIT_EXCEEDED',
      details: { given: 21, max: 20 },
    },
    {
      name: 'many aliases of one list, each priced',
      query: `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: usageStatements(first: 1, year: ${2015 + i}) { nodes { id } }`).join(' ')} }`,
      code: 'UPSTREAM_CALL_LIMIT_EXCEEDED',
      details: { estimated: 11, max: 10 },
    },
  ])('refuses $name with HTTP 400 and $code, making no vendor call', async ({ query, code, details }) => {
    const answer = await post(query);

    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code, ...details });
    expect(answer.body.errors?.[0]?.message).toMatch(/more than the limit|at most/);
    expect(totalCalls()).toBe(0);
  });

  it('prices nodes(ids:) by the calls each type of id costs: organisations one each, SIMs a hundred to a call', async () => {
    const organizations = Array.from({ length: 11 }, (_, i) => globalId('Organization', `org-${i}`));
    const sims = onomondo.sims.slice(0, 20).map((sim) => globalId('Sim', sim.id));

    const refused = await post('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: organizations });
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_CALL_LIMIT_EXCEEDED', estimated: 11, max: 10 });
    expect(totalCalls()).toBe(0);

    const answered = await post('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: sims });
    expect(answered.status).toBe(200);
    expect(answered.body.extensions?.['cost']).toMatchObject({ estimatedCalls: 1 });
  });

  it('prices the answer size: a document under the call limit but over the object limit is refused', async () => {
    const answer = await post('{ sims(first: 50) { nodes { usage(first: 100) { nodes { bytes } } } } }');

    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'RESULT_SIZE_LIMIT_EXCEEDED', estimated: 5101, max: 5000 });
    expect(totalCalls()).toBe(0);
  });
});

describe('the call limit while an operation runs', () => {
  it('fails the field that would pass the limit with the same code, and the rest of the answer stands', async () => {
    // `last` without `before` reads the fleet's usage to its end: more calls than the plan could know.
    const answer = await post('{ usageStatements(first: 1) { nodes { year } } simUsage(last: 3) { nodes { bytes } } }');

    expect(answer.status).toBe(200);
    const data = answer.body.data as { usageStatements: { nodes: unknown[] }; simUsage: unknown };
    expect(data.usageStatements.nodes).toHaveLength(1);
    expect(data.simUsage).toBeNull();
    expect(answer.body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['simUsage'], 'UPSTREAM_CALL_LIMIT_EXCEEDED'],
    ]);
    expect(answer.body.extensions?.['cost']).toEqual({ estimatedCalls: 6, calls: 10, limit: 10 });
    expect(totalCalls()).toBe(10);
    expect(onomondo.usage.length).toBeGreaterThan(10 * 1000);
  });

  it('reports what an operation cost beside its answer', async () => {
    const answer = await post('{ sims(first: 2) { nodes { iccid tags { name } } } usageStatements(first: 2) { nodes { year } } }');

    expect(answer.status).toBe(200);
    expect(answer.body.extensions?.['cost']).toEqual({ estimatedCalls: 2, calls: 2, limit: 10 });
  });
});

describe('ids', () => {
  it('answers each id of nodes(ids:) on its own: a malformed one is one null and one error', async () => {
    const sim = onomondo.sims[0]!;
    const answer = await post('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: [globalId('Sim', sim.id), 'not-an-id', globalId('PageInfo', '1'), globalId('Sim', '../..')],
    });

    expect(answer.body.data).toEqual({ nodes: [{ id: globalId('Sim', sim.id) }, null, null, null] });
    expect(answer.body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['nodes', 1], 'BAD_USER_INPUT'],
      [['nodes', 2], 'BAD_USER_INPUT'],
      [['nodes', 3], 'BAD_USER_INPUT'],
    ]);
  });

  it.each(['..', '.', '0', '../accounts', 'a/b', '%2e%2e'])('refuses the vendor id %j before any call', async (id) => {
    const answer = await post(
      'query ($a: ID!, $b: ID!, $c: ID!) { account(id: $a) { name } sim(id: $b) { iccid } person(id: $c) { name } }',
      {
        a: globalId('Account', id),
        b: globalId('Sim', id),
        c: globalId('Person', id),
      },
    );

    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(totalCalls()).toBe(0);
  });
});
