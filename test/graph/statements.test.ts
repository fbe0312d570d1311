import { describe, expect, it } from 'vitest';
import { FOURME_STATEMENT_MONTHS, seedFourme } from '../../src/sources/fourme/seed.js';
import {
  PAGE_INFO,
  PERSON_FIELDS,
  STATEMENT_FIELDS,
  backwardNodes,
  dataOf,
  expectedPerson,
  expectedStatement,
  flags,
  forwardNodes,
  globalId,
  runOf,
  walkBackward,
  walkForward,
  type Page,
} from '../support/graph-data.js';
import { TEST_TODAY, useTestGateway } from '../support/gateway.js';

const seed = seedFourme(TEST_TODAY);

const gw = useTestGateway();

type Json = Record<string, unknown>;
interface StatementNode extends Json {
  externalId: number;
}

const fourmeCalls = () => gw.upstreamCalls('fourme');
const statementListCalls = () => fourmeCalls().filter((call) => call.path === '/v1/account/usage_statements');
const statementRecordCalls = () => fourmeCalls().filter((call) => call.path.startsWith('/v1/account/usage_statements/'));
const peopleCalls = () => fourmeCalls().filter((call) => call.path.startsWith('/v1/people'));
const single = (values: string[] | undefined) => {
  expect(values).toHaveLength(1);
  return values![0]!;
};

async function data<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  return dataOf(await gw.query<T>(query, variables));
}

const STATEMENTS = `query Statements($first: Int, $after: String, $last: Int, $before: String, $year: Int, $month: Int) {
  usageStatements(first: $first, after: $after, last: $last, before: $before, year: $year, month: $month) {
    totalCount nodes { ${STATEMENT_FIELDS} } ${PAGE_INFO}
  }
}`;

const BILLABLE_USERS = `query BillableUsers($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  usageStatement(id: $id) {
    billableUsers(first: $first, after: $after, last: $last, before: $before) { totalCount nodes { ${PERSON_FIELDS} } ${PAGE_INFO} }
  }
}`;

const statementsPage = async (variables: Json) =>
  (await data<{ usageStatements: Page<StatementNode> }>(STATEMENTS, variables)).usageStatements;
const billableUsersPage = async (variables: Json) =>
  (await data<{ usageStatement: { billableUsers: Page<Json> } }>(BILLABLE_USERS, variables)).usageStatement.billableUsers;

/** The cursor of the statement at `offset` of the unfiltered list. */
async function statementCursorAt(offset: number): Promise<string> {
  const result = await data<{ usageStatements: { edges: { cursor: string }[] } }>(
    `query ($first: Int) { usageStatements(first: $first) { edges { cursor } } }`,
    { first: offset + 1 },
  );
  return result.usageStatements.edges[offset]!.cursor;
}

describe('UsageStatement fields', () => {
  it('every field of all 36 statements equals the seed', async () => {
    expect(new Set(seed.statements.map((statement) => statement.plan)).size).toBe(3);
    const page = await statementsPage({ first: 100 });
    expect(page.nodes).toEqual(seed.statements.map(expectedStatement));
  });
});

describe('Query.usageStatements', () => {
  it('walked forwards in pages of 10 returns all 36 statements newest first, totalCount 36 on every page', async () => {
    expect(seed.statements).toHaveLength(FOURME_STATEMENT_MONTHS);
    const pages = await walkForward((after) => statementsPage({ first: 10, after }));
    expect(pages).toHaveLength(4);
    expect(forwardNodes(pages)).toEqual(seed.statements.map(expectedStatement));
    expect(pages.map((page) => page.totalCount)).toEqual([36, 36, 36, 36]);
    expect(flags(pages)).toEqual({ hasNextPage: [true, true, true, false], hasPreviousPage: [false, true, true, true] });
  });

  it('walked backwards in pages of 10 returns all 36 statements newest first, totalCount 36 on every page', async () => {
    const pages = await walkBackward((before) => statementsPage({ last: 10, before }));
    expect(pages).toHaveLength(4);
    expect(backwardNodes(pages)).toEqual(seed.statements.map(expectedStatement));
    expect(pages.map((page) => page.totalCount)).toEqual([36, 36, 36, 36]);
    expect(flags(pages)).toEqual({ hasNextPage: [false, true, true, true], hasPreviousPage: [true, true, true, false] });
  });

  it('year: filters to that year’s statements, filtered by 4me, walked both ways', async () => {
    const expected = seed.statements.filter((statement) => statement.year === 2025).map(expectedStatement);
    expect(expected).toHaveLength(12);
    const forward = await walkForward((after) => statementsPage({ year: 2025, first: 5, after }));
    expect(forwardNodes(forward)).toEqual(expected);
    expect(forward.map((page) => page.totalCount)).toEqual([12, 12, 12]);
    expect(flags(forward)).toEqual({ hasNextPage: [true, true, false], hasPreviousPage: [false, true, true] });
    const backward = await walkBackward((before) => statementsPage({ year: 2025, last: 5, before }));
    expect(backwardNodes(backward)).toEqual(expected);
    expect(flags(backward)).toEqual({ hasNextPage: [false, true, true], hasPreviousPage: [true, true, false] });
    for (const call of statementListCalls()) expect(call.query['year']).toEqual(['2025']);
  });

  it('month: filters to that month of every year, newest first, walked both ways', async () => {
    const expected = seed.statements.filter((statement) => statement.month === 3).map(expectedStatement);
    expect(expected).toHaveLength(3);
    const forward = await walkForward((after) => statementsPage({ month: 3, first: 2, after }));
    expect(forwardNodes(forward)).toEqual(expected);
    expect(forward.map((page) => page.totalCount)).toEqual([3, 3]);
    const backward = await walkBackward((before) => statementsPage({ month: 3, last: 2, before }));
    expect(backwardNodes(backward)).toEqual(expected);
    for (const call of statementListCalls()) expect(call.query['month']).toEqual(['3']);
  });

  it('year: and month: together select the one statement of that month', async () => {
    const expected = seed.statements.filter((statement) => statement.year === 2024 && statement.month === 7).map(expectedStatement);
    expect(expected).toHaveLength(1);
    const page = await statementsPage({ year: 2024, month: 7, first: 10 });
    expect(page.nodes).toEqual(expected);
    expect(page.totalCount).toBe(1);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });

  /** The one statements call made: 4me pages by cursor, never by page number. */
  function onlyCall(): Record<string, string[]> {
    expect(fourmeCalls()).toHaveLength(1);
    const [call] = statementListCalls();
    expect(call?.query['page']).toBeUndefined();
    return call?.query ?? {};
  }

  it.each([30, 9])(
    'a window of first: 20 after the cursor at offset %i reads on from that cursor’s page by its search_after cursor: one 4me call',
    async (offset) => {
      const after = await statementCursorAt(offset);
      gw.resetUpstreams();
      const page = await statementsPage({ first: 20, after });
      expect(page.nodes).toEqual(seed.statements.slice(offset + 1, offset + 21).map(expectedStatement));
      expect(page.pageInfo).toMatchObject({ hasNextPage: offset + 21 < seed.statements.length, hasPreviousPage: true });
      const query = onlyCall();
      expect(query['search_after']).toHaveLength(1);
      expect(query['per_page']).toEqual(['20']);
    },
  );

  it('a window after a cursor from the middle of its page reads that page again and on: never a page number', async () => {
    const middle = (await data<{ usageStatements: { edges: { cursor: string }[] } }>('{ usageStatements(first: 20) { edges { cursor } } }'))
      .usageStatements.edges[9]!.cursor;
    gw.resetUpstreams();
    const page = await statementsPage({ first: 20, after: middle });
    expect(page.nodes).toEqual(seed.statements.slice(10, 30).map(expectedStatement));
    for (const call of statementListCalls()) expect(call.query['page']).toBeUndefined();
  });

  it('walked backwards from the end in pages of 7 equals the 36 statements, one 4me call a page and never a page number', async () => {
    const backward = await walkBackward((before) => statementsPage({ last: 7, before }));
    expect(backwardNodes(backward)).toEqual(seed.statements.map(expectedStatement));
    expect(statementListCalls()).toHaveLength(backward.length);
    for (const call of statementListCalls()) expect(call.query['page']).toBeUndefined();
  });

  it('last: 5 without before returns the 5 oldest statements in one 4me call', async () => {
    const page = await statementsPage({ last: 5 });
    expect(page.nodes).toEqual(seed.statements.slice(-5).map(expectedStatement));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(page.totalCount).toBe(36);
    expect(fourmeCalls()).toHaveLength(1);
  });

  it('the same page asked twice in one operation under aliases costs one 4me call', async () => {
    await data(`{ a: usageStatements(first: 12) { nodes { year } } b: usageStatements(first: 12) { nodes { month } } }`);
    expect(fourmeCalls()).toHaveLength(1);
  });
});

describe('Query.usageStatement', () => {
  const target = seed.statements[7]!;

  it('usageStatement(id:) returns every field of that seed statement', async () => {
    const result = await data<{ usageStatement: Json }>(`query ($id: ID!) { usageStatement(id: $id) { ${STATEMENT_FIELDS} } }`, {
      id: globalId('UsageStatement', target.id),
    });
    expect(result.usageStatement).toEqual(expectedStatement(target));
  });

  it('usageStatement(year:, month:) returns the seed statement of that month', async () => {
    const result = await data<{ usageStatement: Json }>(
      `query ($year: Int, $month: Int) { usageStatement(year: $year, month: $month) { ${STATEMENT_FIELDS} } }`,
      { year: target.year, month: target.month },
    );
    expect(result.usageStatement).toEqual(expectedStatement(target));
    expect(fourmeCalls()).toHaveLength(1);
  });

  it('usageStatement of an unknown id or a month without a statement is null', async () => {
    const result = await data<Json>(
      `query ($id: ID!) { byId: usageStatement(id: $id) { year } byMonth: usageStatement(year: 2020, month: 1) { year } }`,
      { id: globalId('UsageStatement', 1) },
    );
    expect(result).toEqual({ byId: null, byMonth: null });
  });
});

describe('UsageStatement.billableUsers', () => {
  const statement = seed.statements[0]!;
  const people = statement.billable_user_ids.map((id) => expectedPerson(seed.peopleById.get(id)!));

  it('walked forwards in pages of 100 returns every billable person with every field equal to the seed, totalCount on every page', async () => {
    // The people must cover the nullable and varying fields, or equality would prove little about them.
    const seedPeople = statement.billable_user_ids.map((id) => seed.peopleById.get(id)!);
    expect(seedPeople.some((person) => person.site === null)).toBe(true);
    expect(seedPeople.some((person) => !(person.created_at ?? 'Z').endsWith('Z'))).toBe(true);
    expect(people.length).toBeGreaterThan(200);

    const id = globalId('UsageStatement', statement.id);
    const pages = await walkForward((after) => billableUsersPage({ id, first: 100, after }));
    const count = Math.ceil(people.length / 100);
    expect(pages).toHaveLength(count);
    expect(forwardNodes(pages)).toEqual(people);
    expect(pages.map((page) => page.totalCount)).toEqual(runOf(count - 1, people.length, people.length));
    expect(flags(pages)).toEqual({ hasNextPage: runOf(count - 1, true, false), hasPreviousPage: [false, ...runOf(count - 2, true, true)] });
  });

  it('walked backwards in pages of 100 returns every billable person in order, totalCount on every page', async () => {
    const id = globalId('UsageStatement', statement.id);
    const pages = await walkBackward((before) => billableUsersPage({ id, last: 100, before }));
    const count = Math.ceil(people.length / 100);
    expect(pages).toHaveLength(count);
    expect(backwardNodes(pages)).toEqual(people);
    expect(pages.map((page) => page.totalCount)).toEqual(runOf(count - 1, people.length, people.length));
    expect(flags(pages)).toEqual({ hasNextPage: [false, ...runOf(count - 2, true, true)], hasPreviousPage: runOf(count - 1, true, false) });
  });

  it('usageStatements(first: 12) { billableUsers(first: 100) } costs one statements call and ceil(distinct people / 100) people calls of at most 100 ids', async () => {
    const statements = seed.statements.slice(0, 12);
    const distinct = new Set(statements.flatMap((s) => s.billable_user_ids.slice(0, 100)));
    expect(distinct.size).toBeGreaterThan(100);

    const result = await data<{ usageStatements: { nodes: { billableUsers: { nodes: ({ name: string } | null)[] } }[] } }>(
      `{ usageStatements(first: 12) { nodes { billableUsers(first: 100) { nodes { name } } } } }`,
    );
    // A person the account no longer holds is a null node.
    expect(result.usageStatements.nodes.map((node) => node.billableUsers.nodes.map((person) => person?.name ?? null))).toEqual(
      statements.map((s) => s.billable_user_ids.slice(0, 100).map((id) => seed.peopleById.get(id)?.name ?? null)),
    );

    expect(statementListCalls()).toHaveLength(1);
    expect(statementRecordCalls()).toEqual([]);
    const people = peopleCalls();
    expect(people).toHaveLength(Math.ceil(distinct.size / 100));
    const asked = people.map((call) => {
      expect(call.path).toBe('/v1/people');
      const ids = single(call.query['id']).split(',').map(Number);
      expect(ids.length).toBeLessThanOrEqual(100);
      return ids;
    });
    expect(asked.flat().sort((a, b) => a - b)).toEqual([...distinct].sort((a, b) => a - b));
  });
});
