import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFourmeClient, type FourmeClient } from '../../src/sources/fourme/client.js';
import type { FourmePerson, FourmeUsageStatementWire } from '../../src/sources/fourme/schemas.js';
import { UpstreamBadResponseError, UpstreamUnauthorizedError } from '../../src/upstream/errors.js';
import { fixtureBody, loadFixture, startFixtureServer, type FixtureRoute, type FixtureServer } from '../support/fixture-server.js';
import { startTestGateway, type TestGateway, answerOf } from '../support/gateway.js';
import { rejectionOf, testPolicy } from '../support/generic-vendor.js';
import { readStatement } from '../support/wire.js';

const STATEMENTS = '/v1/account/usage_statements';
const PEOPLE = '/v1/people';
const NEXT_CURSOR = 'eyJpZCI6MjE1NH0';
const PREV_CURSOR = 'eyJpZCI6MjEwMX0';
const CREDENTIALS = { token: 'fixture-4me-token', account: 'fjordline' };

const route = (path: string, fixture: string, query?: Record<string, string>): FixtureRoute => ({
  path,
  ...(query ? { query } : {}),
  answer: loadFixture(`fourme/${fixture}`),
});
/** Both statement pages: the second only for its `search_after` cursor. */
const statementPages = [
  route(STATEMENTS, 'usage-statements-page-2', { search_after: NEXT_CURSOR }),
  route(STATEMENTS, 'usage-statements-page-1'),
];
const statements = (fixture: string) => fixtureBody<FourmeUsageStatementWire[]>(`fourme/${fixture}`);

const organization = { id: 30, name: 'Fjordline IT' };
const site = { id: 13, name: 'Bergen Office' };
const people: FourmePerson[] = [
  {
    id: 1205,
    name: 'Ingrid Solberg',
    primary_email: 'ingrid.solberg@fjordline.example',
    organization,
    site,
    disabled: false,
    created_at: '2016-03-14T03:09:55-06:00',
    updated_at: '2025-10-02T11:20:31+02:00',
  },
  {
    id: 1206,
    name: 'Anders Vik',
    primary_email: 'anders.vik@fjordline.example',
    organization,
    site: null,
    disabled: false,
    created_at: '2016-03-14T03:09:57-06:00',
    updated_at: '2025-06-18T08:00:12+02:00',
  },
  {
    id: 1211,
    name: 'Maja Lund',
    primary_email: 'maja.lund@fjordline.example',
    organization,
    site,
    disabled: true,
    created_at: '2019-08-01T09:30:00+02:00',
    updated_at: '2025-11-01T07:45:09+01:00',
  },
];

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('4me client over published answers', () => {
  let client: FourmeClient;
  beforeEach(() => {
    client = createFourmeClient({ baseUrl: `${server.url}/v1`, ...CREDENTIALS }, testPolicy());
  });
  afterEach(() => client.close());

  describe('usage statements', () => {
    it('reads a collection with the default fields, one page without Link header, its total from X-Pagination-Total-Entries', async () => {
      server.serve(route(STATEMENTS, 'usage-statements-default-fields'));

      const page = await client.listUsageStatements();

      expect(page).toEqual({
        items: statements('usage-statements-default-fields').map(readStatement),
        rejected: [],
        total: 2,
        next: null,
        prev: null,
      });
      expect(server.requests[0]?.query).toEqual({});
      expect(server.requests[0]?.headers).toMatchObject({
        authorization: `Bearer ${CREDENTIALS.token}`,
        'x-4me-account': CREDENTIALS.account,
      });
    });

    it('reads a single statement with its billable_user_ids', async () => {
      server.serve(route(`${STATEMENTS}/2207`, 'usage-statement'));

      expect(await client.getUsageStatement(2207)).toEqual({
        id: 2207,
        plan: { known: 'premium_plus', raw: 'premium_plus' },
        year: 2025,
        month: 10,
        start_date: '2025-10-01',
        end_date: '2025-10-31',
        user_months: 4,
        billable_user_ids: [1205, 1206, 1211, 1264],
      });
    });

    it('pages by the Link cursors (search_after, search_before; no last), keeping an unknown plan with its raw value', async () => {
      server.serve(...statementPages);

      const first = await client.listUsageStatements({ perPage: 2, fields: ['billable_user_ids'] });
      const second = await client.listUsageStatements({ perPage: 2, fields: ['billable_user_ids'], from: { after: first.next ?? '' } });

      expect(first).toEqual({
        items: statements('usage-statements-page-1').map(readStatement),
        rejected: [],
        total: 3,
        next: NEXT_CURSOR,
        prev: null,
      });
      expect(second).toEqual({
        items: statements('usage-statements-page-2').map(readStatement),
        rejected: [],
        total: 3,
        next: null,
        prev: PREV_CURSOR,
      });
      expect(second.items[0]?.plan).toEqual({ known: null, raw: 'enterprise' });
      expect(server.requests[1]?.query).toEqual({
        fields: ['id,plan,year,month,start_date,end_date,user_months,billable_user_ids'],
        per_page: ['2'],
        search_after: [NEXT_CURSOR],
      });
    });

    it('reads a 403 for anyone but the account owner as unauthorized, with the vendor message', async () => {
      server.serve(route(STATEMENTS, 'error-forbidden'));

      const error = await rejectionOf(client.listUsageStatements());

      expect(error).toBeInstanceOf(UpstreamUnauthorizedError);
      expect((error as UpstreamUnauthorizedError).message).toBe(
        'fourme: credentials rejected (HTTP 403): 403 Forbidden: only the account owner may read usage statements',
      );
    });
  });

  describe('people', () => {
    it('asks for every field it reads with fields= and reads the answer', async () => {
      server.serve(route(PEOPLE, 'people-with-fields'));

      const page = await client.listPeople({ ids: [1205, 1206, 1211], perPage: 100 });

      expect(page).toEqual({ items: people, rejected: [], total: 3, next: null, prev: null });
      expect(server.requests[0]?.query).toEqual({
        id: ['1205,1206,1211'],
        fields: ['name,primary_email,organization,site,disabled,created_at,updated_at'],
        per_page: ['100'],
      });
    });

    it('reports each person of an answer with only the default fields as a record it cannot use', async () => {
      server.serve(route(PEOPLE, 'people-default-fields'));

      const page = await client.listPeople({ ids: [1205, 1206] });

      expect(page.items).toEqual([]);
      expect(page.rejected.map((record) => [record.index, record.error.recordPath, record.error.fieldPath])).toEqual([
        [0, 'people[0]', 'primary_email'],
        [1, 'people[1]', 'primary_email'],
      ]);
    });

    it('keeps the good people of a page with one malformed person and reports that person with its path and field', async () => {
      server.serve(route(PEOPLE, 'people-malformed-record'));

      const page = await client.listPeople({ ids: [1205, 1206, 1211] });

      expect(page.items).toEqual([people[0], people[2]]);
      expect(page.rejected).toHaveLength(1);
      expect(page.rejected[0]).toMatchObject({ index: 1, raw: { id: 1206 } });
      expect(page.rejected[0]?.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', recordPath: 'people[1]', fieldPath: 'created_at' });
    });

    it('refuses a next link with only page= (the old paging) rather than stop silently after the first page', async () => {
      server.serve(route(PEOPLE, 'people-page-link'));

      const error = await rejectionOf(client.listPeople({ perPage: 2 }));

      expect(error).toBeInstanceOf(UpstreamBadResponseError);
      expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', fieldPath: 'Link', endpoint: 'GET /v1/people' });
    });
  });
});

describe('the graph over published 4me answers', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({
      FOURME_BASE_URL: `${server.url}/v1`,
      FOURME_TOKEN: CREDENTIALS.token,
      FOURME_ACCOUNT: CREDENTIALS.account,
      CACHE: 'off',
    });
  });
  afterAll(() => gateway.close());

  const STATEMENT_PAGE = `query Statements($after: String) {
    usageStatements(first: 2, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { externalId plan vendorPlan billableUserExternalIds }
    }
  }`;
  type StatementPage = {
    usageStatements: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      nodes: { externalId: number; plan: string; vendorPlan: string; billableUserExternalIds: number[] }[];
    };
  };

  it('walks statements forwards past the first page by the Link cursor, without repeats', async () => {
    server.serve(...statementPages);

    const first = await gateway.query<StatementPage>(STATEMENT_PAGE);
    const second = await gateway.query<StatementPage>(STATEMENT_PAGE, { after: first.data?.usageStatements.pageInfo.endCursor });

    expect(first.errors).toBeUndefined();
    expect(first.data?.usageStatements).toMatchObject({
      totalCount: 3,
      pageInfo: { hasNextPage: true },
      nodes: [
        { externalId: 2207, plan: 'PREMIUM_PLUS', vendorPlan: 'premium_plus', billableUserExternalIds: [1205, 1206, 1211] },
        { externalId: 2154, plan: 'PREMIUM', vendorPlan: 'premium', billableUserExternalIds: [1205, 1206] },
      ],
    });
    expect(answerOf(second)).toEqual({
      data: {
        usageStatements: {
          totalCount: 3,
          pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
          nodes: [{ externalId: 2101, plan: 'UNKNOWN', vendorPlan: 'enterprise', billableUserExternalIds: [1205] }],
        },
      },
    });
    expect(server.requests.some((request) => request.query['page'] !== undefined)).toBe(false);
    expect(server.unmatched).toEqual([]);
  });

  it('reads billable users from the single statement where a collection leaves billable_user_ids out despite fields=', async () => {
    server.serve(route(`${STATEMENTS}/2207`, 'usage-statement'), route(STATEMENTS, 'usage-statements-ignoring-fields'));

    const response = await gateway.query('{ usageStatements(first: 1) { nodes { externalId userMonths billableUserExternalIds } } }');

    expect(answerOf(response)).toEqual({
      data: { usageStatements: { nodes: [{ externalId: 2207, userMonths: 4, billableUserExternalIds: [1205, 1206, 1211, 1264] }] } },
    });
  });

  it('answers billable users with names and e-mails from people asked for with fields=', async () => {
    server.serve(...statementPages, route(PEOPLE, 'people-with-fields'));

    const response = await gateway.query(
      '{ usageStatements(first: 1) { nodes { billableUsers(first: 5) { nodes { name primaryEmail disabled } } } } }',
    );

    expect(answerOf(response)).toEqual({
      data: {
        usageStatements: {
          nodes: [
            {
              billableUsers: {
                nodes: [
                  { name: 'Ingrid Solberg', primaryEmail: 'ingrid.solberg@fjordline.example', disabled: false },
                  { name: 'Anders Vik', primaryEmail: 'anders.vik@fjordline.example', disabled: false },
                  { name: 'Maja Lund', primaryEmail: 'maja.lund@fjordline.example', disabled: true },
                ],
              },
            },
          ],
        },
      },
    });
  });

  it('answers people sent with only the default fields as coded errors naming the missing field, not as silent data', async () => {
    server.serve(...statementPages, route(PEOPLE, 'people-default-fields'));

    const response = await gateway.query('{ usageStatements(first: 1) { nodes { billableUsers(first: 2) { nodes { name } } } } }');

    expect(response.errors?.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE', source: 'fourme', recordPath: 'people[0]', fieldPath: 'primary_email' }),
      expect.objectContaining({ code: 'UPSTREAM_BAD_RESPONSE', source: 'fourme', recordPath: 'people[1]', fieldPath: 'primary_email' }),
    ]);
  });
});
