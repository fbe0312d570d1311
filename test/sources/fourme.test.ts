import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fault } from '../../src/simulator/faults.js';
import type { Simulator } from '../../src/simulator/server.js';
import { createFourmeClient, parseLinkHeader, type FourmeClient, type FourmePage } from '../../src/sources/fourme/client.js';
import type { FourmePerson, FourmeUsageStatement, FourmeUsageStatementWire } from '../../src/sources/fourme/schemas.js';
import { seedFourme, type FourmeSeedPerson } from '../../src/sources/fourme/seed.js';
import type { CursorFrom } from '../../src/sources/lists.js';
import { createFourmeSimulator, fourmeDemoCredentials, fourmeSimulatedSettings } from '../../src/sources/fourme/simulator.js';
import {
  UpstreamBadRequestError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnauthorizedError,
  UpstreamUnavailableError,
  type UpstreamError,
} from '../../src/upstream/errors.js';
import { defaultHttpPolicy, type HttpPolicy } from '../../src/upstream/http.js';
import { readStatement } from '../support/wire.js';

const TODAY = '2025-06-15';
const seed = seedFourme(TODAY);

const policy: HttpPolicy = {
  ...defaultHttpPolicy,
  connectTimeoutMs: 500,
  headersTimeoutMs: 2000,
  bodyTimeoutMs: 2000,
  deadlineMs: 3000,
  backoffBaseMs: 5,
  backoffMaxMs: 20,
  retryAfterCapMs: 200,
  // The fault cases fail on purpose; a tripped breaker would leak into the tests after them.
  breaker: { failureThreshold: 1000, cooldownMs: 100 },
};

let simulator: Simulator;
let url: string;
let client: FourmeClient;

beforeAll(async () => {
  simulator = createFourmeSimulator({ today: TODAY });
  url = await simulator.start();
  client = createFourmeClient(fourmeSimulatedSettings(url), policy);
});

afterAll(async () => {
  await client.close();
  await simulator.stop();
});

beforeEach(() => simulator.reset());

const ownerHeaders = { authorization: `Bearer ${fourmeDemoCredentials.token}`, 'x-4me-account': fourmeDemoCredentials.account };

/** A statement as collections list it without `fields=`: no billable_user_ids. */
function listForm({ billable_user_ids: _omitted, ...listed }: FourmeUsageStatementWire): FourmeUsageStatement {
  return readStatement(listed as FourmeUsageStatementWire);
}

/** A person as the client reads them: the fields it asks for, not the others 4me sends by default. */
function personForm({ sourceID: _source, manager: _manager, ...person }: FourmeSeedPerson): FourmePerson {
  return person;
}

/** Follows `rel="next"` (its `search_after` cursor) from the first page to the end. */
async function walk<T>(fetchPage: (from: CursorFrom) => Promise<FourmePage<T>>): Promise<FourmePage<T>[]> {
  const pages: FourmePage<T>[] = [];
  for (let from: CursorFrom = null; ;) {
    const page = await fetchPage(from);
    pages.push(page);
    if (page.next === null) return pages;
    from = { after: page.next };
    if (pages.length > 100) throw new Error('the walk does not end');
  }
}

async function failure(call: Promise<unknown>): Promise<UpstreamError> {
  return call.then(
    () => expect.unreachable('the call should have failed'),
    (error: UpstreamError) => error,
  );
}

function withClient<T>(
  settings: Partial<ReturnType<typeof fourmeSimulatedSettings>>,
  use: (other: FourmeClient) => Promise<T>,
  custom = policy,
) {
  const other = createFourmeClient({ ...fourmeSimulatedSettings(url), ...settings }, custom);
  return use(other).finally(() => other.close());
}

const statementsUrl = (query: string) => `${url}/v1/account/usage_statements?${query}`;

describe('usage statements', () => {
  it('walks all 36 statements newest first by following rel="next" search_after cursors, total 36 on every page', async () => {
    const pages = await walk((from) => client.listUsageStatements({ from, perPage: 7 }));

    expect(pages.flatMap((page) => page.items)).toEqual(seed.statements.map(listForm));
    expect(pages.map((page) => page.total)).toEqual([36, 36, 36, 36, 36, 36]);
    expect(simulator.requests().map((request) => Object.keys(request.query).sort())).toEqual([
      ['per_page'],
      ...Array.from({ length: 5 }, () => ['per_page', 'search_after']),
    ]);
  });

  it('walks back from the last page to the first by following rel="prev" search_before cursors', async () => {
    const forward = await walk((from) => client.listUsageStatements({ from, perPage: 7 }));
    const collected: FourmeUsageStatement[] = [...forward.at(-1)!.items];
    for (let prev = forward.at(-1)!.prev; prev !== null && prev !== undefined;) {
      const page = await client.listUsageStatements({ from: { before: prev }, perPage: 7 });
      collected.unshift(...page.items);
      prev = page.prev;
    }

    expect(collected).toEqual(seed.statements.map(listForm));
  });

  it('links the first page to next only, a middle page to first, prev and next, the last to first and prev: never `last`', async () => {
    const relations = async (query: string) => {
      const link = (await fetch(statementsUrl(query), { headers: ownerHeaders })).headers.get('link') ?? '';
      return [...link.matchAll(/rel="(\w+)"/g)].map((match) => match[1]);
    };
    const pages = await walk((from) => client.listUsageStatements({ from, perPage: 7 }));
    const middleCursor = `search_after=${encodeURIComponent(pages[1]!.next!)}`;
    const lastCursor = `search_after=${encodeURIComponent(pages[4]!.next!)}`;

    expect(await relations('per_page=7')).toEqual(['next']);
    expect(await relations(`per_page=7&${middleCursor}`)).toEqual(['first', 'prev', 'next']);
    expect(await relations(`per_page=7&${lastCursor}`)).toEqual(['first', 'prev']);
  });

  it('ignores page=, as 4me no longer documents it: page 3 answers the first page', async () => {
    const response = await fetch(statementsUrl('per_page=7&page=3'), { headers: ownerHeaders });
    const body = (await response.json()) as { id: number }[];

    expect(body.map((statement) => statement.id)).toEqual(seed.statements.slice(0, 7).map((statement) => statement.id));
    expect(response.headers.get('x-pagination-current-page')).toBe('1');
  });

  it('writes absolute Link URLs that keep the other query parameters and carry only the cursor', async () => {
    const response = await fetch(statementsUrl('year=2024&per_page=5&page=2'), { headers: ownerHeaders });
    const link = response.headers.get('link') ?? '';

    expect(link).toMatch(new RegExp(`^<${url}/v1/account/usage_statements\\?year=2024&per_page=5&search_after=[\\w-]+>; rel="next"$`));
  });

  it('pages 20 statements by default', async () => {
    const page = await client.listUsageStatements();

    expect(page.items).toEqual(seed.statements.slice(0, 20).map(listForm));
    expect(simulator.requests()[0]?.query).toEqual({});
  });

  it('filters by year alone', async () => {
    const page = await client.listUsageStatements({ year: 2024 });

    expect(page.items).toEqual(seed.statements.filter((statement) => statement.year === 2024).map(listForm));
    expect(page.items.map((statement) => statement.month)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('ANDs the year and month filters', async () => {
    const page = await client.listUsageStatements({ year: 2024, month: 2 });

    expect(page.items).toEqual(seed.statements.filter((s) => s.year === 2024 && s.month === 2).map(listForm));
    expect(page.items).toHaveLength(1);
  });

  it('selects several statements by id, listed newest first', async () => {
    const wanted = [seed.statements[30], seed.statements[2], seed.statements[17]].map((statement) => statement?.id ?? 0);
    const page = await client.listUsageStatements({ ids: wanted });

    expect(page.items.map((statement) => statement.id)).toEqual([...wanted].sort((a, b) => b - a));
    expect(simulator.requests()[0]?.query['id']).toEqual([wanted.join(',')]);
  });

  it('adds billable_user_ids when fields asks for it, keeping the default fields', async () => {
    const page = await client.listUsageStatements({ fields: ['billable_user_ids'], perPage: 100 });

    expect(page.items).toEqual(seed.statements.map(readStatement));
    expect(simulator.requests()[0]?.query['fields']).toEqual(['id,plan,year,month,start_date,end_date,user_months,billable_user_ids']);
  });

  it('answers fields= with exactly the named fields plus id', async () => {
    const response = await fetch(statementsUrl('fields=year,month&per_page=1'), { headers: ownerHeaders });

    const [newest] = seed.statements;
    expect(await response.json()).toEqual([{ id: newest?.id, year: newest?.year, month: newest?.month }]);
  });

  it('gets one statement with billable_user_ids, user_months being their count', async () => {
    const expected = seed.statements[5]!;
    const statement = await client.getUsageStatement(expected.id);

    expect(statement).toEqual(readStatement(expected));
    expect(statement.user_months).toBe(statement.billable_user_ids.length);
  });

  it('maps an unknown statement id to UpstreamNotFoundError', async () => {
    const error = await failure(client.getUsageStatement(1));

    expect(error).toBeInstanceOf(UpstreamNotFoundError);
    expect(error.code).toBe('UPSTREAM_NOT_FOUND');
    expect(error.message).toContain('Not Found');
  });

  it('bills people no longer in the account: their ids lead nowhere', async () => {
    const billed = new Set(seed.statements.flatMap((statement) => statement.billable_user_ids));

    expect(seed.removedPersonIds.length).toBeGreaterThan(0);
    for (const id of seed.removedPersonIds) {
      expect(billed.has(id)).toBe(true);
      expect(seed.peopleById.has(id)).toBe(false);
    }
  });
});

describe('people', () => {
  it('sends only the default fields without fields=: no primary_email, no disabled', async () => {
    const response = await fetch(`${url}/v1/people?per_page=1`, { headers: ownerHeaders });
    const [person] = (await response.json()) as Record<string, unknown>[];

    expect(Object.keys(person ?? {}).sort()).toEqual([
      'created_at',
      'id',
      'manager',
      'name',
      'organization',
      'site',
      'sourceID',
      'updated_at',
    ]);
  });

  it('answers fields= with id plus exactly the named fields', async () => {
    const response = await fetch(`${url}/v1/people?per_page=1&fields=primary_email,disabled`, { headers: ownerHeaders });
    const first = seed.people[0]!;

    expect(await response.json()).toEqual([{ id: first.id, primary_email: first.primary_email, disabled: first.disabled }]);
  });

  it('asks for every field the graph reads, so e-mail and disabled arrive', async () => {
    const page = await client.listPeople({ perPage: 3 });

    expect(page.items).toEqual(seed.people.slice(0, 3).map(personForm));
    expect(simulator.requests()[0]?.query['fields']).toEqual(['name,primary_email,organization,site,disabled,created_at,updated_at']);
  });

  it('walks all people at 100 a page in the API order', async () => {
    const pages = await walk((from) => client.listPeople({ from, perPage: 100 }));

    expect(pages.flatMap((page) => page.items)).toEqual(seed.people.map(personForm));
    expect(pages).toHaveLength(Math.ceil(seed.people.length / 100));
    expect(pages[0]?.total).toBe(seed.people.length);
  });

  it('selects people by id', async () => {
    const wanted = seed.people.slice(10, 15);
    const page = await client.listPeople({ ids: wanted.map((person) => person.id) });

    expect(page.items).toEqual(wanted.map(personForm));
  });

  it('gets one person', async () => {
    const expected = seed.people[42]!;

    expect(await client.getPerson(expected.id)).toEqual(personForm(expected));
  });

  it('maps an unknown person id to UpstreamNotFoundError', async () => {
    expect(await failure(client.getPerson(999_999))).toBeInstanceOf(UpstreamNotFoundError);
  });

  it('peopleByIds splits 250 ids into three concurrent calls of at most 100 ids', async () => {
    const wanted = seed.people.slice(0, 250).map((person) => person.id);
    simulator.configure({ latencyMs: 50 });
    try {
      const { items: people } = await client.peopleByIds(wanted);

      expect(new Set(people.map((person) => person.id))).toEqual(new Set(wanted));
      expect(people).toHaveLength(250);
    } finally {
      simulator.configure({ latencyMs: 0 });
    }
    const requests = simulator.requests();
    expect(requests.map((request) => request.query['per_page'])).toEqual([['100'], ['100'], ['100']]);
    expect(requests.map((request) => request.query['id']?.[0]?.split(',').length).sort()).toEqual([100, 100, 50]);
    const lastStart = Math.max(...requests.map((request) => request.startedAt));
    const firstEnd = Math.min(...requests.map((request) => request.endedAt));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  it('peopleByIds asks once per distinct id and leaves unknown ids out', async () => {
    const known = seed.people[0]?.id ?? 0;
    const { items: people } = await client.peopleByIds([known, known, 999_999]);

    expect(people.map((person) => person.id)).toEqual([known]);
    expect(simulator.requests().map((request) => request.query['id'])).toEqual([[`${known},999999`]]);
  });

  it('peopleByIds makes no call for no ids', async () => {
    expect(await client.peopleByIds([])).toEqual({ items: [], rejected: [] });
    expect(simulator.requests()).toHaveLength(0);
  });
});

describe('authentication', () => {
  it('rejects a wrong token with UpstreamUnauthorizedError after one request', async () => {
    const error = await withClient({ token: 'wrong' }, (other) => failure(other.listPeople()));

    expect(error).toBeInstanceOf(UpstreamUnauthorizedError);
    expect(error.code).toBe('UPSTREAM_UNAUTHORIZED');
    expect(error.status).toBe(401);
    expect(error.message).toContain('invalid access token');
    expect(simulator.requests()).toHaveLength(1);
  });

  it('rejects a wrong account with 401', async () => {
    const error = await withClient({ account: 'someone-else' }, (other) => failure(other.getPerson(seed.people[0]?.id ?? 0)));

    expect(error).toBeInstanceOf(UpstreamUnauthorizedError);
    expect(error.status).toBe(401);
  });

  it('refuses usage statements to a valid token that is not the account owner with 403', async () => {
    const error = await withClient({ token: fourmeDemoCredentials.otherUserToken }, (other) => failure(other.listUsageStatements()));

    expect(error).toBeInstanceOf(UpstreamUnauthorizedError);
    expect(error.status).toBe(403);
    expect(error.message).toContain('only the account owner');
  });

  it('lets a non-owner token read people', async () => {
    const page = await withClient({ token: fourmeDemoCredentials.otherUserToken }, (other) => other.listPeople({ perPage: 3 }));

    expect(page.items).toEqual(seed.people.slice(0, 3).map(personForm));
  });

  it.each([
    ['no Authorization header', { 'x-4me-account': 'demo' }],
    ['no X-4me-Account header', { authorization: `Bearer ${fourmeDemoCredentials.token}` }],
  ])('answers a request with %s with 401 and a 4me error body', async (_case, headers) => {
    const response = await fetch(`${url}/v1/people`, { headers });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: expect.stringContaining('Unauthorized') });
  });
});

describe('parameter validation at the simulator', () => {
  const tooManyIds = Array.from({ length: 101 }, (_, i) => i + 1).join(',');

  it.each([
    ['per_page=0', 'per_page'],
    ['per_page=101', 'per_page'],
    ['per_page=ten', 'per_page'],
    ['search_after=bm9wZQ', 'search cursor'],
    [`id=${tooManyIds}`, 'at most 100 ids'],
    ['id=1,x', 'id'],
    ['month=13', 'month'],
    ['fields=id,colour', 'colour'],
  ])('rejects %s with 400 {message, errors}', async (query, problem) => {
    const response = await fetch(`${url}/v1/account/usage_statements?${query}`, { headers: ownerHeaders });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'Invalid parameters', errors: [expect.stringContaining(problem)] });
  });

  it("surfaces a rejected parameter as UpstreamBadRequestError with 4me's reason", async () => {
    const error = await failure(client.listPeople({ perPage: 101 }));

    expect(error).toBeInstanceOf(UpstreamBadRequestError);
    expect(error.code).toBe('UPSTREAM_BAD_REQUEST');
    expect(error.message).toContain('per_page must be an integer from 1 to 100');
  });
});

describe('rate limit', () => {
  it('counts every request down from X-RateLimit-Limit 3600', async () => {
    const first = await fetch(`${url}/v1/people?per_page=1`, { headers: ownerHeaders });
    const second = await fetch(`${url}/v1/people?per_page=1`, { headers: ownerHeaders });

    expect(first.headers.get('x-ratelimit-limit')).toBe('3600');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('3599');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('3598');
  });

  it('answers 429 with Retry-After over the limit, which the client reports as rate limited', async () => {
    const limited = createFourmeSimulator({ today: TODAY, rateLimit: 1 });
    const limitedUrl = await limited.start();
    const limitedClient = createFourmeClient(fourmeSimulatedSettings(limitedUrl), policy);
    try {
      await limitedClient.listPeople({ perPage: 1 });
      const error = await failure(limitedClient.listPeople({ perPage: 1 }));

      expect(error).toBeInstanceOf(UpstreamRateLimitedError);
      expect((error as UpstreamRateLimitedError).retryAfterMs).toBeGreaterThan(60_000);
      expect(limited.requests().map((request) => request.status)).toEqual([200, 429]);
    } finally {
      await limitedClient.close();
      await limited.stop();
    }
  });
});

describe('injected faults', () => {
  it.each<[string, Fault, new (...args: never[]) => UpstreamError, string, number]>([
    ['HTTP 500', { status: 500, count: 1 }, UpstreamUnavailableError, 'UPSTREAM_UNAVAILABLE', 1],
    ['HTTP 503 on every attempt', { status: 503 }, UpstreamUnavailableError, 'UPSTREAM_UNAVAILABLE', 3],
    ['HTTP 429 asking to wait past the cap', { status: 429, retryAfter: 1 }, UpstreamRateLimitedError, 'UPSTREAM_RATE_LIMITED', 1],
    ['a cut-off JSON body', { body: 'malformed' }, UpstreamBadResponseError, 'UPSTREAM_BAD_RESPONSE', 1],
  ])('maps %s to its error class and code', async (_case, fault, errorClass, code, requests) => {
    simulator.injectFault(fault);
    const error = await failure(client.listPeople());

    expect(error).toBeInstanceOf(errorClass);
    expect(error.code).toBe(code);
    expect(simulator.requests()).toHaveLength(requests);
  });

  it('reports the Retry-After of a 429 it would not sit out', async () => {
    simulator.injectFault({ status: 429, retryAfter: 1 });
    const error = await failure(client.listPeople());

    expect((error as UpstreamRateLimitedError).retryAfterMs).toBe(1000);
  });

  it('retries two 503s and succeeds on the third request', async () => {
    simulator.injectFault({ status: 503, count: 2 });
    const page = await client.listPeople({ perPage: 2 });

    expect(page.items).toEqual(seed.people.slice(0, 2).map(personForm));
    expect(simulator.requests().map((request) => request.status)).toEqual([503, 503, 200]);
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ['one statement', () => client.getUsageStatement(seed.statements[0]?.id ?? 0), 'id'],
    ['one person', () => client.getPerson(seed.people[0]?.id ?? 0), 'organization.id'],
  ])('names the mistyped field of %s in fieldPath', async (_case, call, fieldPath) => {
    simulator.injectFault({ body: 'schema' });
    const error = await failure(call());

    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect((error as UpstreamBadResponseError).fieldPath).toBe(fieldPath);
  });

  it.each<[string, () => Promise<FourmePage<unknown>>, string]>([
    ['a statement list', () => client.listUsageStatements(), 'usage_statements[0]'],
    ['a people list', () => client.listPeople(), 'people[0]'],
  ])('keeps the good records of %s and reports the mistyped one by its path and field', async (_case, call, recordPath) => {
    simulator.injectFault({ body: 'schema' });
    const page = await call();

    expect(page.items.length).toBeGreaterThan(0);
    expect(page.rejected).toHaveLength(1);
    expect(page.rejected[0]).toMatchObject({ index: 0, error: { code: 'UPSTREAM_BAD_RESPONSE', recordPath, fieldPath: 'id' } });
  });

  it('times out a slow answer at the call deadline', async () => {
    simulator.injectFault({ delayMs: 300, count: 1 });
    const error = await withClient({}, (other) => failure(other.listPeople()), { ...policy, deadlineMs: 100 });

    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    // The simulator logs the request once its delay is over; wait so it cannot leak into the next test.
    await vi.waitFor(() => expect(simulator.requests()).toHaveLength(1));
  });
});

describe('paging headers from a misbehaving upstream', () => {
  let server: Server;
  let headers: Record<string, string> = {};
  let bareClient: FourmeClient;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', ...headers });
      response.end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    bareClient = createFourmeClient({ baseUrl: `http://127.0.0.1:${port}/v1`, token: 't', account: 'a' }, policy);
  });

  afterAll(async () => {
    await bareClient.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses a next link it cannot follow by cursor (an old page= link) rather than cut the list short', async () => {
    headers = { Link: '<https://api.4me.com/v1/people?page=2&per_page=20>; rel="next"' };
    const error = await failure(bareClient.listPeople());

    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect((error as UpstreamBadResponseError).fieldPath).toBe('Link');
    expect(error.endpoint).toBe('GET /v1/people');
  });

  it('reads a page without Link or paging headers as a whole list of unknown length', async () => {
    headers = {};
    const page = await bareClient.listPeople();

    expect(page).toEqual({ items: [], rejected: [], total: undefined, next: null, prev: null });
  });
});

describe('parseLinkHeader', () => {
  it('takes the cursor of each relation, never the link itself, and skips unknown relations', () => {
    const header =
      '<https://api.4me.com/v1/people?per_page=10>; rel="first", <https://api.4me.com/v1/people?search_before=b1>; rel="prev", <https://x/y?search_after=a9>; rel="next", <https://x/y?page=9>; rel="alternate"';

    expect(parseLinkHeader(header)).toEqual({ next: 'a9', prev: 'b1' });
  });

  it('marks a relation whose link names no cursor as unreadable', () => {
    expect(parseLinkHeader('<https://api.4me.com/v1/people?page=2>; rel="next"')).toEqual({ next: undefined, prev: null });
  });
});

describe('control endpoints', () => {
  it('injects faults, lists requests, changes settings and resets over HTTP', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${url}/__control/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    expect((await post('faults', { status: 503, count: 1, path: '^/v1/people$' })).status).toBe(204);
    const faulted = await fetch(`${url}/v1/people`, { headers: ownerHeaders });
    expect(faulted.status).toBe(503);
    expect(await faulted.json()).toEqual({ message: 'injected fault: HTTP 503' });

    const logged = (await (await fetch(`${url}/__control/requests`)).json()) as { path: string; status: number }[];
    expect(logged.map(({ path, status }) => ({ path, status }))).toEqual([{ path: '/v1/people', status: 503 }]);

    expect((await post('settings', { rateLimit: 1 })).status).toBe(204);
    const overLimit = await fetch(`${url}/v1/people`, { headers: ownerHeaders });
    expect(overLimit.status).toBe(429);
    expect(overLimit.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await post('settings', { rateLimit: 3600 })).status).toBe(204);

    expect((await post('reset', {})).status).toBe(204);
    expect(await (await fetch(`${url}/__control/requests`)).json()).toEqual([]);
  });
});
