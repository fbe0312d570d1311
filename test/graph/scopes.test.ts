import { describe, expect, it } from 'vitest';
import { seedFourme } from '../../src/sources/fourme/seed.js';
import { seedOnomondo } from '../../src/sources/onomondo/seed.js';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import { answerOf, TEST_TODAY, useTestGateway } from '../support/gateway.js';
import { globalId } from '../support/graph-data.js';
import {
  accountsSeenBy,
  callerWith,
  JWT_AUTH,
  simsSeenBy,
  tagsSeenBy,
  topOrganizationsSeenBy,
  usageSeenBy,
  type Caller,
} from '../support/scopes.js';

const signicat = seedSignicat(TEST_TODAY);
const onomondo = seedOnomondo(TEST_TODAY);
const fourme = seedFourme(TEST_TODAY);

const CHILD = signicat.organizations.find((organization) => organization.parentId !== null)!;
const OUTSIDE_ORGANIZATION = signicat.organizations.find(
  (organization) => organization.id !== CHILD.id && organization.id !== CHILD.parentId,
)!;
const TAG = onomondo.tags[0]!;
const OUTSIDE_TAG =
  onomondo.tags.find((tag) => !simsSeenBy(onomondo, [TAG.id]).some((sim) => sim.tags.some((carried) => carried.id === tag.id))) ??
  onomondo.tags[1]!;
const INSIDE_SIM = simsSeenBy(onomondo, [TAG.id])[0]!;
const OUTSIDE_SIM = onomondo.sims.find((sim) => !sim.tags.some((tag) => tag.id === TAG.id))!;
const NEWEST = fourme.statements[0]!;
const PERSON = fourme.people.find((person) => NEWEST.billable_user_ids.includes(person.id))!;

const gw = useTestGateway(JWT_AUTH);
const readOnly = callerWith(gw, 'usage:read', 'reader');
const allCaller = callerWith(gw, 'usage:read usage:all', 'operator');
const statementsCaller = callerWith(gw, 'usage:read fourme:statements', 'accountant');
const mixedScope = [CHILD.id].map((id) => `signicat:org:${id}`).concat([`onomondo:tag:${TAG.id}`, 'fourme:statements']);
const mixedCaller = callerWith(gw, `usage:read ${mixedScope.join(' ')}`, 'tenant');

/** Every root list, with the field a list is compared on. */
const EVERY_LIST = `{
  organizations(first: 20) { nodes { externalId } }
  accounts(first: 100) { nodes { externalId } }
  sims(first: 100) { nodes { externalId } }
  tags(first: 50) { totalCount nodes { externalId } }
  simUsage(first: 30) { nodes { billId } }
  usageStatements(first: 50) { totalCount nodes { externalId } }
}`;

interface EveryList {
  organizations: { nodes: { externalId: string }[] };
  accounts: { nodes: { externalId: string }[] };
  sims: { nodes: { externalId: string }[] };
  tags: { totalCount: number; nodes: { externalId: string }[] };
  simUsage: { nodes: { billId: string }[] };
  usageStatements: { totalCount: number; nodes: { externalId: number }[] };
}

const ids = <I extends string | number>(records: readonly { id: I }[]) => records.map((record) => ({ externalId: record.id }));

/** {@link EVERY_LIST} as a caller sees it: organisations and tags scoped by id (or all of them), statements all or none. */
function expectedLists(view: { organizations: string[] | 'all'; tags: string[] | 'all'; statements: boolean }): EveryList {
  const accounts = view.organizations === 'all' ? signicat.accounts : accountsSeenBy(signicat, view.organizations);
  const tops = topOrganizationsSeenBy(
    signicat,
    view.organizations === 'all' ? signicat.organizations.map((organization) => organization.id) : view.organizations,
  );
  const sims = view.tags === 'all' ? onomondo.sims : simsSeenBy(onomondo, view.tags);
  const tags = view.tags === 'all' ? onomondo.tags : tagsSeenBy(onomondo, view.tags);
  const usage = view.tags === 'all' ? onomondo.usage : usageSeenBy(onomondo, view.tags);
  const statements = view.statements ? fourme.statements : [];
  return {
    organizations: { nodes: ids(tops) },
    accounts: { nodes: ids(accounts) },
    sims: { nodes: ids(sims.slice(0, 100)) },
    tags: { totalCount: tags.length, nodes: ids(tags) },
    simUsage: { nodes: usage.slice(0, 30).map((record) => ({ billId: record.bill_id })) },
    usageStatements: { totalCount: statements.length, nodes: ids(statements.slice(0, 50)) },
  };
}

const EVERYTHING = { organizations: 'all', tags: 'all', statements: true } as const;
const MIXED = { organizations: [CHILD.id], tags: [TAG.id], statements: true };

/** One id of every node type, each visible to the mixed caller or not. */
const NODE_IDS = {
  organization: globalId('Organization', CHILD.id),
  outsideOrganization: globalId('Organization', OUTSIDE_ORGANIZATION.id),
  account: globalId('Account', signicat.organizationAccounts.get(CHILD.id)![0]!.id),
  outsideAccount: globalId('Account', signicat.organizationAccounts.get(OUTSIDE_ORGANIZATION.id)![0]!.id),
  sim: globalId('Sim', INSIDE_SIM.id),
  outsideSim: globalId('Sim', OUTSIDE_SIM.id),
  tag: globalId('Tag', TAG.id),
  outsideTag: globalId('Tag', OUTSIDE_TAG.id),
  statement: globalId('UsageStatement', NEWEST.id),
  person: globalId('Person', PERSON.id),
};
const NODES = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';

/** A lookup of every kind: by global id, by ICCID, by month, and a SIM's usage by filter. */
const LOOKUPS = `query ($ids: [ID!]!, $sim: ID!, $iccid: String!, $person: ID!) {
  nodes(ids: $ids) { id }
  sim(id: $sim) { id }
  byIccid: sim(iccid: $iccid) { id }
  simUsage(first: 5, filter: { sim: $sim }) { nodes { bytes } }
  person(id: $person) { id }
  usageStatement(year: ${NEWEST.year}, month: ${NEWEST.month}) { id }
}`;
const LOOKUP_VARIABLES = { ids: Object.values(NODE_IDS), sim: NODE_IDS.sim, iccid: INSIDE_SIM.iccid, person: NODE_IDS.person };

describe('usage:all', () => {
  it('sees every record of every vendor', async () => {
    const expected = expectedLists(EVERYTHING);
    expect(expected.accounts.nodes).toHaveLength(signicat.accounts.length);
    expect(await allCaller.data<EveryList>(EVERY_LIST)).toEqual(expected);
  });
});

describe('usage:read alone', () => {
  it('sees empty lists counted zero, without an error', async () => {
    expect(await readOnly.data<EveryList>(EVERY_LIST)).toEqual(expectedLists({ organizations: [], tags: [], statements: false }));
  });

  it('finds no record by id, ICCID or month: each lookup is null, without an error', async () => {
    expect(await readOnly.data<Record<string, unknown>>(LOOKUPS, LOOKUP_VARIABLES)).toEqual({
      nodes: Object.values(NODE_IDS).map(() => null),
      sim: null,
      byIccid: null,
      simUsage: { nodes: [] },
      person: null,
      usageStatement: null,
    });
  });

  it('costs no vendor call: there is nothing it could see', async () => {
    await readOnly.data(EVERY_LIST);
    await readOnly.data(LOOKUPS, LOOKUP_VARIABLES);
    for (const source of ['signicat', 'onomondo', 'fourme'] as const) expect(gw.upstreamCalls(source)).toEqual([]);
  });
});

describe('fourme:statements', () => {
  it('sees every statement and its billable people, and nothing of the other vendors', async () => {
    expect(await statementsCaller.data<EveryList>(EVERY_LIST)).toEqual(expectedLists({ organizations: [], tags: [], statements: true }));
    const data = await statementsCaller.data<{
      usageStatement: { billableUsers: { totalCount: number; nodes: ({ externalId: number } | null)[] } };
      person: { name: string };
    }>(
      `query ($person: ID!) {
        usageStatement(year: ${NEWEST.year}, month: ${NEWEST.month}) { billableUsers(first: 100) { totalCount nodes { externalId } } }
        person(id: $person) { name }
      }`,
      { person: NODE_IDS.person },
    );
    expect(data.usageStatement.billableUsers).toEqual({
      totalCount: NEWEST.billable_user_ids.length,
      nodes: NEWEST.billable_user_ids.slice(0, 100).map((id) => (fourme.peopleById.has(id) ? { externalId: id } : null)),
    });
    expect(data.person).toEqual({ name: PERSON.name });
  });

  it('a person billed on no statement answers exactly as one that does not exist', async () => {
    const billed = new Set(fourme.statements.flatMap((statement) => statement.billable_user_ids));
    const unbilled = fourme.people.find((person) => !billed.has(person.id))!;
    const query = 'query ($id: ID!) { person(id: $id) { name primaryEmail } node(id: $id) { id } nodes(ids: [$id]) { id } }';
    // Person ids are guessable numbers: even the vendor calls an answer reports (`extensions.cost`) must not tell them apart.
    const hidden = await statementsCaller.query(query, { id: globalId('Person', unbilled.id) });
    expect(hidden).toEqual(await statementsCaller.query(query, { id: globalId('Person', 1) }));
    expect(answerOf(hidden)).toEqual({ data: { person: null, node: null, nodes: [null] } });
    const seenByAll = await allCaller.data<{ person: { name: string } }>(query, { id: globalId('Person', unbilled.id) });
    expect(seenByAll.person.name).toBe(unbilled.name);
  });

  it('without it, statements and people answer exactly as ones that do not exist, and 4me is not called', async () => {
    const caller = callerWith(gw, `usage:read onomondo:tag:${TAG.id} signicat:org:${CHILD.id}`);
    const lookups = `query ($statement: ID!, $person: ID!, $year: Int!, $month: Int!) {
      node(id: $statement) { id }
      usageStatement(id: $statement) { id billableUsers { totalCount } }
      byMonth: usageStatement(year: $year, month: $month) { id }
      person(id: $person) { name }
      nodes(ids: [$person, $statement]) { id }
    }`;
    const hidden = answerOf(
      await caller.query(lookups, { statement: NODE_IDS.statement, person: NODE_IDS.person, year: NEWEST.year, month: NEWEST.month }),
    );
    const unknown = answerOf(
      await caller.query(lookups, { statement: globalId('UsageStatement', 1), person: globalId('Person', 1), year: 1999, month: 1 }),
    );
    expect(hidden).toEqual(unknown);
    expect(hidden).toEqual({ data: { node: null, usageStatement: null, byMonth: null, person: null, nodes: [null, null] } });
    expect(gw.upstreamCalls('fourme')).toEqual([]);
  });
});

describe('organisation, tag and statements scopes together', () => {
  it('see each vendor through its own scope', async () => {
    expect(await mixedCaller.data<EveryList>(EVERY_LIST)).toEqual(expectedLists(MIXED));
  });

  it('nodes(ids:) answers each id by its own scope, an outside one as null in its place', async () => {
    const data = await mixedCaller.data<{ nodes: ({ id: string } | null)[] }>(NODES, { ids: Object.values(NODE_IDS) });
    expect(data.nodes).toEqual(Object.entries(NODE_IDS).map(([name, id]) => (name.startsWith('outside') ? null : { id })));
  });
});

describe('callers in one gateway process', () => {
  it('interleaved requests of scoped and unscoped callers each get their own view', async () => {
    const callers: [Caller, EveryList][] = [
      [allCaller, expectedLists(EVERYTHING)],
      [mixedCaller, expectedLists(MIXED)],
      [readOnly, expectedLists({ organizations: [], tags: [], statements: false })],
      [
        callerWith(gw, `usage:read onomondo:tag:${OUTSIDE_TAG.id}`, 'other-tenant'),
        expectedLists({ organizations: [], tags: [OUTSIDE_TAG.id], statements: false }),
      ],
    ];
    const rounds = 3;
    const answers = await Promise.all(
      Array.from({ length: rounds }, () => callers.map(([caller]) => caller.data<EveryList>(EVERY_LIST))).flat(),
    );
    answers.forEach((answer, index) => expect(answer).toEqual(callers[index % callers.length]![1]));
  });
});
