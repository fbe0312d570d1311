import { beforeAll, describe, expect, it } from 'vitest';
import { createSignicatClient } from '../../src/sources/signicat/client.js';
import type { SignicatUsageItem, SignicatUsagePeriod } from '../../src/sources/signicat/schemas.js';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import { UpstreamNotFoundError } from '../../src/upstream/errors.js';
import { TODAY, useSignicat, expectedAccountUsage, fastPolicy, fetchToken, requestsTo, walkUsage } from '../support/signicat.js';
import { readUsageItem } from '../support/wire.js';

const seed = seedSignicat(TODAY);
const busyAccount = seed.accounts.find((account) => !account.isSandbox && (seed.accountUsage.get(account.id)?.length ?? 0) >= 3);
const parent = seed.organizations.find(
  (organization) =>
    organization.parentId === null &&
    (seed.organizationAccounts.get(organization.id)?.length ?? 0) >= 2 &&
    (seed.childOrganizations.get(organization.id)?.length ?? 0) >= 2,
);
if (!busyAccount || !parent) throw new Error('the seed lacks the accounts and organisations these tests need');
const parentAccounts = seed.organizationAccounts.get(parent.id) ?? [];
const childIds = (seed.childOrganizations.get(parent.id) ?? []).map((child) => child.id);
const usageOf = (accountId: string) => seed.accountUsage.get(accountId) ?? [];

const signicat = useSignicat();

describe('signicat usage: paging', () => {
  it('walks an account’s daily usage to the last page, equal to the seeded counts', async () => {
    const expected = expectedAccountUsage(seed, usageOf(busyAccount.id)).map(readUsageItem);

    const { items, pages } = await walkUsage(signicat.client, { accountId: busyAccount.id }, { limit: 1000 });

    expect(items).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 1000));
    expect(requestsTo(signicat.simulator, 'GET', '/usage/transactions')).toHaveLength(pages);
  });

  it('gives the offsets of the previous and next pages, null at either end', async () => {
    const scope = { accountId: busyAccount.id };
    const total = expectedAccountUsage(seed, usageOf(busyAccount.id), { period: 'monthly' }).length;

    const first = await signicat.client.usage(scope, { aggregateByPeriod: 'monthly', limit: 10 });
    const middle = await signicat.client.usage(scope, { aggregateByPeriod: 'monthly', limit: 10, offset: 15 });
    const last = await signicat.client.usage(scope, { aggregateByPeriod: 'monthly', limit: 10, offset: total - 3 });

    expect(first).toMatchObject({ previousOffset: null, nextOffset: 10 });
    expect(middle).toMatchObject({ previousOffset: 5, nextOffset: 25 });
    expect(last).toMatchObject({ previousOffset: total - 13, nextOffset: null });
    expect(last.items).toHaveLength(3);
  });

  it('links are absolute URIs repeating the request’s query with another offset', async () => {
    const token = await fetchToken(signicat.settings);
    const path = '/usage/transactions?aggregateByPeriod=monthly&limit=5&offset=5';

    const body = (await usageFetch(path, token, { 'signicat-accountid': busyAccount.id }).then((response) => response.json())) as {
      previous: string;
      next: string;
    };

    expect(body.previous).toBe(`${signicat.settings.baseUrl}/usage/transactions?aggregateByPeriod=monthly&limit=5&offset=0`);
    expect(body.next).toBe(`${signicat.settings.baseUrl}/usage/transactions?aggregateByPeriod=monthly&limit=5&offset=10`);
  });

  it('serves the same rows at /usage/ as at /usage/transactions', async () => {
    const atUsage = createSignicatClient({ ...signicat.settings, usagePath: '/usage/' }, fastPolicy());
    try {
      const query = { aggregateByPeriod: 'quarterly', limit: 50 } as const;
      const viaUsage = await atUsage.usage({ accountId: busyAccount.id }, query);

      expect(viaUsage).toEqual(await signicat.client.usage({ accountId: busyAccount.id }, query));
      expect(requestsTo(signicat.simulator, 'GET', '/usage/').map((entry) => entry.path)).toEqual(['/usage/', '/usage/transactions']);
    } finally {
      await atUsage.close();
    }
  });
});

describe('signicat usage: scope and filters', () => {
  it('an organisation’s rows filtered to one account equal that account’s own rows, in the same order', async () => {
    const queries = [{ fromDate: '2025-01-01', toDate: '2025-03-31' }, { aggregateByPeriod: 'monthly' as const }];
    for (const query of queries) {
      const organizationRows = (await walkUsage(signicat.client, { organizationId: parent.id }, { ...query, limit: 1000 })).items;
      for (const account of parentAccounts) {
        const own = (await walkUsage(signicat.client, { accountId: account.id }, { ...query, limit: 1000 })).items;
        expect(organizationRows.filter((row) => row.accountId === account.id)).toEqual(own);
      }
    }
  });

  it('orders rows by period start, then account id, then usage type, then state in the SDK’s order', async () => {
    const { items } = await walkUsage(
      signicat.client,
      { organizationId: parent.id },
      { includeChildOrganizations: true, aggregateByPeriod: 'monthly', limit: 1000 },
    );
    const stateOrder = ['completed', 'started', 'loaded', 'userAborted', 'failed'];
    const keys = items.map((row) => [row.period.start, row.accountId ?? '', row.usageType, stateOrder.indexOf(row.state.raw)].join(' '));

    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('includes the accounts of child organisations only with includeChildOrganizations', async () => {
    const query = { aggregateByPeriod: 'yearly' as const, limit: 1000 };
    const withoutChildren = await signicat.client.usage({ organizationId: parent.id }, query);
    const withChildren = await signicat.client.usage({ organizationId: parent.id }, { ...query, includeChildOrganizations: true });

    expect(new Set(withoutChildren.items.map((row) => row.organizationId))).toEqual(new Set([parent.id]));
    expect(new Set(withChildren.items.map((row) => row.organizationId))).toEqual(new Set([parent.id, ...childIds]));
    const accountsWithUsage = (organizationId: string) =>
      (seed.organizationAccounts.get(organizationId) ?? []).filter((account) =>
        usageOf(account.id).some((series) => series.cumulative.at(-1)),
      );
    const expectedAccounts = [parent.id, ...childIds].flatMap((id) => accountsWithUsage(id)).map((account) => account.id);
    expect(new Set(withChildren.items.map((row) => row.accountId))).toEqual(new Set(expectedAccounts));
  });

  it.each<SignicatUsagePeriod>(['daily', 'monthly', 'quarterly', 'yearly'])(
    'aggregates %s, each period clipped to fromDate and toDate',
    async (period) => {
      const range = { fromDate: '2024-02-17', toDate: '2025-04-09' };
      const expected = expectedAccountUsage(seed, usageOf(busyAccount.id), { ...range, period }).map(readUsageItem);

      const { items } = await walkUsage(
        signicat.client,
        { accountId: busyAccount.id },
        { ...range, aggregateByPeriod: period, limit: 1000 },
      );

      expect(items).toEqual(expected);
      expect(items[0]?.period.start).toBe('2024-02-17');
      expect(items.at(-1)?.period.end).toBe('2025-04-09');
    },
  );

  it('aggregates by organisation into one row per period, usage type and state with a null accountId, summing the accounts', async () => {
    const query = { aggregateByPeriod: 'quarterly' as const, limit: 1000 };
    const byAccount = await signicat.client.usage({ organizationId: parent.id }, query);
    const byOrganization = await signicat.client.usage({ organizationId: parent.id }, { ...query, aggregateByLevel: 'organization' });

    expect(byOrganization.items.every((row) => row.accountId === null && row.organizationId === parent.id)).toBe(true);
    expect(totalsByPeriodAndType(byOrganization.items)).toEqual(totalsByPeriodAndType(byAccount.items));
    expect(byOrganization.items).toHaveLength(totalsByPeriodAndType(byAccount.items).size);
  });

  it('aggregates by organisation with child organisations into one row per organisation', async () => {
    const { items } = await signicat.client.usage(
      { organizationId: parent.id },
      { aggregateByLevel: 'organization', aggregateByPeriod: 'yearly', includeChildOrganizations: true, limit: 1000 },
    );
    const stateOrder = ['completed', 'started', 'loaded', 'userAborted', 'failed'];
    const keys = items.map((row) => `${row.period.start} ${row.organizationId} ${row.usageType} ${stateOrder.indexOf(row.state.raw)}`);

    expect(new Set(items.map((row) => row.organizationId))).toEqual(new Set([parent.id, ...childIds]));
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('adds externalReference only when includeExternalReference is true', async () => {
    const query = { aggregateByPeriod: 'yearly' as const };
    const without = await signicat.client.usage({ accountId: busyAccount.id }, query);
    const withReference = await signicat.client.usage({ accountId: busyAccount.id }, { ...query, includeExternalReference: true });

    expect(without.items.every((row) => !('externalReference' in row))).toBe(true);
    expect(withReference.items).toEqual(
      expectedAccountUsage(seed, usageOf(busyAccount.id), { period: 'yearly', includeExternalReference: true }).map(readUsageItem),
    );
  });

  it('marks rows invoiced only when they are completed and end before the current month', async () => {
    const failing = seed.accounts.find((account) => usageOf(account.id).some((series) => series.state === 'failed'));
    if (!failing) throw new Error('no account with failed usage seeded');
    const monthly = await walkUsage(signicat.client, { accountId: failing.id }, { aggregateByPeriod: 'monthly', limit: 1000 });
    const currentMonth = `${TODAY.slice(0, 7)}-01`;

    expect(monthly.items.some((row) => row.state.raw === 'failed' && row.period.end < currentMonth)).toBe(true);
    for (const row of monthly.items) expect(row.invoiced).toBe(row.state.raw === 'completed' && row.period.end < currentMonth);
  });

  it('answers an empty page for a range outside the seeded days', async () => {
    const page = await signicat.client.usage({ accountId: busyAccount.id }, { fromDate: '2020-01-01', toDate: '2020-12-31' });

    expect(page).toEqual({ items: [], rejected: [], previousOffset: null, nextOffset: null });
  });

  it('sends no previous key at all on a first page, as the vendor’s sample, or null where configured so', async () => {
    const token = await fetchToken(signicat.settings);
    const firstPage = async () =>
      (await usageFetch('/usage/transactions?limit=1', token, { 'signicat-accountid': busyAccount.id }).then((response) =>
        response.json(),
      )) as Record<string, unknown>;

    expect('previous' in (await firstPage())).toBe(false);
    signicat.simulator.configure({ variants: { firstPagePrevious: 'null' } });
    try {
      expect(await firstPage()).toMatchObject({ previous: null });
      expect(await signicat.client.usage({ accountId: busyAccount.id }, { limit: 1 })).toMatchObject({
        previousOffset: null,
        nextOffset: 1,
      });
    } finally {
      signicat.simulator.configure({ variants: { firstPagePrevious: 'absent' } });
    }
  });

  it('walks to the end without `next` links too, where an empty page proves the end', async () => {
    const expected = expectedAccountUsage(seed, usageOf(busyAccount.id), { period: 'monthly' }).map(readUsageItem);
    signicat.simulator.configure({ variants: { nextLink: 'absent' } });
    try {
      const { items, pages } = await walkUsage(signicat.client, { accountId: busyAccount.id }, { aggregateByPeriod: 'monthly', limit: 50 });

      expect(items).toEqual(expected);
      // The vendor's sample has no `next`: only an empty page proves the end, so the walk reads one page more.
      expect(pages).toBe(Math.ceil(expected.length / 50) + 1);
    } finally {
      signicat.simulator.configure({ variants: { nextLink: 'present' } });
    }
  });

  it('fails an unknown organisation as not found, with the vendor’s problem detail', async () => {
    const call = signicat.client.usage({ organizationId: 'o-p-doesnotexist00000000' });

    await expect(call).rejects.toBeInstanceOf(UpstreamNotFoundError);
    await expect(call).rejects.toMatchObject({
      code: 'UPSTREAM_NOT_FOUND',
      status: 404,
      message: expect.stringContaining('Not Found: organization o-p-doesnotexist00000000 not found'),
    });
  });
});

describe('signicat usage: the simulator’s parameter checks', () => {
  let token: string;
  beforeAll(async () => {
    token = await fetchToken(signicat.settings);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=1.5', 'offset'],
    ['fromDate=2024-13-01', 'fromDate'],
    ['fromDate=2025-02-01&toDate=2025-01-01', 'fromDate'],
    ['aggregateByPeriod=weekly', 'aggregateByPeriod'],
    ['aggregateByLevel=team', 'aggregateByLevel'],
    ['includeChildOrganizations=yes', 'includeChildOrganizations'],
    ['includeExternalReference=1', 'includeExternalReference'],
  ])('rejects %s with a 400 problem naming the parameter', async (query, parameter) => {
    const response = await usageFetch(`/usage/transactions?${query}`, token, { 'signicat-organizationid': parent.id });

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({
      type: expect.stringContaining('invalid_parameter'),
      title: 'Bad Request',
      status: 400,
      detail: expect.stringContaining(parameter),
    });
  });

  it('accepts the largest limit, 1000', async () => {
    const response = await usageFetch('/usage/transactions?limit=1000', token, { 'signicat-organizationid': parent.id });

    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1000);
  });

  it.each([
    ['neither scope header', {}],
    ['both scope headers', { 'signicat-organizationid': 'o-p-x', 'signicat-accountid': 'a-ppge-x' }],
  ])('rejects %s with a 400 problem', async (_, headers) => {
    const response = await usageFetch('/usage/transactions', token, headers);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      status: 400,
      title: 'Bad Request',
      detail: expect.stringContaining('signicat-organizationid'),
    });
  });

  it.each([
    ['no bearer token', undefined],
    ['a token it never issued', 'forged-token'],
  ])('rejects %s with a 401 problem', async (_, bearer) => {
    const response = await usageFetch('/usage/transactions', bearer, { 'signicat-organizationid': parent.id });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
  });
});

function totalsByPeriodAndType(rows: readonly SignicatUsageItem[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.period.start}..${row.period.end} ${row.usageType} ${row.state.raw}`;
    totals.set(key, (totals.get(key) ?? 0) + row.count);
  }
  return totals;
}

function usageFetch(pathAndQuery: string, token: string | undefined, headers: Record<string, string>): Promise<Response> {
  return fetch(`${signicat.settings.baseUrl}${pathAndQuery}`, {
    headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  });
}
