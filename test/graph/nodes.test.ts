import { describe, expect, it } from 'vitest';
import { seedFourme } from '../../src/sources/fourme/seed.js';
import { seedOnomondo } from '../../src/sources/onomondo/seed.js';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import type { SourceName } from '../../src/sources/registry.js';
import { dataOf, globalId } from '../support/graph-data.js';
import { TEST_TODAY, useTestGateway } from '../support/gateway.js';

const onomondo = seedOnomondo(TEST_TODAY);
const fourme = seedFourme(TEST_TODAY);

const gw = useTestGateway();

type Json = Record<string, unknown>;
interface NodeJson extends Json {
  __typename: string;
  id: string;
}

async function data<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  return dataOf(await gw.query<T>(query, variables));
}

const calls = (source: SourceName) => gw.upstreamCalls(source);

/*
 * One fragment per node type, used alike by the lists and by `node`/`nodes`, so "the same object" is a deep
 * equality. `externalId` has a different scalar type on several types, so each type aliases it (a selection on
 * `Node` may not give one response key two types).
 */
const FRAGMENTS = `
  fragment OrganizationF on Organization { __typename id organizationExternalId: externalId name entityId country }
  fragment AccountF on Account {
    __typename id accountExternalId: externalId name sandbox enabled deleteProtected region cloud createdAt updatedAt
  }
  fragment SimF on Sim {
    __typename id simExternalId: externalId iccid imsi msisdn imei label activated online onlineAt lastCameOnlineAt ipv4
    networkWhitelist connector bytesThisPeriod
    network { name country countryCode mcc mnc }
    dataLimit { usedBytes totalBytes type period alertThreshold resetsAt }
    technologies { sms data2G3G data4G }
    tags { id }
  }
  fragment TagF on Tag { __typename id tagExternalId: externalId name color writable }
  fragment UsageStatementF on UsageStatement {
    __typename id statementExternalId: externalId plan year month startDate endDate userMonths
  }
  fragment PersonF on Person {
    __typename id personExternalId: externalId name primaryEmail organizationName site { externalId name } disabled createdAt updatedAt
  }
`;
const ANY_NODE = 'fragment AnyNode on Node { ...OrganizationF ...AccountF ...SimF ...TagF ...UsageStatementF ...PersonF }';

const NODE = `query ($id: ID!) { node(id: $id) { ...AnyNode } } ${ANY_NODE} ${FRAGMENTS}`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { ...AnyNode } } ${ANY_NODE} ${FRAGMENTS}`;

/** Every object of each type, as its list in the graph returns it. */
interface Lists {
  Organization: NodeJson[];
  Account: NodeJson[];
  Sim: NodeJson[];
  Tag: NodeJson[];
  UsageStatement: NodeJson[];
  Person: NodeJson[];
}

let listsCache: Lists | undefined;

async function lists(): Promise<Lists> {
  if (listsCache) return listsCache;
  const result = await data<{
    organizations: { nodes: (NodeJson & { children: { nodes: NodeJson[] } })[] };
    accounts: { nodes: NodeJson[] };
    sims: { nodes: NodeJson[] };
    tags: { nodes: NodeJson[] };
    usageStatements: { nodes: NodeJson[] };
    usageStatement: { billableUsers: { nodes: NodeJson[] } };
  }>(
    `{
      organizations(first: 10) { nodes { ...OrganizationF children(first: 10) { nodes { ...OrganizationF } } } }
      accounts(first: 100) { nodes { ...AccountF } }
      sims(first: 100) { nodes { ...SimF } }
      tags(first: 100) { nodes { ...TagF } }
      usageStatements(first: 100) { nodes { ...UsageStatementF } }
      usageStatement(year: ${fourme.statements[0]!.year}, month: ${fourme.statements[0]!.month}) {
        billableUsers(first: 100) { nodes { ...PersonF } }
      }
    } ${FRAGMENTS}`,
  );
  listsCache = {
    Organization: result.organizations.nodes.flatMap(({ children, ...organization }) => [organization, ...children.nodes]),
    Account: result.accounts.nodes,
    Sim: result.sims.nodes,
    Tag: result.tags.nodes,
    UsageStatement: result.usageStatements.nodes,
    Person: result.usageStatement.billableUsers.nodes,
  };
  return listsCache;
}

const TYPES = ['Organization', 'Account', 'Sim', 'Tag', 'UsageStatement', 'Person'] as const;

/** First, middle and last of a list: enough to catch a node path that reads the wrong record. */
const sample = <T>(items: T[]) => [...new Set([items[0]!, items[Math.floor(items.length / 2)]!, items.at(-1)!])];

describe('node(id:)', () => {
  it.each(TYPES)('%s: node(id) returns the same object as its list did', async (typename) => {
    const listed = (await lists())[typename];
    expect(listed.length).toBeGreaterThan(2);
    for (const object of sample(listed)) {
      const result = await data<{ node: NodeJson }>(NODE, { id: object.id });
      expect(result.node).toEqual(object);
    }
  });

  it('node(id) of each type the vendor does not know is null', async () => {
    const unknown = [
      globalId('Organization', 'o-p-xxxxxxxxxxxxxxxxxxxx'),
      globalId('Account', 'a-ppge-xxxxxxxxxxxxxxxxxxxx'),
      globalId('Sim', '999999999'),
      globalId('Tag', '00000000-0000-4000-8000-000000000000'),
      globalId('UsageStatement', 1),
      globalId('Person', 1),
    ];
    for (const id of unknown) expect(await data<{ node: unknown }>(NODE, { id })).toEqual({ node: null });
  });

  it('Sim.tags nodes round trip through node(id) to the same tag as Query.tags lists', async () => {
    const { Tag: tags, Sim: sims } = await lists();
    const tagIds = [...new Set(sims.flatMap((sim) => (sim['tags'] as { id: string }[]).map((tag) => tag.id)))];
    expect(tagIds.length).toBeGreaterThan(5);
    const byId = new Map(tags.map((tag) => [tag.id, tag]));
    for (const id of tagIds.slice(0, 5)) {
      expect((await data<{ node: NodeJson }>(NODE, { id })).node).toEqual(byId.get(id));
    }
    const all = await data<{ nodes: NodeJson[] }>(NODES, { ids: tagIds });
    expect(all.nodes).toEqual(tagIds.map((id) => byId.get(id)));
  });

  it('every tag a seed SIM carries round trips from Sim.tags through node(id)', async () => {
    const sim = onomondo.sims.find((candidate) => candidate.tags.length >= 2)!;
    const result = await data<{ sim: { tags: { id: string; externalId: string }[] } }>(
      `query ($id: ID!) { sim(id: $id) { tags { id externalId } } }`,
      { id: globalId('Sim', sim.id) },
    );
    expect(result.sim.tags.map((tag) => tag.externalId)).toEqual(sim.tags.map((tag) => tag.id));
    const nodes = await data<{ nodes: NodeJson[] }>(NODES, { ids: result.sim.tags.map((tag) => tag.id) });
    expect(nodes.nodes.map((node) => [node.__typename, node['tagExternalId'], node['name']])).toEqual(
      sim.tags.map((tag) => ['Tag', tag.id, tag.name]),
    );
  });
});

const signicatSeed = seedSignicat(TEST_TODAY);
const decodeId = (id: string) => Buffer.from(id, 'base64url').toString('utf8');

describe('nodes(ids:)', () => {
  /** 50 ids of every type, interleaved, with each type's objects from across its list. */
  async function mixedIds(): Promise<{ ids: string[]; expected: NodeJson[]; perType: Record<(typeof TYPES)[number], number> }> {
    const all = await lists();
    const perType = { Organization: 4, Account: 6, Sim: 12, Tag: 6, UsageStatement: 8, Person: 14 };
    const queues = TYPES.map((typename) => {
      const listed = all[typename];
      const step = Math.floor(listed.length / perType[typename]);
      return Array.from({ length: perType[typename] }, (_, i) => listed[i * step]!);
    });
    const expected: NodeJson[] = [];
    while (queues.some((queue) => queue.length > 0)) for (const queue of queues) if (queue.length > 0) expected.push(queue.shift()!);
    return { ids: expected.map((node) => node.id), expected, perType };
  }

  it('50 mixed ids of every type return the same objects as the lists, in the order given', async () => {
    const { ids, expected } = await mixedIds();
    expect(ids).toHaveLength(50);
    const result = await data<{ nodes: NodeJson[] }>(NODES, { ids });
    expect(result.nodes).toEqual(expected);
  });

  it('50 mixed ids cost batched upstream calls: one people call, one statements call, one SIM list, one tag search, one account list', async () => {
    const { ids, perType } = await mixedIds();
    gw.resetUpstreams();
    await data(NODES, { ids });

    const fourmeCalls = calls('fourme');
    const people = fourmeCalls.filter((call) => call.path.startsWith('/v1/people'));
    expect(people).toHaveLength(1);
    expect(people[0]!.path).toBe('/v1/people');
    expect(people[0]!.query['id']?.[0]?.split(',')).toHaveLength(perType.Person);
    const statements = fourmeCalls.filter((call) => call.path.startsWith('/v1/account/usage_statements'));
    expect(statements).toHaveLength(1);
    expect(statements[0]!.path).toBe('/v1/account/usage_statements');
    expect(statements[0]!.query['id']?.[0]?.split(',')).toHaveLength(perType.UsageStatement);
    expect(fourmeCalls).toHaveLength(2);

    const onomondoCalls = calls('onomondo');
    expect(onomondoCalls.filter((call) => call.path === '/sims').length).toBeLessThanOrEqual(1);
    expect(onomondoCalls.filter((call) => call.path.startsWith('/sims/'))).toEqual([]);
    expect(onomondoCalls.filter((call) => call.path === '/tags/search/tags')).toHaveLength(1);
    expect(onomondoCalls.length).toBeLessThanOrEqual(2);

    // Signicat has no bulk read by id: the account list (31 accounts, one page) serves every account; the
    // top-level organisation list serves the top-level organisations; each child organisation is read alone.
    const signicatPaths = calls('signicat').map((call) => call.path);
    const organizationIds = ids
      .map(decodeId)
      .filter((id) => id.startsWith('Organization:'))
      .map((id) => id.slice('Organization:'.length));
    const children = organizationIds.filter((id) => signicatSeed.organizationById.get(id)?.parentId !== null);
    expect(signicatPaths.filter((path) => path === '/account-management/accounts')).toHaveLength(1);
    expect(signicatPaths.filter((path) => path.startsWith('/account-management/accounts/'))).toEqual([]);
    expect(signicatPaths.filter((path) => path === '/account-management/organizations')).toHaveLength(1);
    expect(signicatPaths.filter((path) => path.startsWith('/account-management/organizations/')).sort()).toEqual(
      children.map((id) => `/account-management/organizations/${id}`).sort(),
    );
    expect(signicatPaths).toHaveLength(2 + children.length);
  });

  it('an id given twice returns the object at both positions with no extra upstream call', async () => {
    const { Sim: sims, Person: people } = await lists();
    const sim = sims[3]!;
    const person = people[5]!;
    gw.resetUpstreams();
    const result = await data<{ nodes: NodeJson[] }>(NODES, { ids: [sim.id, person.id, sim.id, person.id] });
    expect(result.nodes).toEqual([sim, person, sim, person]);
    expect(calls('fourme')).toHaveLength(1);
    expect(calls('onomondo')).toHaveLength(1);
  });

  it('ids the vendors do not know give null entries in their places, the known ids their objects', async () => {
    const {
      Organization: organizations,
      Account: accounts,
      Sim: sims,
      Tag: tags,
      UsageStatement: statements,
      Person: people,
    } = await lists();
    const known = [organizations[1]!, accounts[2]!, sims[4]!, tags[5]!, statements[6]!, people[7]!];
    const unknown = [
      globalId('Organization', 'o-p-xxxxxxxxxxxxxxxxxxxx'),
      globalId('Account', 'a-ppge-xxxxxxxxxxxxxxxxxxxx'),
      globalId('Sim', '999999999'),
      globalId('Tag', '00000000-0000-4000-8000-000000000000'),
      globalId('UsageStatement', 1),
      globalId('Person', 1),
    ];
    const ids = known.flatMap((node, i) => [node.id, unknown[i]!]);
    const result = await data<{ nodes: (NodeJson | null)[] }>(NODES, { ids });
    expect(result.nodes).toEqual(known.flatMap((node) => [node, null]));
  });
});
