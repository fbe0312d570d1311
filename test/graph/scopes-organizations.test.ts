import { describe, expect, it } from 'vitest';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import { answerOf, TEST_TODAY, useTestGateway } from '../support/gateway.js';
import { expectedOrganizationUsage, globalId } from '../support/graph-identity.js';
import { accountsSeenBy, callerWith, JWT_AUTH, organizationsSeenBy, topOrganizationsSeenBy } from '../support/scopes.js';

const seed = seedSignicat(TEST_TODAY);
const tops = seed.childOrganizations.get(null) ?? [];
const childrenOf = (id: string) => seed.childOrganizations.get(id) ?? [];
// A top-level organisation with several children; a child of another top-level organisation; a sibling of that child.
const TOP = tops.toSorted((a, b) => childrenOf(b.id).length - childrenOf(a.id).length)[0]!;
const CHILD = seed.organizations.find((organization) => organization.parentId !== null && organization.parentId !== TOP.id)!;
const CHILD_PARENT = seed.organizationById.get(CHILD.parentId!)!;
const SIBLING = childrenOf(CHILD_PARENT.id).find((organization) => organization.id !== CHILD.id)!;
const UNKNOWN_ORGANIZATION = 'o-p-xxxxxxxxxxxxxxxxxxxx';
const UNKNOWN_ACCOUNT = 'a-ppge-xxxxxxxxxxxxxxxxxxxx';
const accountOf = (organizationId: string) => seed.organizationAccounts.get(organizationId)![0]!;

const gw = useTestGateway(JWT_AUTH);
const topCaller = callerWith(gw, `usage:read signicat:org:${TOP.id}`);
const childCaller = callerWith(gw, `usage:read signicat:org:${CHILD.id}`);
const allCaller = callerWith(gw, 'usage:read usage:all', 'operator');

/** The organisation each Account Management call names (`/organizations/{id}`, `/organizations/{id}/organizations`). */
const organizationsCalled = () =>
  gw
    .upstreamCalls('signicat')
    .map((call) => /^\/account-management\/organizations\/([^/]+)/.exec(call.path)?.[1])
    .filter((id) => id !== undefined);

interface OrganizationNode {
  externalId: string;
  parent: { externalId: string } | null;
  children: { nodes: { externalId: string; parent: { externalId: string } | null }[] };
  accounts: { nodes: { externalId: string }[] };
}
interface Lists {
  organizations: { nodes: OrganizationNode[] };
  accounts: { nodes: { externalId: string; organization: { externalId: string } | null }[] };
}

const LISTS = `{
  organizations(first: 20) {
    nodes {
      externalId parent { externalId }
      children(first: 20) { nodes { externalId parent { externalId } } }
      accounts(first: 20) { nodes { externalId } }
    }
  }
  accounts(first: 100) { nodes { externalId organization { externalId } } }
}`;

/** What {@link LISTS} answers a caller scoped to `scoped`, from the seed's tree alone. */
function expectedLists(scoped: string[]): Lists {
  const seen = new Set(organizationsSeenBy(seed, scoped).map((organization) => organization.id));
  const parentSeen = (id: string | null) => (id !== null && seen.has(id) ? { externalId: id } : null);
  return {
    organizations: {
      nodes: topOrganizationsSeenBy(seed, scoped).map((organization) => ({
        externalId: organization.id,
        parent: parentSeen(organization.parentId),
        children: {
          nodes: childrenOf(organization.id).map((child) => ({ externalId: child.id, parent: { externalId: organization.id } })),
        },
        accounts: { nodes: (seed.organizationAccounts.get(organization.id) ?? []).map((account) => ({ externalId: account.id })) },
      })),
    },
    accounts: {
      nodes: accountsSeenBy(seed, scoped).map((account) => ({
        externalId: account.id,
        organization: account.organization && { externalId: account.organization.id },
      })),
    },
  };
}

describe('signicat:org:<top-level organisation>', () => {
  it('lists the organisation with its children and their accounts, and every account of its tree', async () => {
    const expected = expectedLists([TOP.id]);
    expect(expected.organizations.nodes[0]?.children.nodes.length).toBeGreaterThan(1);
    expect(await topCaller.data<Lists>(LISTS)).toEqual(expected);
  });

  it('usage of the tree, its children included, names only organisations and accounts of the tree', async () => {
    const expected = expectedOrganizationUsage(seed, TOP.id, { period: 'yearly', includeChildOrganizations: true });
    const tree = new Set(organizationsSeenBy(seed, [TOP.id]).map((organization) => organization.id));
    const data = await topCaller.data<{
      organization: {
        identityUsage: {
          nodes: { organization: { externalId: string }; account: { externalId: string; organization: { externalId: string } } }[];
        };
      };
    }>(
      `query ($id: ID!) { organization(id: $id) { identityUsage(period: YEARLY, includeChildOrganizations: true, first: 100) {
        nodes { organization { externalId } account { externalId organization { externalId } } }
      } } }`,
      { id: globalId('Organization', TOP.id) },
    );
    const records = data.organization.identityUsage.nodes;
    expect(records).toEqual(
      expected.slice(0, 100).map((record) => ({
        organization: record.organization,
        account: { externalId: record.accountExternalId, organization: record.organization },
      })),
    );
    expect(new Set(records.map((record) => record.organization.externalId)).size).toBeGreaterThan(1);
    for (const record of records) expect(tree.has(record.organization.externalId)).toBe(true);
  });
});

describe('signicat:org:<child organisation>', () => {
  it('lists the organisation as its top, its parent null, and only its own accounts', async () => {
    const expected = expectedLists([CHILD.id]);
    expect(expected.organizations.nodes).toEqual([expect.objectContaining({ externalId: CHILD.id, parent: null })]);
    expect(await childCaller.data<Lists>(LISTS)).toEqual(expected);
  });

  it('an account’s organisation and a usage record’s organisation and account are the scoped ones', async () => {
    const account = accountOf(CHILD.id);
    const data = await childCaller.data<{
      account: { organization: { externalId: string; parent: null } };
      organization: { identityUsage: { nodes: { organization: { externalId: string }; account: { externalId: string } }[] } };
    }>(
      `query ($account: ID!, $organization: ID!) {
        account(id: $account) { organization { externalId parent { externalId } } }
        organization(id: $organization) { identityUsage(period: YEARLY, first: 20) { nodes { organization { externalId } account { externalId } } } }
      }`,
      { account: globalId('Account', account.id), organization: globalId('Organization', CHILD.id) },
    );
    expect(data.account.organization).toEqual({ externalId: CHILD.id, parent: null });
    const expected = expectedOrganizationUsage(seed, CHILD.id, { period: 'yearly' }).slice(0, 20);
    expect(data.organization.identityUsage.nodes).toEqual(
      expected.map((record) => ({ organization: record.organization, account: record.account })),
    );
  });

  // Each lookup runs with the outside record's id, then with an id no record has: the answers must be the same.
  const LOOKUPS = [
    {
      name: 'node(id:) of the parent',
      query: 'query ($id: ID!) { node(id: $id) { id } }',
      outside: globalId('Organization', CHILD_PARENT.id),
      unknown: globalId('Organization', UNKNOWN_ORGANIZATION),
    },
    {
      name: 'organization(id:) of a sibling',
      query:
        'query ($id: ID!) { organization(id: $id) { name children { nodes { id } } accounts { nodes { id } } identityUsage(first: 1) { nodes { count } } } }',
      outside: globalId('Organization', SIBLING.id),
      unknown: globalId('Organization', UNKNOWN_ORGANIZATION),
    },
    {
      name: 'organization(id:) of another tree',
      query: 'query ($id: ID!) { organization(id: $id) { name parent { id } } }',
      outside: globalId('Organization', TOP.id),
      unknown: globalId('Organization', UNKNOWN_ORGANIZATION),
    },
    {
      name: 'nodes(ids:) of the parent',
      query: 'query ($id: ID!) { nodes(ids: [$id]) { id } }',
      outside: globalId('Organization', CHILD_PARENT.id),
      unknown: globalId('Organization', UNKNOWN_ORGANIZATION),
    },
    {
      name: 'account(id:) of the parent',
      query: 'query ($id: ID!) { account(id: $id) { name identityUsage(first: 1) { nodes { count } } } }',
      outside: globalId('Account', accountOf(CHILD_PARENT.id).id),
      unknown: globalId('Account', UNKNOWN_ACCOUNT),
    },
    {
      name: 'node(id:) of a sibling’s account',
      query: 'query ($id: ID!) { node(id: $id) { id ... on Account { organization { id } } } }',
      outside: globalId('Account', accountOf(SIBLING.id).id),
      unknown: globalId('Account', UNKNOWN_ACCOUNT),
    },
  ];

  // Data and errors only: deciding costs a call per ancestor walked (`extensions.cost`), which Signicat's random
  // 20-character ids keep from telling anything to a caller who cannot guess them.
  it.each(LOOKUPS)('$name answers exactly as a record that does not exist', async ({ query, outside, unknown }) => {
    const hidden = answerOf(await childCaller.query(query, { id: outside }));
    expect(hidden).toEqual(answerOf(await childCaller.query(query, { id: unknown })));
    expect(hidden.errors).toBeUndefined();
    expect(answerOf(await allCaller.query(query, { id: outside }))).not.toEqual(hidden);
  });
});

describe('several signicat:org scopes', () => {
  it('an organisation below another scoped one is listed under it, not beside it, with its parent', async () => {
    const scoped = [TOP.id, childrenOf(TOP.id)[0]!.id, CHILD.id];
    const caller = callerWith(gw, `usage:read ${scoped.map((id) => `signicat:org:${id}`).join(' ')}`);
    const expected = expectedLists(scoped);
    expect(expected.organizations.nodes.map((organization) => organization.externalId).sort()).toEqual([TOP.id, CHILD.id].sort());
    expect(await caller.data<Lists>(LISTS)).toEqual(expected);
  });

  it.each([
    { name: 'the vendor does not know', id: UNKNOWN_ORGANIZATION, asked: true },
    { name: 'not of the vendor’s form (never asked for)', id: 'o-p-../accounts', asked: false },
  ])('an organisation id $name adds nothing and fails nothing', async ({ id, asked }) => {
    const caller = callerWith(gw, `usage:read signicat:org:${id} signicat:org:${CHILD.id}`);
    expect(await caller.data<Lists>(LISTS)).toEqual(expectedLists([CHILD.id]));
    expect(organizationsCalled().some((called) => decodeURIComponent(called).startsWith(id))).toBe(asked);
  });
});

describe('cursors of one view do not page another', () => {
  it.each([
    { list: 'organizations', query: 'query ($after: String) { organizations(first: 1, after: $after) { pageInfo { endCursor } } }' },
    { list: 'accounts', query: 'query ($after: String) { accounts(first: 1, after: $after) { pageInfo { endCursor } } }' },
  ])('a $list cursor of a usage:all caller is INVALID_CURSOR for an organisation-scoped caller', async ({ list, query }) => {
    const all = await allCaller.data<Record<string, { pageInfo: { endCursor: string } }>>(query);
    const answer = await topCaller.query(query, { after: all[list]!.pageInfo.endCursor });
    expect(answer.data).toEqual({ [list]: null });
    expect(answer.errors).toEqual([
      expect.objectContaining({ path: [list], extensions: expect.objectContaining({ code: 'INVALID_CURSOR' }) }),
    ]);
  });

  it('a children cursor of the same organisation from a usage:all caller is INVALID_CURSOR for the scoped caller', async () => {
    const query = `query ($id: ID!, $after: String) { organization(id: $id) { children(first: 1, after: $after) { pageInfo { endCursor } } } }`;
    const id = globalId('Organization', TOP.id);
    const all = await allCaller.data<{ organization: { children: { pageInfo: { endCursor: string } } } }>(query, { id });
    const answer = await topCaller.query(query, { id, after: all.organization.children.pageInfo.endCursor });
    expect(answer.errors).toEqual([
      expect.objectContaining({ path: ['organization', 'children'], extensions: expect.objectContaining({ code: 'INVALID_CURSOR' }) }),
    ]);
  });
});

describe('vendor calls of an organisation-scoped caller', () => {
  const LISTED =
    '{ organizations(first: 20) { nodes { externalId } } accounts(first: 100) { nodes { externalId organization { externalId } } } }';

  it.each([
    { name: 'a child organisation', scoped: [CHILD.id] },
    { name: 'a top-level organisation', scoped: [TOP.id] },
    { name: 'two trees, one scope below another', scoped: [TOP.id, childrenOf(TOP.id)[0]!.id, CHILD.id] },
  ])('listing organisations and accounts of $name reads no organisation outside its trees', async ({ scoped }) => {
    const caller = callerWith(gw, `usage:read ${scoped.map((id) => `signicat:org:${id}`).join(' ')}`);
    await caller.data(LISTED);
    const tree = new Set(organizationsSeenBy(seed, scoped).map((organization) => organization.id));
    const called = organizationsCalled();
    expect(called.length).toBeGreaterThan(0);
    for (const id of called) expect(tree.has(id)).toBe(true);
    expect(gw.upstreamCalls('signicat').filter((call) => call.path === '/account-management/accounts')).toHaveLength(1);
  });

  it('a child organisation’s lists cost its own read, its children list and the account list', async () => {
    await childCaller.data(LISTED);
    expect(
      gw
        .upstreamCalls('signicat')
        .map((call) => call.path)
        .sort(),
    ).toEqual(
      [
        '/account-management/accounts',
        `/account-management/organizations/${CHILD.id}`,
        `/account-management/organizations/${CHILD.id}/organizations`,
      ].sort(),
    );
  });
});
