import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  UpstreamBadRequestError,
  UpstreamBadResponseError,
  UpstreamError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnauthorizedError,
  UpstreamUnavailableError,
} from '../../src/upstream/errors.js';
import type { Credentials, Upstream } from '../../src/upstream/http.js';
import { tolerantArray } from '../../src/upstream/tolerant.js';
import {
  FakeClock,
  ITEMS,
  genericUpstream,
  itemSchema,
  itemsSchema,
  rejectionOf,
  startGenericVendor,
  tokenSchema,
  type GenericVendor,
  type UpstreamSetup,
} from '../support/generic-vendor.js';

let vendor: GenericVendor;
const opened: Upstream[] = [];

beforeAll(async () => {
  vendor = await startGenericVendor();
});
afterAll(() => vendor.stop());
beforeEach(() => vendor.simulator.reset());
afterEach(async () => {
  await Promise.all(opened.splice(0).map((upstream) => upstream.close()));
});

function upstream(setup: UpstreamSetup = {}): Upstream {
  const created = genericUpstream(vendor.url, setup);
  opened.push(created);
  return created;
}

const getItems = (client: Upstream) => client.get('/items', { schema: itemsSchema });
const requestCount = () => vendor.simulator.requests().length;

/** Waits until the simulator has logged `count` requests (a delayed answer is logged when it is finally written). */
async function loggedRequests(count: number): Promise<number> {
  const until = Date.now() + 2000;
  while (requestCount() < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  return requestCount();
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Upstream: success', () => {
  it('returns the body parsed by the schema, with status and lower-cased headers', async () => {
    const response = await getItems(upstream());
    const firstId: number = response.data.items[0]!.id;
    expect(firstId).toBe(1);
    expect(response.data).toEqual({ items: ITEMS });
    expect(response.status).toBe(200);
    // The vendor writes `X-RateLimit-Limit`; the core hands out lower-case keys only.
    expect(response.headers['x-ratelimit-limit']).toBe('1000');
    expect(response.headers['content-type']).toBe('application/json');
    expect(Object.keys(response.headers).every((key) => key === key.toLowerCase())).toBe(true);
  });

  it('serialises the query: repeated keys for arrays, undefined and null skipped, scalars stringified', async () => {
    await upstream().get('/items', {
      schema: itemsSchema,
      query: { q: 'a b', id: [1, 2, 3], none: undefined, nothing: null, flag: true, limit: 5, empty: [] },
    });
    const [entry] = vendor.simulator.requests();
    expect(entry?.query).toEqual({ q: ['a b'], id: ['1', '2', '3'], flag: ['true'], limit: ['5'] });
  });

  it('sends the request to the base URL path prefix', async () => {
    const error = await rejectionOf(upstream({ baseUrl: `${vendor.url}/v1/` }).get('/items', { schema: itemsSchema }));
    expect(vendor.simulator.requests().map((entry) => entry.path)).toEqual(['/v1/items']);
    expect(error).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', endpoint: 'GET /v1/items' });
  });

  it('parses a POST form answer (the token call)', async () => {
    const response = await upstream().postForm('/token', { grant_type: 'client_credentials' }, { schema: tokenSchema });
    expect(response.data.token_type).toBe('Bearer');
    expect(vendor.tokens.has(response.data.access_token)).toBe(true);
  });
});

describe('Upstream: HTTP status → error', () => {
  const cases = [
    { status: 400, type: UpstreamBadRequestError, code: 'UPSTREAM_BAD_REQUEST', requests: 1 },
    { status: 401, type: UpstreamUnauthorizedError, code: 'UPSTREAM_UNAUTHORIZED', requests: 1 },
    { status: 403, type: UpstreamUnauthorizedError, code: 'UPSTREAM_UNAUTHORIZED', requests: 1 },
    { status: 404, type: UpstreamNotFoundError, code: 'UPSTREAM_NOT_FOUND', requests: 1 },
    { status: 422, type: UpstreamBadRequestError, code: 'UPSTREAM_BAD_REQUEST', requests: 1 },
    { status: 500, type: UpstreamUnavailableError, code: 'UPSTREAM_UNAVAILABLE', requests: 1 },
    { status: 502, type: UpstreamUnavailableError, code: 'UPSTREAM_UNAVAILABLE', requests: 3 },
    { status: 503, type: UpstreamUnavailableError, code: 'UPSTREAM_UNAVAILABLE', requests: 3 },
    { status: 504, type: UpstreamUnavailableError, code: 'UPSTREAM_UNAVAILABLE', requests: 3 },
  ] as const;

  it.each(cases)('HTTP $status → $code after exactly $requests request(s)', async ({ status, type, code, requests }) => {
    vendor.simulator.injectFault({ path: '^/items$', status });
    const error = await rejectionOf(getItems(upstream({ policy: { maxAttempts: 3 } })));
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code, source: 'onomondo', status, endpoint: 'GET /items' });
    expect((error as Error).message).toContain(`injected fault: HTTP ${status}`);
    expect(requestCount()).toBe(requests);
  });

  it.each([1, 2, 5])('503 is tried exactly maxAttempts = %i times', async (maxAttempts) => {
    vendor.simulator.injectFault({ status: 503 });
    const error = await rejectionOf(getItems(upstream({ policy: { maxAttempts } })));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    expect(requestCount()).toBe(maxAttempts);
  });

  it('waits the growing backoff between 503 retries', async () => {
    vendor.simulator.injectFault({ status: 503 });
    const clock = new FakeClock();
    await rejectionOf(getItems(upstream({ clock, policy: { maxAttempts: 4, backoffBaseMs: 100, backoffMaxMs: 250 } })));
    // random() = 1 gives the full step: 100, 200, then capped at 250.
    expect(clock.sleeps).toEqual([100, 200, 250]);
  });

  it('a real 404 carries the vendor message', async () => {
    const error = await rejectionOf(upstream().get('/items/99', { schema: itemSchema }));
    expect(error).toBeInstanceOf(UpstreamNotFoundError);
    expect(error).toMatchObject({ status: 404, endpoint: 'GET /items/99' });
    // The message names the vendor, never its paths (the endpoint template is on the error for logs).
    expect((error as Error).message).toBe('onomondo: not found: no item 99');
  });

  it('returns the data when a retry follows a transient 503', async () => {
    vendor.simulator.injectFault({ status: 503, count: 1 });
    const response = await getItems(upstream());
    expect(response.data.items).toHaveLength(3);
    expect(vendor.simulator.requests().map((entry) => entry.status)).toEqual([503, 200]);
  });

  it('never retries a POST on 503', async () => {
    vendor.simulator.injectFault({ path: '^/token$', status: 503 });
    const error = await rejectionOf(upstream().postForm('/token', { grant_type: 'client_credentials' }, { schema: tokenSchema }));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503, endpoint: 'POST /token' });
    expect(requestCount()).toBe(1);
  });
});

describe('Upstream: 429 and Retry-After', () => {
  it('waits exactly the Retry-After seconds, then returns the data', async () => {
    vendor.simulator.injectFault({ status: 429, retryAfter: 2, count: 1 });
    const clock = new FakeClock();
    const response = await getItems(upstream({ clock }));
    expect(response.data.items).toHaveLength(3);
    expect(clock.sleeps).toEqual([2000]);
    expect(requestCount()).toBe(2);
  });

  it('waits until a Retry-After HTTP date', async () => {
    const clock = new FakeClock();
    vendor.simulator.injectFault({ status: 429, retryAfter: new Date(clock.now() + 3000).toUTCString(), count: 1 });
    await getItems(upstream({ clock }));
    expect(clock.sleeps).toEqual([3000]);
    expect(requestCount()).toBe(2);
  });

  it('fails as rate limited at once when Retry-After is above retryAfterCapMs', async () => {
    vendor.simulator.injectFault({ status: 429, retryAfter: 10 });
    const clock = new FakeClock();
    const error = await rejectionOf(getItems(upstream({ clock, policy: { retryAfterCapMs: 5000 } })));
    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', status: 429, retryAfterMs: 10_000, endpoint: 'GET /items' });
    expect(clock.sleeps).toEqual([]);
    expect(requestCount()).toBe(1);
  });

  it('fails as rate limited when 429 persists through every attempt', async () => {
    vendor.simulator.injectFault({ status: 429, retryAfter: 1 });
    const clock = new FakeClock();
    const error = await rejectionOf(getItems(upstream({ clock, policy: { maxAttempts: 3 } })));
    expect(error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfterMs: 1000 });
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(requestCount()).toBe(3);
  });

  it('fails as rate limited when the vendor’s own limit is exhausted for longer than the cap', async () => {
    vendor.simulator.configure({ rateLimit: 1 });
    try {
      const client = upstream({ clock: new FakeClock() });
      await getItems(client);
      const error = await rejectionOf(getItems(client));
      expect(error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', status: 429 });
      expect((error as UpstreamRateLimitedError).retryAfterMs).toBeGreaterThan(5000);
      expect(requestCount()).toBe(2);
    } finally {
      vendor.simulator.configure({ rateLimit: 1000 });
    }
  });
});

describe('Upstream: credential refresh', () => {
  function rotatingCredentials(initial: string, next: () => string) {
    let token = initial;
    const sent: string[] = [];
    let invalidations = 0;
    const credentials: Credentials = {
      headers: () => {
        sent.push(token);
        return { authorization: `Bearer ${token}` };
      },
      invalidate: () => {
        invalidations += 1;
        token = next();
      },
    };
    return { credentials, sent, invalidations: () => invalidations };
  }

  it('on 401 invalidates once and retries with fresh headers (2 requests)', async () => {
    const issued: string[] = [];
    const rotating = rotatingCredentials('revoked', () => {
      const token = vendor.issueToken();
      issued.push(token);
      return token;
    });
    const response = await getItems(upstream({ credentials: rotating.credentials }));
    expect(response.data.items).toHaveLength(3);
    expect(rotating.invalidations()).toBe(1);
    expect(rotating.sent).toEqual(['revoked', ...issued]);
    expect(vendor.simulator.requests().map((entry) => entry.status)).toEqual([401, 200]);
  });

  it('a second 401 after the refresh fails as unauthorized', async () => {
    const rotating = rotatingCredentials('revoked', () => 'also-revoked');
    const error = await rejectionOf(getItems(upstream({ credentials: rotating.credentials })));
    expect(error).toBeInstanceOf(UpstreamUnauthorizedError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', status: 401 });
    expect(rotating.invalidations()).toBe(1);
    expect(requestCount()).toBe(2);
  });

  it('a 403 is also retried once with refreshed credentials', async () => {
    vendor.simulator.injectFault({ status: 403, count: 1 });
    const rotating = rotatingCredentials('initial-token', () => 'initial-token');
    await getItems(upstream({ credentials: rotating.credentials }));
    expect(rotating.invalidations()).toBe(1);
    expect(requestCount()).toBe(2);
  });
});

describe('Upstream: bad bodies', () => {
  it('a body that is not JSON → UPSTREAM_BAD_RESPONSE, not retried', async () => {
    vendor.simulator.injectFault({ body: 'malformed' });
    const error = await rejectionOf(getItems(upstream()));
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', status: 200, endpoint: 'GET /items' });
    expect((error as Error).message).toContain('not JSON');
    expect(requestCount()).toBe(1);
  });

  it('a body that breaks the schema → UPSTREAM_BAD_RESPONSE naming source, endpoint and field path', async () => {
    vendor.simulator.injectFault({ body: 'schema' });
    const error = await rejectionOf(getItems(upstream()));
    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', fieldPath: 'items[0].id', status: 200, endpoint: 'GET /items' });
    const { message } = error as Error;
    expect(message).toMatch(/^onomondo: /);
    expect(message).toContain('items[0].id');
  });

  it('a tolerant list keeps its good records and reports the bad one by record path and field', async () => {
    vendor.simulator.injectFault({ body: 'schema' });
    const response = await upstream().get('/items', { schema: z.object({ items: tolerantArray('items', itemSchema) }) });
    expect(response.data.items).toEqual(ITEMS.slice(1));
    expect(response.rejected).toHaveLength(1);
    expect(response.rejected[0]).toMatchObject({ index: 0, raw: { id: 'not-a-number', name: 'a' } });
    expect(response.rejected[0]?.error).toMatchObject({
      code: 'UPSTREAM_BAD_RESPONSE',
      recordPath: 'items[0]',
      fieldPath: 'id',
      endpoint: 'GET /items',
    });
  });

  it('a path parameter that would leave its segment is refused before any call', async () => {
    for (const id of ['..', '.', '', 'a/b']) {
      const error = await rejectionOf(upstream().get('/items/{id}', { schema: itemSchema, params: { id } }));
      expect(error).toMatchObject({ code: 'UPSTREAM_BAD_REQUEST', endpoint: 'GET /items/{id}' });
    }
    expect(requestCount()).toBe(0);
  });

  it('a path parameter is percent-encoded into its one segment', async () => {
    await rejectionOf(upstream().get('/items/{id}', { schema: itemSchema, params: { id: 'a b?c' } }));
    expect(vendor.simulator.requests().map((entry) => entry.path)).toEqual(['/items/a%20b%3Fc']);
  });

  it('a schema break in a single record names the top-level field', async () => {
    vendor.simulator.injectFault({ body: 'schema' });
    const error = await rejectionOf(upstream().get('/items/1', { schema: itemSchema }));
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', fieldPath: 'id' });
  });
});

describe('Upstream: timeouts and the deadline', () => {
  it.each([
    { name: 'headersTimeoutMs', policy: { headersTimeoutMs: 100, deadlineMs: 5000 } },
    { name: 'deadlineMs', policy: { headersTimeoutMs: 5000, deadlineMs: 100 } },
  ])('a 300 ms answer with $name = 100 → UPSTREAM_TIMEOUT within a bound', async ({ policy }) => {
    vendor.simulator.injectFault({ delayMs: 300 });
    const started = performance.now();
    const error = await rejectionOf(getItems(upstream({ policy })));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', source: 'onomondo', endpoint: 'GET /items' });
    expect(elapsed).toBeLessThan(1000);
  });

  it('a GET whose first attempt times out is retried and returns the data', async () => {
    vendor.simulator.injectFault({ delayMs: 300, count: 1 });
    const started = performance.now();
    const response = await getItems(upstream({ policy: { headersTimeoutMs: 100 } }));
    // The first attempt is given up at 100 ms, long before its 300 ms answer.
    expect(performance.now() - started).toBeLessThan(250);
    expect(response.data.items).toHaveLength(3);
    expect(await loggedRequests(2)).toBe(2);
  });

  it('the deadline caps retries of timed-out attempts', async () => {
    vendor.simulator.injectFault({ delayMs: 300 });
    const started = performance.now();
    const error = await rejectionOf(getItems(upstream({ policy: { headersTimeoutMs: 100, deadlineMs: 250, maxAttempts: 10 } })));
    expect(performance.now() - started).toBeLessThan(600);
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    // Attempts at about 0, 100 and 200 ms; the third is cut off by the 250 ms deadline, and no fourth starts.
    const attempts = await loggedRequests(3);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(3);
  });

  it('the deadline caps backoff retries: no wait is started that would outlast it', async () => {
    vendor.simulator.injectFault({ status: 503 });
    const clock = new FakeClock();
    const error = await rejectionOf(
      getItems(upstream({ clock, policy: { maxAttempts: 10, backoffBaseMs: 600, backoffMaxMs: 10_000, deadlineMs: 1000 } })),
    );
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503 });
    // 600 ms fits the 1000 ms budget; the next step (1200 ms) does not.
    expect(clock.sleeps).toEqual([600]);
    expect(requestCount()).toBe(2);
  });

  it('a Retry-After under the cap but past the deadline fails as rate limited at once', async () => {
    vendor.simulator.injectFault({ status: 429, retryAfter: 2 });
    const clock = new FakeClock();
    const error = await rejectionOf(getItems(upstream({ clock, policy: { deadlineMs: 1900, retryAfterCapMs: 5000 } })));
    expect(error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED', retryAfterMs: 2000 });
    expect(clock.sleeps).toEqual([]);
    expect(requestCount()).toBe(1);
  });
});

describe('Upstream: connection failures', () => {
  it('connection refused → UPSTREAM_UNAVAILABLE after every attempt', async () => {
    const port = await closedPort();
    const clock = new FakeClock();
    const client = genericUpstream(`http://127.0.0.1:${port}`, { clock, policy: { maxAttempts: 3 } });
    opened.push(client);
    const error = await rejectionOf(getItems(client));
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'onomondo', endpoint: 'GET /items', status: undefined });
    expect((error as Error).message).toContain('ECONNREFUSED');
    // Two waits between three attempts.
    expect(clock.sleeps).toHaveLength(2);
  });
});

describe('Upstream: connection cap', () => {
  it('with maxConnections 2, ten concurrent calls never overlap more than two at the vendor', async () => {
    const slow = await startGenericVendor({ latencyMs: 50 });
    const client = genericUpstream(slow.url, { policy: { maxConnections: 2 } });
    try {
      const results = await Promise.all(Array.from({ length: 10 }, () => getItems(client)));
      expect(results).toHaveLength(10);
      const log = slow.simulator.requests();
      expect(log).toHaveLength(10);
      const overlapAt = (time: number) => log.filter((entry) => entry.startedAt <= time && time < entry.endedAt).length;
      const maxOverlap = Math.max(...log.map((entry) => overlapAt(entry.startedAt)));
      expect(maxOverlap).toBe(2);
    } finally {
      await client.close();
      await slow.stop();
    }
  });
});
