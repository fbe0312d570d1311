import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSignicatClient, type SignicatClient } from '../../src/sources/signicat/client.js';
import type { SignicatAccount, SignicatUsageItemWire } from '../../src/sources/signicat/schemas.js';
import type { SignicatSettings } from '../../src/sources/signicat/source.js';
import { UpstreamBadResponseError, UpstreamNotFoundError } from '../../src/upstream/errors.js';
import { fixtureBody, loadFixture, startFixtureServer, type FixtureRoute, type FixtureServer } from '../support/fixture-server.js';
import { startTestGateway, type TestGateway, answerOf } from '../support/gateway.js';
import { rejectionOf, testPolicy } from '../support/generic-vendor.js';
import { readUsageItem } from '../support/wire.js';

const ORGANIZATION = 'o-p-Kq3vT8xLm2RbZ7nWc4Ys';
const PRODUCTION = 'a-ppge-Hd7Lq2Wm9XcVt4Rb8Nzk';
const CHECKOUT = 'a-ppge-Pf5Jw8Ys3BnQe6Tu1Kad';
const SANDBOX = 'a-spge-Zr2Mc7Vx4Lh9Gp6Dw3Qn';
const USAGE_PATH = '/usage/transactions';
const CREDENTIALS = { clientId: 'fixture-client', clientSecret: 'fixture-secret' };

const tokenRoute: FixtureRoute = { method: 'POST', path: '/auth/open/connect/token', answer: loadFixture('signicat/token') };
const usageRoute = (fixture: string, query?: Record<string, string>): FixtureRoute => ({
  path: USAGE_PATH,
  ...(query ? { query } : {}),
  answer: loadFixture(`signicat/${fixture}`),
});
const accountsRoute = (fixture: string): FixtureRoute => ({
  path: '/account-management/accounts',
  answer: loadFixture(`signicat/${fixture}`),
});
const usageRows = (fixture: string) => fixtureBody<{ data: SignicatUsageItemWire[] }>(`signicat/${fixture}`).data;

/** The organisation every sample account belongs to, as Account Management describes it. */
const organization = { id: ORGANIZATION, name: 'Fjordline Payments', entityId: '918273645', entityLegalName: '', country: 'NO' };
const productionAccount: SignicatAccount = {
  id: PRODUCTION,
  name: 'Fjordline Production',
  createdDate: null,
  lastModifiedDate: '2024-11-05T08:41:17Z',
  isSandbox: false,
  region: 'EU',
  cloud: { known: 'GCP', raw: 'GCP' },
  enabled: true,
  isDeleteProtected: false,
  organization,
};
const sandboxAccount: SignicatAccount = {
  id: SANDBOX,
  name: 'Fjordline Sandbox',
  createdDate: null,
  lastModifiedDate: null,
  isSandbox: true,
  region: 'EU',
  cloud: { known: 'GCP', raw: 'GCP' },
  enabled: false,
  isDeleteProtected: false,
  organization: null,
};

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('Signicat client over published answers', () => {
  let client: SignicatClient;
  const settings = (): SignicatSettings => ({
    baseUrl: server.url,
    tokenUrl: `${server.url}/auth/open/connect/token`,
    accountManagementUrl: `${server.url}/account-management`,
    usagePath: USAGE_PATH,
    ...CREDENTIALS,
    scope: 'signicat-api',
  });
  beforeEach(() => {
    client = createSignicatClient(settings(), testPolicy());
  });
  afterEach(() => client.close());

  describe('usage', () => {
    it('reads the doc sample, which links only `previous`: the next page is assumed to follow the rows read', async () => {
      server.serve(tokenRoute, usageRoute('usage-doc-sample'));

      const page = await client.usage({ organizationId: ORGANIZATION }, { offset: 0, limit: 100 });

      expect(page).toEqual({ items: usageRows('usage-doc-sample').map(readUsageItem), rejected: [], previousOffset: 0, nextOffset: 1 });
      const [call] = server.requests.filter((request) => request.path === USAGE_PATH);
      expect(call?.headers['signicat-organizationid']).toBe(ORGANIZATION);
      expect(call?.headers.authorization).toBe(`Bearer ${fixtureBody<{ access_token: string }>('signicat/token').access_token}`);
    });

    it('ends a list whose pages carry no `next` at the first empty page', async () => {
      server.serve(tokenRoute, usageRoute('usage-empty-page'));

      const page = await client.usage({ organizationId: ORGANIZATION }, { offset: 1, limit: 100 });

      expect(page).toEqual({ items: [], rejected: [], previousOffset: 0, nextOffset: null });
    });

    it('reads every state the vendor SDK names on a first page with `previous: null`', async () => {
      server.serve(tokenRoute, usageRoute('usage-every-state'));

      const page = await client.usage({ accountId: PRODUCTION }, { offset: 0, limit: 5 });

      expect(page.items.map((item) => [item.state, item.invoiced])).toEqual([
        [{ known: 'completed', raw: 'completed' }, true],
        [{ known: 'started', raw: 'started' }, false],
        [{ known: 'loaded', raw: 'loaded' }, false],
        [{ known: 'userAborted', raw: 'userAborted' }, false],
        [{ known: 'failed', raw: 'failed' }, false],
      ]);
      expect(page.items).toEqual(usageRows('usage-every-state').map(readUsageItem));
      expect(page).toMatchObject({ rejected: [], previousOffset: null, nextOffset: 5 });
    });

    it('reads a non-integral count and null unit, product and account on a first page without a `previous` key', async () => {
      server.serve(tokenRoute, usageRoute('usage-nullable-fields'));

      const page = await client.usage({ organizationId: ORGANIZATION }, { offset: 0, limit: 100, aggregateByLevel: 'organization' });

      expect(
        page.items.map(({ count, unitOfMeasure, productName, accountId }) => ({ count, unitOfMeasure, productName, accountId })),
      ).toEqual([
        { count: 12.5, unitOfMeasure: null, productName: null, accountId: null },
        { count: 0.25, unitOfMeasure: 'Authentications', productName: 'Finnish Trust Network - Authentications', accountId: null },
      ]);
      expect(page).toMatchObject({ rejected: [], previousOffset: null, nextOffset: null });
    });

    it('keeps the good rows of a page with one malformed row and reports that row with its path and field', async () => {
      server.serve(tokenRoute, usageRoute('usage-malformed-record'));

      const page = await client.usage({ organizationId: ORGANIZATION }, { offset: 0, limit: 100 });

      const [first, malformed, last] = usageRows('usage-malformed-record');
      expect(page.items).toEqual([first, last].map((row) => readUsageItem(row as SignicatUsageItemWire)));
      expect(page.rejected).toHaveLength(1);
      expect(page.rejected[0]).toMatchObject({ index: 1, raw: malformed });
      expect(page.rejected[0]?.error).toBeInstanceOf(UpstreamBadResponseError);
      expect(page.rejected[0]?.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', recordPath: 'data[1]', fieldPath: 'count' });
      expect(page.nextOffset).toBeNull();
    });
  });

  describe('accounts', () => {
    it('reads the sample account list, its empty dates as null and its extra fields left out', async () => {
      server.serve(tokenRoute, accountsRoute('account-list-doc-sample'));

      expect(await client.listAccounts()).toEqual({ items: [productionAccount, sandboxAccount], rejected: [], nextPage: null });
    });

    it('reads the sample single account, empty `createdDate` and `products` included', async () => {
      server.serve(tokenRoute, { path: `/account-management/accounts/${PRODUCTION}`, answer: loadFixture('signicat/account-doc-sample') });

      expect(await client.getAccount(PRODUCTION)).toEqual(productionAccount);
    });

    it('keeps an unknown cloud with its raw value, reads seven-digit fractional seconds and passes the page token on', async () => {
      server.serve(tokenRoute, accountsRoute('account-list-unknown-cloud'));

      const page = await client.listAccounts({ limit: 1 });

      expect(page.items).toEqual([
        {
          ...productionAccount,
          id: CHECKOUT,
          name: 'Fjordline Checkout',
          createdDate: '2025-01-07T09:14:03.5120000Z',
          lastModifiedDate: '2025-02-11T16:02:44.0310000+00:00',
          cloud: { known: null, raw: 'AWS' },
        },
      ]);
      expect(page.nextPage).toBe('Q2ZESjhEQ3ZvWjVxYlV0Rk1uYjJZc2p0');
    });

    it('keeps the good accounts of a page with one malformed account and reports that account with its path and field', async () => {
      server.serve(tokenRoute, accountsRoute('account-list-malformed-record'));

      const page = await client.listAccounts();

      expect(page.items.map((account) => account.id)).toEqual([PRODUCTION, SANDBOX]);
      expect(page.items[1]?.cloud).toEqual({ known: 'OTC', raw: 'OTC' });
      expect(page.rejected).toHaveLength(1);
      expect(page.rejected[0]).toMatchObject({ index: 1, raw: { id: CHECKOUT } });
      expect(page.rejected[0]?.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', recordPath: 'data[1]', fieldPath: 'isSandbox' });
    });

    it('reads a problem+json 404 as not found, with its title and detail', async () => {
      server.serve(tokenRoute, {
        path: '/account-management/accounts/a-ppge-0000000000000000000X',
        answer: loadFixture('signicat/error-account-not-found'),
      });

      const error = await rejectionOf(client.getAccount('a-ppge-0000000000000000000X'));

      expect(error).toBeInstanceOf(UpstreamNotFoundError);
      expect((error as UpstreamNotFoundError).message).toBe('signicat: not found: Not Found: No account a-ppge-0000000000000000000X');
    });
  });
});

describe('the graph over published Signicat answers', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      SIGNICAT_BASE_URL: server.url,
      SIGNICAT_CLIENT_ID: CREDENTIALS.clientId,
      SIGNICAT_CLIENT_SECRET: CREDENTIALS.clientSecret,
      CACHE: 'off',
    });
  });
  afterAll(() => gateway.close());

  it('answers accounts with empty dates as null and an unknown cloud as UNKNOWN beside its raw value', async () => {
    server.serve(tokenRoute, accountsRoute('account-list-doc-sample'));
    const first = await gateway.query('{ accounts(first: 5) { nodes { externalId createdAt updatedAt cloud vendorCloud } } }');
    server.serve(tokenRoute, accountsRoute('account-list-unknown-cloud'));
    const second = await gateway.query('{ accounts(first: 1) { nodes { externalId createdAt cloud vendorCloud } } }');

    expect(answerOf(first)).toEqual({
      data: {
        accounts: {
          nodes: [
            { externalId: PRODUCTION, createdAt: null, updatedAt: '2024-11-05T08:41:17.000Z', cloud: 'GCP', vendorCloud: 'GCP' },
            { externalId: SANDBOX, createdAt: null, updatedAt: null, cloud: 'GCP', vendorCloud: 'GCP' },
          ],
        },
      },
    });
    expect(answerOf(second)).toEqual({
      data: {
        accounts: { nodes: [{ externalId: CHECKOUT, createdAt: '2025-01-07T09:14:03.512Z', cloud: 'UNKNOWN', vendorCloud: 'AWS' }] },
      },
    });
  });

  it('answers the good accounts of a page with one malformed account, and one coded error for it', async () => {
    server.serve(tokenRoute, accountsRoute('account-list-malformed-record'));

    const response = await gateway.query('{ accounts(first: 5) { nodes { externalId } } }');

    expect(response.data).toEqual({ accounts: { nodes: [{ externalId: PRODUCTION }, { externalId: SANDBOX }] } });
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]).toMatchObject({ path: ['accounts'], extensions: { code: 'UPSTREAM_BAD_RESPONSE', source: 'signicat' } });
  });

  it('reads usage without `next` links to its first empty page, and no further', async () => {
    server.serve(
      tokenRoute,
      accountsRoute('account-list-doc-sample'),
      usageRoute('usage-doc-sample', { offset: '0' }),
      usageRoute('usage-empty-page'),
    );

    const response = await gateway.query(`{
      accounts(first: 1) { nodes { identityUsage(first: 5) { nodes { count state vendorState product } pageInfo { hasNextPage } } } }
    }`);

    expect(answerOf(response)).toEqual({
      data: {
        accounts: {
          nodes: [
            {
              identityUsage: {
                nodes: [{ count: 100, state: 'COMPLETED', vendorState: 'completed', product: 'Norwegian BankID - Authentications' }],
                pageInfo: { hasNextPage: false },
              },
            },
          ],
        },
      },
    });
    expect(server.requests.filter((request) => request.path === USAGE_PATH).map((request) => request.query['offset'])).toEqual([
      ['0'],
      ['1'],
    ]);
    expect(server.unmatched).toEqual([]);
  });
});
