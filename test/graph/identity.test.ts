import { describe, expect, it } from 'vitest';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import { TEST_TODAY, useTestGateway } from '../support/gateway.js';
import {
  ACCOUNT_FIELDS,
  ORGANIZATION_FIELDS,
  PAGE_ARGS,
  PAGE_INFO,
  PAGE_VARIABLES,
  USAGE_RECORD_FIELDS,
  accountAsGraph,
  dataOf,
  expectBackwardEnds,
  expectForwardEnds,
  expectedAccountUsageRecords,
  expectedOrganizationUsage,
  globalId,
  organizationAsGraph,
  walkBackward,
  walkForward,
  withoutId,
  type Connection,
  type GraphAccount,
  type GraphOrganization,
  type GraphUsageRecord,
  type PageReader,
  type UsageSelection,
} from '../support/graph-identity.js';

const seed = seedSignicat(TEST_TODAY);
const topLevel = seed.childOrganizations.get(null) ?? [];
// An organisation with children and several accounts, so every list under it has more than one page.
const parent = topLevel.find(
  (organization) =>
    (seed.childOrganizations.get(organization.id)?.length ?? 0) >= 3 && (seed.organizationAccounts.get(organization.id)?.length ?? 0) >= 3,
);
const child = seed.organizations.find((organization) => organization.parentId !== null);
const busyAccount = seed.accounts.find((account) => !account.isSandbox && (seed.accountUsage.get(account.id)?.length ?? 0) >= 4);
if (!parent || !child || !busyAccount || topLevel.length < 3 || seed.accounts.length < 15) {
  throw new Error('the seed lacks the organisations and accounts these tests need');
}
const parentAccounts = seed.organizationAccounts.get(parent.id) ?? [];
const parentChildren = seed.childOrganizations.get(parent.id) ?? [];

const organizationId = (id: string) => globalId('Organization', id);
const accountId = (id: string) => globalId('Account', id);

const graph = useTestGateway();

const usageCalls = () => graph.upstreamCalls('signicat').filter((call) => call.path.startsWith('/usage'));

/** A page reader for a connection at `path` in the answer to `operation` (declared with the paging variables). */
function reader<N>(operation: string, variables: Record<string, unknown>, path: string[]): PageReader<N> {
  return async (args) => {
    let value: unknown = dataOf(await graph.query(operation, { ...variables, ...args }));
    for (const key of path) value = (value as Record<string, unknown> | null)?.[key];
    if (!value) throw new Error(`no connection at ${path.join('.')}`);
    return value as Connection<N>;
  };
}

/** Walks the connection both ways and expects the seed's list each time, with the end flags right. */
async function expectWalksEqual<N>(read: PageReader<N>, size: number, expected: unknown[], project: (node: N) => unknown = (node) => node) {
  const forward = await walkForward(read, size);
  expect(forward.nodes.map(project)).toEqual(expected);
  expect(forward.pages.length).toBe(Math.max(1, Math.ceil(expected.length / size)));
  expectForwardEnds(forward.pages);

  const backward = await walkBackward(read, size);
  expect(backward.nodes.map(project)).toEqual(expected);
  expect(backward.pages.length).toBe(Math.max(1, Math.ceil(expected.length / size)));
  expectBackwardEnds(backward.pages);
}

type OrganizationWithLists = GraphOrganization & {
  children: { nodes: { externalId: string }[] };
  accounts: { nodes: { externalId: string }[] };
  identityUsage: { nodes: { count: number }[] };
};

describe('identity graph: fields', () => {
  it('answers every Organization field as the seed holds it, parent and lists included', async () => {
    const data = dataOf(
      await graph.query<{ organization: OrganizationWithLists }>(
        `query ($id: ID!) { organization(id: $id) {
          ${ORGANIZATION_FIELDS}
          children(first: 100) { nodes { externalId } }
          accounts(first: 100) { nodes { externalId } }
          identityUsage(period: YEARLY, first: 100) { nodes { count } }
        } }`,
        { id: organizationId(child.id) },
      ),
    );
    const { children, accounts, identityUsage, ...fields } = data.organization;

    expect(fields).toEqual({ id: organizationId(child.id), ...organizationAsGraph(child) });
    expect(fields.parent).not.toBeNull();
    expect(children.nodes).toEqual([]);
    expect(accounts.nodes.map((node) => node.externalId)).toEqual(
      (seed.organizationAccounts.get(child.id) ?? []).map((account) => account.id),
    );
    expect(identityUsage.nodes.length).toBe(expectedOrganizationUsage(seed, child.id, { period: 'yearly' }).length);
  });

  it('answers every Account field as the seed holds it, its organisation included', async () => {
    const data = dataOf(
      await graph.query<{ account: GraphAccount }>(`query ($id: ID!) { account(id: $id) { ${ACCOUNT_FIELDS} } }`, {
        id: accountId(busyAccount.id),
      }),
    );

    expect(data.account).toEqual({ id: accountId(busyAccount.id), ...accountAsGraph(busyAccount) });
  });

  it('answers every IdentityUsageRecord field, the account and organisation resolved to their nodes', async () => {
    const data = dataOf(
      await graph.query<{
        account: { identityUsage: { nodes: (GraphUsageRecord & { account: { name: string }; organization: { name: string } })[] } };
      }>(
        `query ($id: ID!) { account(id: $id) { identityUsage(period: MONTHLY, includeExternalReference: true, first: 3) {
          nodes { ${USAGE_RECORD_FIELDS} account { name } organization { name } }
        } } }`,
        { id: accountId(busyAccount.id) },
      ),
    );
    const expected = expectedAccountUsageRecords(seed, busyAccount.id, { period: 'monthly', includeExternalReference: true }).slice(0, 3);

    expect(data.account.identityUsage.nodes).toEqual(
      expected.map((record) => ({
        ...record,
        account: { externalId: busyAccount.id, name: busyAccount.name },
        organization: {
          externalId: busyAccount.organization?.id,
          name: seed.organizationById.get(busyAccount.organization?.id ?? '')?.name,
        },
      })),
    );
  });
});

describe('identity graph: organisation and account lists walk to both ends', () => {
  it('walks `organizations` forwards and backwards, equal to the seeded top-level organisations', async () => {
    const read = reader<GraphOrganization>(
      `query (${PAGE_VARIABLES}) { organizations(${PAGE_ARGS}) { edges { cursor node { ${ORGANIZATION_FIELDS} } } ${PAGE_INFO} } }`,
      {},
      ['organizations'],
    );
    await expectWalksEqual(read, 2, topLevel.map(organizationAsGraph), withoutId);
  });

  it('walks `Organization.children` forwards and backwards, equal to the seeded children', async () => {
    const read = reader<GraphOrganization>(
      `query ($id: ID!, ${PAGE_VARIABLES}) { organization(id: $id) {
        children(${PAGE_ARGS}) { edges { cursor node { ${ORGANIZATION_FIELDS} } } ${PAGE_INFO} }
      } }`,
      { id: organizationId(parent.id) },
      ['organization', 'children'],
    );
    await expectWalksEqual(read, 2, parentChildren.map(organizationAsGraph), withoutId);
  });

  it('walks `Organization.accounts` forwards and backwards, equal to the organisation’s seeded accounts', async () => {
    const read = reader<GraphAccount>(
      `query ($id: ID!, ${PAGE_VARIABLES}) { organization(id: $id) {
        accounts(${PAGE_ARGS}) { edges { cursor node { ${ACCOUNT_FIELDS} } } ${PAGE_INFO} }
      } }`,
      { id: organizationId(parent.id) },
      ['organization', 'accounts'],
    );
    await expectWalksEqual(read, 2, parentAccounts.map(accountAsGraph), withoutId);
  });

  it('walks `accounts` forwards and backwards, equal to every seeded account', async () => {
    const read = reader<GraphAccount>(
      `query (${PAGE_VARIABLES}) { accounts(${PAGE_ARGS}) { edges { cursor node { ${ACCOUNT_FIELDS} } } ${PAGE_INFO} } }`,
      {},
      ['accounts'],
    );
    await expectWalksEqual(read, 7, seed.accounts.map(accountAsGraph), withoutId);
  });

  it('answers `last` without `before` with the end of the list and no next page', async () => {
    const data = dataOf(
      await graph.query<{ accounts: Connection<{ externalId: string }> }>(
        `{ accounts(last: 4) { edges { cursor node { externalId } } ${PAGE_INFO} } }`,
      ),
    );

    expect(data.accounts.edges.map((edge) => edge.node.externalId)).toEqual(seed.accounts.slice(-4).map((account) => account.id));
    expect(data.accounts.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe('identity graph: identityUsage', () => {
  const organizationUsage = (id: string, args: string) =>
    reader<GraphUsageRecord>(
      `query ($id: ID!, ${PAGE_VARIABLES}) { organization(id: $id) {
        identityUsage(${[args, PAGE_ARGS].filter(Boolean).join(', ')}) { edges { cursor node { ${USAGE_RECORD_FIELDS} } } ${PAGE_INFO} }
      } }`,
      { id: organizationId(id) },
      ['organization', 'identityUsage'],
    );
  const accountUsage = (id: string, args: string) =>
    reader<GraphUsageRecord>(
      `query ($id: ID!, ${PAGE_VARIABLES}) { account(id: $id) {
        identityUsage(${[args, PAGE_ARGS].filter(Boolean).join(', ')}) { edges { cursor node { ${USAGE_RECORD_FIELDS} } } ${PAGE_INFO} }
      } }`,
      { id: accountId(id) },
      ['account', 'identityUsage'],
    );

  it('walks an organisation’s monthly usage per account forwards and backwards, equal to the seed', async () => {
    const expected = expectedOrganizationUsage(seed, parent.id, { period: 'monthly' });
    expect(expected.length).toBeGreaterThan(60);

    await expectWalksEqual(organizationUsage(parent.id, 'period: MONTHLY'), 30, expected);
  });

  const organizationCases: { name: string; args: string; selection: UsageSelection }[] = [
    {
      name: 'summed per organisation (level ORGANIZATION)',
      args: 'period: MONTHLY, level: ORGANIZATION',
      selection: { period: 'monthly', level: 'organization' },
    },
    {
      name: 'per account across its child organisations (includeChildOrganizations)',
      args: 'period: QUARTERLY, level: ACCOUNT, includeChildOrganizations: true',
      selection: { period: 'quarterly', includeChildOrganizations: true },
    },
    {
      name: 'summed per organisation across its child organisations',
      args: 'period: YEARLY, level: ORGANIZATION, includeChildOrganizations: true',
      selection: { period: 'yearly', level: 'organization', includeChildOrganizations: true },
    },
    {
      name: 'per day within from/to, with external references',
      args: 'period: DAILY, from: "2026-10-27", to: "2026-11-03", includeExternalReference: true',
      selection: { period: 'daily', fromDate: '2026-10-27', toDate: '2026-11-03', includeExternalReference: true },
    },
  ];
  it.each(organizationCases)('lists an organisation’s usage $name both ways, equal to the seed', async ({ args, selection }) => {
    const expected = expectedOrganizationUsage(seed, parent.id, selection);
    expect(expected.length).toBeGreaterThan(10);

    await expectWalksEqual(organizationUsage(parent.id, args), 40, expected);
  });

  it('fills in externalReference only when asked for', async () => {
    const read = organizationUsage(parent.id, 'period: DAILY, from: "2026-11-01", to: "2026-11-01"');
    const { nodes } = await walkForward(read, 100);

    expect(nodes).toEqual(expectedOrganizationUsage(seed, parent.id, { period: 'daily', fromDate: '2026-11-01', toDate: '2026-11-01' }));
    expect(nodes.every((record) => record.externalReference === null)).toBe(true);
    expect(
      expectedOrganizationUsage(seed, parent.id, { fromDate: '2026-11-01', toDate: '2026-11-01', includeExternalReference: true }).some(
        (record) => record.externalReference !== null,
      ),
    ).toBe(true);
  });

  it('walks an account’s quarterly usage forwards and backwards, equal to the seed', async () => {
    const expected = expectedAccountUsageRecords(seed, busyAccount.id, { period: 'quarterly' });

    await expectWalksEqual(accountUsage(busyAccount.id, 'period: QUARTERLY'), 7, expected);
  });

  it('walks an account’s daily usage within from/to with external references both ways, equal to the seed', async () => {
    const selection: UsageSelection = { period: 'daily', fromDate: '2026-09-28', toDate: '2026-10-09', includeExternalReference: true };
    const expected = expectedAccountUsageRecords(seed, busyAccount.id, selection);

    await expectWalksEqual(
      accountUsage(busyAccount.id, 'period: DAILY, from: "2026-09-28", to: "2026-10-09", includeExternalReference: true'),
      9,
      expected,
    );
  });

  it('answers `last` without `before` on an organisation’s whole daily usage with its final records', async () => {
    const expected = expectedOrganizationUsage(seed, parent.id);
    expect(expected.length).toBeGreaterThan(1000);

    const page = await organizationUsage(parent.id, '')({ last: 10 });

    expect(page.edges.map((edge) => edge.node)).toEqual(expected.slice(-10));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('answers `last` without `before` on an account’s usage with its final records', async () => {
    const expected = expectedAccountUsageRecords(seed, busyAccount.id, { period: 'monthly' });

    const page = await accountUsage(busyAccount.id, 'period: MONTHLY')({ last: 5 });

    expect(page.edges.map((edge) => edge.node)).toEqual(expected.slice(-5));
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe('identity graph: batching', () => {
  type AccountsUsage = {
    organization: { accounts: { nodes: { externalId: string; identityUsage: Connection<GraphUsageRecord> }[] } };
  };
  const batchCases = [
    { name: 'monthly, whole range', args: 'period: MONTHLY', selection: { period: 'monthly' } satisfies UsageSelection },
    {
      name: 'daily within from/to',
      args: 'period: DAILY, from: "2026-10-01", to: "2026-10-20"',
      selection: { period: 'daily', fromDate: '2026-10-01', toDate: '2026-10-20' } satisfies UsageSelection,
    },
  ];

  it.each(batchCases)(
    'reads the usage of all of an organisation’s accounts ($name) with one organisation-level usage call, equal to per-account answers',
    async ({ args, selection }) => {
      // One organisation-level page holds every account's rows only while they fit the vendor's page limit.
      expect(expectedOrganizationUsage(seed, parent.id, selection).length).toBeLessThanOrEqual(1000);
      const usageField = `identityUsage(${args}, first: 10) { edges { cursor node { ${USAGE_RECORD_FIELDS} } } ${PAGE_INFO} }`;

      const batched = dataOf(
        await graph.query<AccountsUsage>(
          `query ($id: ID!) { organization(id: $id) { accounts(first: 100) { nodes { externalId ${usageField} } } } }`,
          { id: organizationId(parent.id) },
        ),
      ).organization.accounts.nodes;

      expect(batched.map((node) => node.externalId)).toEqual(parentAccounts.map((account) => account.id));
      const calls = usageCalls();
      expect(calls).toHaveLength(1);
      expect(calls[0]?.query).toMatchObject({ aggregateByLevel: ['account'], offset: ['0'], limit: ['1000'] });

      graph.resetUpstreams();
      for (const { externalId, identityUsage } of batched) {
        const alone = dataOf(
          await graph.query<{ account: { identityUsage: Connection<GraphUsageRecord> } }>(
            `query ($id: ID!) { account(id: $id) { ${usageField} } }`,
            {
              id: accountId(externalId),
            },
          ),
        );
        expect(identityUsage).toEqual(alone.account.identityUsage);
        expect(identityUsage.edges.map((edge) => edge.node)).toEqual(expectedAccountUsageRecords(seed, externalId, selection).slice(0, 10));
      }
      expect(usageCalls()).toHaveLength(parentAccounts.length);
    },
  );

  it('reads the usage of every account in an organisation tree with one tree-level usage call per tree, equal to per-account answers', async () => {
    const usageField = `identityUsage(period: MONTHLY, from: "2026-08-01", first: 10) { edges { cursor node { ${USAGE_RECORD_FIELDS} } } ${PAGE_INFO} }`;
    const accountsField = `accounts(first: 5) { nodes { externalId ${usageField} } }`;
    const tree = dataOf(
      await graph.query<{
        organizations: {
          nodes: {
            externalId: string;
            accounts: AccountsUsage['organization']['accounts'];
            children: { nodes: { accounts: AccountsUsage['organization']['accounts'] }[] };
          }[];
        };
      }>(`{ organizations(first: 5) { nodes { externalId ${accountsField} children(first: 5) { nodes { ${accountsField} } } } } }`),
    ).organizations.nodes;

    const calls = usageCalls();
    expect(calls.map((call) => call.query['includeChildOrganizations']?.[0])).toEqual(tree.map(() => 'true'));
    expect(calls.every((call) => call.query['aggregateByLevel']?.[0] === 'account')).toBe(true);
    expect(calls).toHaveLength(tree.length);

    graph.resetUpstreams();
    const accounts = tree.flatMap((organization) => [organization.accounts, ...organization.children.nodes.map((child) => child.accounts)]);
    for (const { externalId, identityUsage } of accounts.flatMap((list) => list.nodes)) {
      const alone = dataOf(
        await graph.query<{ account: { identityUsage: Connection<GraphUsageRecord> } }>(
          `query ($id: ID!) { account(id: $id) { ${usageField} } }`,
          {
            id: accountId(externalId),
          },
        ),
      );
      expect(identityUsage).toEqual(alone.account.identityUsage);
    }
  });

  it('looks an organisation asked for twice in one operation up once', async () => {
    const data = dataOf(
      await graph.query<{ a: { name: string }; b: { country: string } }>(
        'query ($id: ID!) { a: organization(id: $id) { name } b: organization(id: $id) { country } }',
        { id: organizationId(parent.id) },
      ),
    );

    expect(data).toEqual({ a: { name: parent.name }, b: { country: parent.country } });
    expect(graph.upstreamCalls('signicat').filter((call) => call.path === `/account-management/organizations/${parent.id}`)).toHaveLength(
      1,
    );
  });

  it('reads the same organisation usage asked for twice in one operation with one usage call', async () => {
    const data = dataOf(
      await graph.query<{ a: { identityUsage: { nodes: GraphUsageRecord[] } }; b: { identityUsage: { nodes: GraphUsageRecord[] } } }>(
        `query ($id: ID!) {
          a: organization(id: $id) { identityUsage(period: MONTHLY, first: 5) { nodes { ${USAGE_RECORD_FIELDS} } } }
          b: organization(id: $id) { identityUsage(period: MONTHLY, first: 5) { nodes { ${USAGE_RECORD_FIELDS} } } }
        }`,
        { id: organizationId(parent.id) },
      ),
    );

    expect(data.a.identityUsage.nodes).toEqual(expectedOrganizationUsage(seed, parent.id, { period: 'monthly' }).slice(0, 5));
    expect(data.b).toEqual(data.a);
    expect(usageCalls()).toHaveLength(1);
  });
});

describe('identity graph: global ids', () => {
  const nodeFields = `__typename id ... on Organization { ${ORGANIZATION_FIELDS} } ... on Account { ${ACCOUNT_FIELDS} }`;

  it('round-trips an Organization and an Account id through `node`', async () => {
    const ids = dataOf(
      await graph.query<{ organization: { id: string }; account: { id: string } }>(
        'query ($o: ID!, $a: ID!) { organization(id: $o) { id } account(id: $a) { id } }',
        { o: organizationId(parent.id), a: accountId(busyAccount.id) },
      ),
    );

    const data = dataOf(
      await graph.query<{ o: unknown; a: unknown }>(
        `query ($o: ID!, $a: ID!) { o: node(id: $o) { ${nodeFields} } a: node(id: $a) { ${nodeFields} } }`,
        {
          o: ids.organization.id,
          a: ids.account.id,
        },
      ),
    );

    expect(data.o).toEqual({ __typename: 'Organization', id: ids.organization.id, ...organizationAsGraph(parent) });
    expect(data.a).toEqual({ __typename: 'Account', id: ids.account.id, ...accountAsGraph(busyAccount) });
  });

  it('answers `nodes` in the order asked, with null for each unknown id', async () => {
    const ids = [
      organizationId(child.id),
      accountId('a-ppge-00000000000000000000'),
      accountId(busyAccount.id),
      organizationId('o-p-00000000000000000000'),
    ];

    const data = dataOf(await graph.query<{ nodes: unknown[] }>(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${nodeFields} } }`, { ids }));

    expect(data.nodes).toEqual([
      { __typename: 'Organization', id: ids[0], ...organizationAsGraph(child) },
      null,
      { __typename: 'Account', id: ids[2], ...accountAsGraph(busyAccount) },
      null,
    ]);
  });

  it('answers null, without errors, for an organisation or account id the vendor does not know', async () => {
    const response = await graph.query(
      'query ($o: ID!, $a: ID!) { organization(id: $o) { name } account(id: $a) { name } node(id: $o) { id } }',
      { o: organizationId('o-p-00000000000000000000'), a: accountId('a-ppge-00000000000000000000') },
    );

    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ organization: null, account: null, node: null });
  });
});
