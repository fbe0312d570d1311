import { describe, expect, it } from 'vitest';
import { seedSignicat, signicatProducts } from '../../src/sources/signicat/seed.js';
import { UpstreamNotFoundError } from '../../src/upstream/errors.js';
import { TODAY, useSignicat, fetchToken, requestsTo, walkList } from '../support/signicat.js';
import { readAccount } from '../support/wire.js';

const seed = seedSignicat(TODAY);
const topLevel = seed.childOrganizations.get(null) ?? [];
const parent = topLevel.find((organization) => (seed.childOrganizations.get(organization.id)?.length ?? 0) >= 2);
if (!parent) throw new Error('the seed lacks an organisation with children');
const children = seed.childOrganizations.get(parent.id) ?? [];

const signicat = useSignicat();

describe('signicat account management', () => {
  it('walks the accounts page by page to the end, equal to the seeded accounts', async () => {
    const { items, pages } = await walkList((query) => signicat.client.listAccounts(query), 10);

    expect(items).toEqual(seed.accounts.map(readAccount));
    expect(pages).toBe(Math.ceil(seed.accounts.length / 10));
    expect(requestsTo(signicat.simulator, 'GET', '/account-management/accounts')).toHaveLength(pages);
  });

  it('returns up to 50 accounts by default', async () => {
    const page = await signicat.client.listAccounts();

    expect(page.items).toEqual(seed.accounts.slice(0, 50).map(readAccount));
    expect(page.nextPage === null).toBe(seed.accounts.length <= 50);
    expect(requestsTo(signicat.simulator, 'GET', '/account-management/accounts')[0]?.query).toEqual({});
  });

  it('reads one account by id', async () => {
    const account = seed.accounts.at(-1);
    if (!account) throw new Error('no accounts seeded');

    expect(await signicat.client.getAccount(account.id)).toEqual(readAccount(account));
  });

  it('fails an unknown account as not found', async () => {
    const call = signicat.client.getAccount('a-ppge-00000000000000000000');

    await expect(call).rejects.toBeInstanceOf(UpstreamNotFoundError);
    await expect(call).rejects.toMatchObject({
      code: 'UPSTREAM_NOT_FOUND',
      endpoint: 'GET /account-management/accounts/{account_id}',
    });
  });

  it('lists the top-level organisations', async () => {
    const { items } = await walkList((query) => signicat.client.listOrganizations(query));

    expect(items).toEqual(topLevel);
    expect(items.every((organization) => organization.parentId === null)).toBe(true);
  });

  it('reads one organisation by id, with its parent', async () => {
    const child = children[0];

    expect(await signicat.client.getOrganization(child?.id ?? '')).toEqual({ ...child, parentId: parent.id });
  });

  it('walks an organisation’s child organisations one per page', async () => {
    const { items, pages } = await walkList((query) => signicat.client.listChildOrganizations(parent.id, query), 1);

    expect(items).toEqual(children);
    expect(pages).toBe(children.length);
  });

  it('fails the children of an unknown organisation as not found', async () => {
    await expect(signicat.client.listChildOrganizations('o-p-00000000000000000000')).rejects.toMatchObject({ code: 'UPSTREAM_NOT_FOUND' });
  });

  it.each(['limit=0', 'limit=101', 'page=bm90LWEtdG9rZW4', 'page='])('the simulator rejects %s with a 400 problem', async (query) => {
    const token = await fetchToken(signicat.settings);
    const response = await fetch(`${signicat.settings.accountManagementUrl}/accounts?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 400, title: 'Bad Request', detail: expect.stringMatching(/^(limit|page)/) });
  });

  it('the simulator requires a bearer token', async () => {
    const response = await fetch(`${signicat.settings.accountManagementUrl}/organizations`);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
  });
});

describe('signicat seed', () => {
  it('is the same on every run for the same day', () => {
    const again = seedSignicat(TODAY);

    expect(again.accounts).toEqual(seed.accounts);
    expect(again.accountSeries.map((series) => [...series.counts])).toEqual(seed.accountSeries.map((series) => [...series.counts]));
  });

  it('has 3 top-level organisations with 2 to 4 children each, and 2 to 5 accounts per organisation', () => {
    expect(topLevel).toHaveLength(3);
    for (const organization of topLevel)
      expect(seed.childOrganizations.get(organization.id)?.length).toSatisfy((n: number) => n >= 2 && n <= 4);
    for (const organization of seed.organizations) {
      expect(seed.organizationAccounts.get(organization.id)?.length).toSatisfy((n: number) => n >= 2 && n <= 5);
    }
  });

  it('uses the vendor’s id formats, sandbox accounts under a-spge-', () => {
    for (const organization of seed.organizations) expect(organization.id).toMatch(/^o-p-[A-Za-z0-9]{20}$/);
    for (const account of seed.accounts)
      expect(account.id).toMatch(account.isSandbox ? /^a-spge-[A-Za-z0-9]{20}$/ : /^a-ppge-[A-Za-z0-9]{20}$/);
    expect(seed.accounts.some((account) => account.isSandbox)).toBe(true);
  });

  it('carries the vendor sample’s empty dates on some accounts, which the client reads as unknown', async () => {
    const undated = seed.accounts.filter((account) => account.createdDate === '' && account.lastModifiedDate === '');
    expect(undated.length).toBeGreaterThan(2);

    const read = await signicat.client.getAccount(undated[0]!.id);
    expect(read).toMatchObject({ createdDate: null, lastModifiedDate: null });
  });

  it('reports usage in every state the vendor’s SDK names, and only completed usage is ever invoiced', () => {
    expect(new Set(seed.accountSeries.map((series) => series.state))).toEqual(
      new Set(['completed', 'started', 'loaded', 'userAborted', 'failed']),
    );
  });

  it('covers 24 calendar months ending today, with at least 8 products in use', () => {
    expect(seed.firstDay).toBe('2023-07-01');
    expect(seed.today).toBe(TODAY);
    expect(new Set(seed.accountSeries.map((series) => series.product.usageType)).size).toBeGreaterThanOrEqual(8);
    expect(signicatProducts.length).toBeGreaterThanOrEqual(8);
  });
});
