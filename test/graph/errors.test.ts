import { beforeAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/simulator/faults.js';
import { fourmeDemoCredentials } from '../../src/sources/fourme/simulator.js';
import { onomondoDemoCredentials } from '../../src/sources/onomondo/simulator.js';
import { seedFourme } from '../../src/sources/fourme/seed.js';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import { signicatDemoCredentials } from '../../src/sources/signicat/simulator.js';
import type { SourceName } from '../../src/sources/registry.js';
import { TEST_TODAY, type GraphResponse, useTestGateway } from '../support/gateway.js';
import { dataOf, globalId } from '../support/graph-identity.js';

const seed = seedSignicat(TEST_TODAY);
const [firstOrganization, secondOrganization] = (seed.childOrganizations.get(null) ?? []).filter(
  (organization) => (seed.childOrganizations.get(organization.id)?.length ?? 0) >= 2,
);
const [firstAccount, secondAccount] = seed.accounts;
if (!firstOrganization || !secondOrganization || !firstAccount || !secondAccount) throw new Error('the seed lacks what these tests need');
const organizationId = globalId('Organization', firstOrganization.id);
const otherOrganizationId = globalId('Organization', secondOrganization.id);
const accountId = globalId('Account', firstAccount.id);
const otherAccountId = globalId('Account', secondAccount.id);

const graph = useTestGateway();

interface RawAnswer {
  status: number;
  text: string;
  body: GraphResponse;
}

/** POSTs over HTTP and keeps the status and the raw text, which the leak checks read. */
async function post(query: string, variables: Record<string, unknown> = {}): Promise<RawAnswer> {
  const response = await fetch(graph.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as GraphResponse };
}

const SECRETS = [
  signicatDemoCredentials.clientSecret,
  onomondoDemoCredentials.apiKey,
  fourmeDemoCredentials.token,
  fourmeDemoCredentials.otherUserToken,
];

/** Nothing of the process's insides: no stack, no source paths, no credentials or tokens. */
function expectNothingLeaked(text: string): void {
  expect(text).not.toContain('"stack"');
  expect(text).not.toMatch(/\bat [^"]*:\d+:\d+/);
  expect(text).not.toMatch(/node_modules|file:\/\/|\/work\/|\/src\/|\.[cm]?[jt]s:\d+/);
  expect(text).not.toMatch(/Bearer|Basic |access_token|authorization/i);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

function expectSingleError(answer: RawAnswer, path: (string | number)[], code: string): Record<string, unknown> {
  expect(answer.body.errors).toHaveLength(1);
  const [error] = answer.body.errors ?? [];
  expect(error?.path).toEqual(path);
  expect(error?.extensions?.code).toBe(code);
  expectNothingLeaked(answer.text);
  return error?.extensions ?? {};
}

describe('invalid arguments', () => {
  const cases: { name: string; query: string; path: (string | number)[] }[] = [
    { name: '`first` and `last` together', query: '{ organizations(first: 1, last: 1) { nodes { name } } }', path: ['organizations'] },
    { name: 'a negative `first`', query: '{ accounts(first: -1) { nodes { name } } }', path: ['accounts'] },
    { name: 'a negative `last`', query: '{ sims(last: -3) { nodes { iccid } } }', path: ['sims'] },
    { name: '`first` above 100', query: '{ organizations(first: 101) { nodes { name } } }', path: ['organizations'] },
    { name: '`last` above 100', query: '{ usageStatements(last: 101) { nodes { year } } }', path: ['usageStatements'] },
    {
      name: '`from` after `to` on an organisation’s usage',
      query: `{ organization(id: "${organizationId}") { identityUsage(from: "2026-03-01", to: "2026-02-28") { nodes { count } } } }`,
      path: ['organization', 'identityUsage'],
    },
    {
      name: '`from` after `to` on an account’s usage',
      query: `{ account(id: "${accountId}") { identityUsage(from: "2026-01-02", to: "2026-01-01") { nodes { count } } } }`,
      path: ['account', 'identityUsage'],
    },
    { name: 'a malformed global id', query: '{ organization(id: "%%% not an id") { name } }', path: ['organization'] },
    {
      name: 'a global id that is not base64url of Type:id',
      query: `{ node(id: "${Buffer.from('no-separator').toString('base64url')}") { id } }`,
      path: ['node'],
    },
    {
      name: 'an account id where an organisation id belongs',
      query: `{ organization(id: "${accountId}") { name } }`,
      path: ['organization'],
    },
    { name: 'an organisation id where an account id belongs', query: `{ account(id: "${organizationId}") { name } }`, path: ['account'] },
    { name: 'an organisation id where a SIM id belongs', query: `{ sim(id: "${organizationId}") { iccid } }`, path: ['sim'] },
    { name: 'a global id of a type the graph does not have', query: `{ node(id: "${globalId('Invoice', '1')}") { id } }`, path: ['node'] },
    {
      name: 'a global id of a type that is no node',
      query: `{ nodes(ids: ["${organizationId}", "${globalId('PageInfo', '1')}"]) { id } }`,
      path: ['nodes'],
    },
    {
      name: 'a SIM usage period that is no period',
      query: '{ simUsage(filter: { period: "last week" }) { nodes { bytes } } }',
      path: ['simUsage'],
    },
    {
      name: 'a SIM usage period in month 13',
      query: '{ simUsage(filter: { period: "2026-13" }) { nodes { bytes } } }',
      path: ['simUsage'],
    },
    {
      name: 'a SIM usage period on a day the month lacks',
      query: '{ simUsage(filter: { period: "2026-02-30" }) { nodes { bytes } } }',
      path: ['simUsage'],
    },
    { name: 'usage statements of month 13', query: '{ usageStatements(month: 13) { nodes { year } } }', path: ['usageStatements'] },
    { name: 'the usage statement of month 13', query: '{ usageStatement(year: 2026, month: 13) { id } }', path: ['usageStatement'] },
  ];

  it.each(cases)('refuses $name with BAD_USER_INPUT on that field', async ({ query, path }) => {
    const answer = await post(query);

    expect(answer.status).toBe(200);
    expectSingleError(answer, path, 'BAD_USER_INPUT');
    // `nodes` is non-null, so its null reaches `data` itself.
    let value: unknown = answer.body.data;
    for (const key of path) value = (value as Record<string, unknown> | null)?.[key] ?? null;
    expect(value).toBeNull();
  });

  it('refuses the bad argument without calling the vendor', async () => {
    await post('{ organizations(first: 101) { nodes { name } } simUsage(filter: { period: "2026-02-30" }) { nodes { bytes } } }');

    expect(graph.upstreamCalls('signicat')).toEqual([]);
    expect(graph.upstreamCalls('onomondo')).toEqual([]);
  });

  it('refuses a date variable that is no calendar day with BAD_USER_INPUT naming the variable', async () => {
    const answer = await post(
      'query ($from: Date) { organizations(first: 1) { nodes { identityUsage(from: $from) { nodes { count } } } } }',
      {
        from: '2026-02-30',
      },
    );

    expect(answer.body.errors).toHaveLength(1);
    const [error] = answer.body.errors ?? [];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('$from');
    expectNothingLeaked(answer.text);
  });
});

describe('invalid cursors', () => {
  /** The `endCursor` of the connection at `path` in the answer to `query`. */
  const endCursorOf = async (query: string, path: string[]): Promise<string> => {
    let value: unknown = dataOf(await graph.query(query));
    for (const key of [...path, 'pageInfo', 'endCursor']) value = (value as Record<string, unknown> | null)?.[key];
    if (typeof value !== 'string') throw new Error(`no cursor from ${query}`);
    return value;
  };

  const cases: { name: string; cursor: () => Promise<string>; query: (cursor: string) => string; path: string[] }[] = [
    {
      name: 'a cursor that is not base64url JSON',
      cursor: async () => 'not a cursor',
      query: (cursor) => `{ organizations(after: "${cursor}") { nodes { name } } }`,
      path: ['organizations'],
    },
    {
      name: 'a cursor whose JSON is not a cursor',
      cursor: async () => Buffer.from('{"hello":"world"}').toString('base64url'),
      query: (cursor) => `{ usageStatements(before: "${cursor}", last: 2) { nodes { year } } }`,
      path: ['usageStatements'],
    },
    {
      name: 'a cursor of `accounts` given to `organizations`',
      cursor: () => endCursorOf('{ accounts(first: 2) { pageInfo { endCursor } } }', ['accounts']),
      query: (cursor) => `{ organizations(after: "${cursor}") { nodes { name } } }`,
      path: ['organizations'],
    },
    {
      name: 'a cursor of `organizations` given to `sims`',
      cursor: () => endCursorOf('{ organizations(first: 1) { pageInfo { endCursor } } }', ['organizations']),
      query: (cursor) => `{ sims(after: "${cursor}") { nodes { iccid } } }`,
      path: ['sims'],
    },
    {
      name: 'a cursor of `usageStatements` given to an organisation’s usage',
      cursor: () => endCursorOf('{ usageStatements(first: 1) { pageInfo { endCursor } } }', ['usageStatements']),
      query: (cursor) => `{ organization(id: "${organizationId}") { identityUsage(after: "${cursor}") { nodes { count } } } }`,
      path: ['organization', 'identityUsage'],
    },
    {
      name: 'a cursor of an organisation’s monthly usage given to its daily usage',
      cursor: () =>
        endCursorOf(`{ organization(id: "${organizationId}") { identityUsage(period: MONTHLY, first: 2) { pageInfo { endCursor } } } }`, [
          'organization',
          'identityUsage',
        ]),
      query: (cursor) =>
        `{ organization(id: "${organizationId}") { identityUsage(period: DAILY, after: "${cursor}") { nodes { count } } } }`,
      path: ['organization', 'identityUsage'],
    },
    {
      name: 'a cursor of one account’s usage given to another account’s',
      cursor: () =>
        endCursorOf(`{ account(id: "${accountId}") { identityUsage(first: 2) { pageInfo { endCursor } } } }`, ['account', 'identityUsage']),
      query: (cursor) => `{ account(id: "${otherAccountId}") { identityUsage(before: "${cursor}", last: 1) { nodes { count } } } }`,
      path: ['account', 'identityUsage'],
    },
    {
      name: 'a cursor of one organisation’s children given to another’s',
      cursor: () =>
        endCursorOf(`{ organization(id: "${organizationId}") { children(first: 1) { pageInfo { endCursor } } } }`, [
          'organization',
          'children',
        ]),
      query: (cursor) => `{ organization(id: "${otherOrganizationId}") { children(after: "${cursor}") { nodes { name } } } }`,
      path: ['organization', 'children'],
    },
    {
      name: 'a cursor of one year’s usage statements given to another year’s',
      cursor: () => endCursorOf('{ usageStatements(year: 2026, first: 1) { pageInfo { endCursor } } }', ['usageStatements']),
      query: (cursor) => `{ usageStatements(year: 2025, after: "${cursor}") { nodes { year } } }`,
      path: ['usageStatements'],
    },
  ];

  it.each(cases)('refuses $name with INVALID_CURSOR', async ({ cursor, query, path }) => {
    const answer = await post(query(await cursor()));

    expect(answer.status).toBe(200);
    expectSingleError(answer, path, 'INVALID_CURSOR');
  });
});

describe('upstream failures give partial data', () => {
  const ACROSS_SOURCES = `{
    organizations(first: 3) { nodes { externalId name country } }
    sims(first: 3) { nodes { externalId iccid label } }
    usageStatements(first: 3) { nodes { externalId year month plan } }
  }`;
  const FIELD: Record<SourceName, string> = { signicat: 'organizations', onomondo: 'sims', fourme: 'usageStatements' };
  let healthy: Record<string, unknown>;

  beforeAll(async () => {
    healthy = dataOf(await graph.query(ACROSS_SOURCES));
  });

  const faults: { fault: string; inject: Fault; code: string }[] = [
    { fault: 'HTTP 500', inject: { status: 500 }, code: 'UPSTREAM_UNAVAILABLE' },
    { fault: 'HTTP 503', inject: { status: 503 }, code: 'UPSTREAM_UNAVAILABLE' },
    { fault: 'HTTP 429 with a Retry-After beyond the cap', inject: { status: 429, retryAfter: 120 }, code: 'UPSTREAM_RATE_LIMITED' },
    { fault: 'an answer later than the deadline', inject: { delayMs: 3000 }, code: 'UPSTREAM_TIMEOUT' },
    { fault: 'a body that is not JSON', inject: { body: 'malformed' }, code: 'UPSTREAM_BAD_RESPONSE' },
    { fault: 'HTTP 401', inject: { status: 401 }, code: 'UPSTREAM_UNAUTHORIZED' },
  ];
  const sources: SourceName[] = ['signicat', 'onomondo', 'fourme'];
  const cases = [
    ...sources.flatMap((source) => faults.map((fault) => ({ source, ...fault }))),
    // Onomondo's first scalar is the envelope's `has_more`: without it the page cannot be read at all.
    {
      source: 'onomondo' as const,
      fault: 'an envelope that fails its schema',
      inject: { body: 'schema' as const },
      code: 'UPSTREAM_BAD_RESPONSE',
    },
  ];

  it.each(cases)(
    '$source answering with $fault: HTTP 200, its field null with $code, the other sources intact',
    async ({ source, inject, code }) => {
      graph.simulators[source].injectFault(inject);

      const answer = await post(ACROSS_SOURCES);

      expect(answer.status).toBe(200);
      const extensions = expectSingleError(answer, [FIELD[source]], code);
      expect(extensions.source).toBe(source);
      expect(answer.body.data).toEqual({ ...healthy, [FIELD[source]]: null });
    },
  );

  it.each([
    { source: 'signicat' as const, path: '^/account-management/organizations$', recordPath: 'data[0]', fieldPath: 'id' },
    { source: 'fourme' as const, path: '^/v1/account/usage_statements$', recordPath: 'usage_statements[0]', fieldPath: 'id' },
  ])(
    '$source sending one malformed record in a list: the good records, and one UPSTREAM_BAD_RESPONSE naming the record and its field',
    async ({ source, path, recordPath, fieldPath }) => {
      graph.simulators[source].injectFault({ path, body: 'schema' });

      const answer = await post(ACROSS_SOURCES);

      expect(answer.status).toBe(200);
      const extensions = expectSingleError(answer, [FIELD[source]], 'UPSTREAM_BAD_RESPONSE');
      expect(extensions).toMatchObject({ source, recordPath, fieldPath });
      const good = (healthy[FIELD[source]] as { nodes: unknown[] }).nodes.slice(1);
      expect(answer.body.data).toEqual({ ...healthy, [FIELD[source]]: { nodes: good } });
    },
  );

  it('tells how long the vendor asked to wait when it rate-limits', async () => {
    graph.simulators.onomondo.injectFault({ status: 429, retryAfter: 120 });

    const answer = await post(ACROSS_SOURCES);

    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', source: 'onomondo', retryAfterMs: 120_000 });
  });
});

describe('endpoints beside /graphql', () => {
  const origin = () => new URL(graph.gateway.url).origin;

  it('answers /health with 200', async () => {
    const response = await fetch(`${origin()}/health`);

    expect(response.status).toBe(200);
  });

  it('serves GraphiQL to a browser from its own assets, with no CDN', async () => {
    const response = await fetch(graph.gateway.url, { headers: { accept: 'text/html' } });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/graphiql/i);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs|esm\.sh|googleapis/i);
    expect(html).not.toMatch(/<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/\bimport\s*\(?\s*["'](https?:)?\/\//);
  });
});

// An unexpected error (INTERNAL_SERVER_ERROR with a request id) has no honest trigger over HTTP: every failure the
// simulators can be told to produce is typed, and client mistakes are refused as BAD_USER_INPUT or INVALID_CURSOR.

describe('records the vendor sent malformed, asked for by id', () => {
  it('a person whose record fails validation is a null node with its own error; the statement and the others stand', async () => {
    const fourme = seedFourme(TEST_TODAY);
    const statement = fourme.statements[0]!;
    graph.simulators.fourme.injectFault({ path: '^/v1/people$', body: 'schema' });

    const answer = await post(`query ($id: ID!) { usageStatement(id: $id) { year billableUsers(first: 3) { nodes { externalId } } } }`, {
      id: globalId('UsageStatement', String(statement.id)),
    });

    const nodes = (answer.body.data as { usageStatement: { year: number; billableUsers: { nodes: unknown[] } } }).usageStatement;
    expect(nodes.year).toBe(statement.year);
    expect(nodes.billableUsers.nodes.filter((node) => node !== null).length).toBeGreaterThan(0);
    expect(nodes.billableUsers.nodes.filter((node) => node === null).length).toBeGreaterThan(0);
    for (const error of answer.body.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', source: 'fourme', recordPath: 'people[0]', fieldPath: 'id' });
      expect(error.path?.slice(0, 3)).toEqual(['usageStatement', 'billableUsers', 'nodes']);
    }
    expectNothingLeaked(answer.text);
  });
});

describe('documents that cannot run', () => {
  it.each([
    { name: 'an unknown field', query: '{ nope }', code: 'GRAPHQL_VALIDATION_FAILED' },
    { name: 'a syntax error', query: '{ organizations(first: 1 { nodes { name } } }', code: 'GRAPHQL_PARSE_FAILED' },
  ])('answers $name with $code and no data', async ({ query, code }) => {
    const answer = await post(query);

    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    expectNothingLeaked(answer.text);
  });
});
