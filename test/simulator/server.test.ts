import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../../src/simulator/server.js';
import { ERROR_CONTENT_TYPE, ITEMS, startGenericVendor, type GenericVendor } from '../support/generic-vendor.js';

let vendor: GenericVendor;
const auth = { authorization: 'Bearer initial-token' };

beforeAll(async () => {
  vendor = await startGenericVendor({ profileLimit: 1000, windowMs: 60_000 });
});
afterAll(() => vendor.stop());
beforeEach(() => {
  vendor.simulator.reset();
  vendor.simulator.configure({ latencyMs: 0, rateLimit: 1000 });
});

const get = (path: string, headers: Record<string, string> = auth) => fetch(`${vendor.url}${path}`, { headers });
const control = (path: string, body?: unknown, method = 'POST') =>
  fetch(`${vendor.url}/__control/${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
const statuses = () => vendor.simulator.requests().map((entry) => entry.status);

describe('Simulator routing and auth', () => {
  it('serves a route with the vendor’s rate-limit headers', async () => {
    const response = await get('/items');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('999');
    expect(await response.json()).toEqual({ items: ITEMS });
  });

  it('answers an unknown route with the profile’s 404 in its own error format and content type', async () => {
    const response = await get('/nowhere');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe(ERROR_CONTENT_TYPE);
    expect(await response.json()).toEqual({ error: 'not_found', message: 'no route for GET /nowhere' });
  });

  it('answers a route with the wrong method as unknown', async () => {
    const response = await fetch(`${vendor.url}/items`, { method: 'POST', headers: auth });
    expect(response.status).toBe(404);
  });

  it('rejects a request without credentials with the profile’s 401', async () => {
    const response = await get('/items', {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('lets a public route through without credentials', async () => {
    const response = await fetch(`${vendor.url}/token`, { method: 'POST', body: 'grant_type=client_credentials' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer' });
  });

  it('decodes route params and tolerates a trailing slash', async () => {
    const response = await get('/names/a%20b/%C3%A6%2F%3F/');
    expect(await response.json()).toEqual({ params: { first: 'a b', second: 'æ/?' } });
  });

  it('answers a malformed percent-escape in a route param with the profile’s 400, not a 500', async () => {
    const response = await get('/names/%E0%A4%A/x');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(ERROR_CONTENT_TYPE);
  });

  it('logs method, path, grouped query, status and timing of each request', async () => {
    const before = performance.timeOrigin + performance.now();
    await get('/items?id=1&id=2&q=x');
    const [entry] = vendor.simulator.requests() as [RequestLogEntry];
    expect(entry).toMatchObject({ method: 'GET', path: '/items', query: { id: ['1', '2'], q: ['x'] }, status: 200 });
    expect(entry.startedAt).toBeGreaterThanOrEqual(before - 1);
    expect(entry.endedAt).toBeGreaterThanOrEqual(entry.startedAt);
  });

  it('adds the configured latency to every answer', async () => {
    vendor.simulator.configure({ latencyMs: 80 });
    const started = performance.now();
    await get('/items');
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    const [entry] = vendor.simulator.requests() as [RequestLogEntry];
    expect(entry.endedAt - entry.startedAt).toBeGreaterThanOrEqual(75);
  });
});

describe('Simulator rate limit', () => {
  it('answers past the limit with 429, Retry-After and the profile’s headers', async () => {
    vendor.simulator.configure({ rateLimit: 2 });
    expect((await get('/items')).status).toBe(200);
    expect((await get('/items')).headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = await get('/items');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await limited.json()).toMatchObject({ error: 'rate_limit_exceeded' });
    expect(statuses()).toEqual([200, 200, 429]);
  });

  it('a new window lets requests through again', async () => {
    const short = await startGenericVendor({ profileLimit: 1, windowMs: 100 });
    try {
      const call = () => fetch(`${short.url}/items`, { headers: auth }).then((response) => response.status);
      expect(await call()).toBe(200);
      expect(await call()).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect(await call()).toBe(200);
    } finally {
      await short.stop();
    }
  });

  it('reset() clears the rate-limit window', async () => {
    vendor.simulator.configure({ rateLimit: 1 });
    await get('/items');
    expect((await get('/items')).status).toBe(429);
    vendor.simulator.reset();
    expect((await get('/items')).status).toBe(200);
  });
});

describe('Simulator faults', () => {
  it('a status fault answers in the vendor’s error format with Retry-After', async () => {
    vendor.simulator.injectFault({ status: 503, retryAfter: 7 });
    const response = await get('/items');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('content-type')).toBe(ERROR_CONTENT_TYPE);
    expect(response.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(await response.json()).toEqual({ error: 'service_unavailable', message: 'injected fault: HTTP 503' });
  });

  it('a fault with a path pattern affects only matching paths', async () => {
    vendor.simulator.injectFault({ path: '^/items/\\d+$', status: 500 });
    expect((await get('/items')).status).toBe(200);
    expect((await get('/items/1')).status).toBe(500);
    expect((await get('/items/2')).status).toBe(500);
  });

  it('a fault with count 2 affects exactly two requests', async () => {
    vendor.simulator.injectFault({ status: 502, count: 2 });
    for (let i = 0; i < 4; i++) await get('/items');
    expect(statuses()).toEqual([502, 502, 200, 200]);
  });

  it('a fault without count affects every request until reset', async () => {
    vendor.simulator.injectFault({ status: 500 });
    for (let i = 0; i < 3; i++) await get('/items');
    vendor.simulator.reset();
    await get('/items');
    expect(statuses()).toEqual([200]);
  });

  it('a method filter leaves other methods alone', async () => {
    vendor.simulator.injectFault({ method: 'POST', status: 503 });
    expect((await get('/items')).status).toBe(200);
    const post = await fetch(`${vendor.url}/token`, { method: 'POST', body: 'grant_type=client_credentials' });
    expect(post.status).toBe(503);
  });

  it('faults apply in the order injected, each consuming its own count', async () => {
    vendor.simulator.injectFault({ status: 500, count: 1 });
    vendor.simulator.injectFault({ status: 503, count: 1 });
    for (let i = 0; i < 3; i++) await get('/items');
    expect(statuses()).toEqual([500, 503, 200]);
  });

  it('a delay fault holds the answer back', async () => {
    vendor.simulator.injectFault({ delayMs: 100, count: 1 });
    const started = performance.now();
    expect((await get('/items')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('a malformed-body fault sends a 200 with cut-off JSON', async () => {
    vendor.simulator.injectFault({ body: 'malformed' });
    const response = await get('/items');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(JSON.stringify({ items: ITEMS }).startsWith(text)).toBe(true);
  });

  it('a schema fault breaks the first field of the first record', async () => {
    vendor.simulator.injectFault({ body: 'schema' });
    const body = (await (await get('/items')).json()) as { items: { id: unknown; name: unknown }[] };
    expect(body.items[0]).toEqual({ id: 'not-a-number', name: 'a' });
    expect(body.items[1]).toEqual(ITEMS[1]);
  });

  it('a body fault leaves error answers alone', async () => {
    vendor.simulator.injectFault({ body: 'schema' });
    const response = await get('/items/99');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'item_not_found' });
  });

  it('an invalid fault is refused', () => {
    expect(() => vendor.simulator.injectFault({ status: 200 })).toThrow();
    expect(() => vendor.simulator.injectFault({ count: 0 })).toThrow();
  });
});

describe('Simulator HTTP control endpoints', () => {
  it('POST /__control/faults takes one fault object', async () => {
    expect((await control('faults', { status: 503, count: 1 })).status).toBe(204);
    expect((await get('/items')).status).toBe(503);
    expect((await get('/items')).status).toBe(200);
  });

  it('POST /__control/faults takes an array of faults', async () => {
    expect(
      (
        await control('faults', [
          { path: '^/items$', status: 500, count: 1 },
          { status: 404, count: 1 },
        ])
      ).status,
    ).toBe(204);
    expect((await get('/items')).status).toBe(500);
    expect((await get('/items')).status).toBe(404);
    expect((await get('/items')).status).toBe(200);
  });

  it.each([
    { name: 'not JSON', body: '{nope' },
    { name: 'a status below 400', body: { status: 200 } },
    { name: 'an unknown body fault', body: { body: 'truncated' } },
    { name: 'an invalid path pattern', body: { path: '(' } },
    { name: 'an array holding a bad fault', body: [{ status: 503 }, { count: -1 }] },
    { name: 'an array holding a bad path pattern', body: [{ status: 503 }, { path: '[' }] },
  ])('POST /__control/faults with $name → 400 and no fault added', async ({ body }) => {
    const response = await control('faults', body);
    expect(response.status).toBe(400);
    expect(await response.json()).toHaveProperty('error');
    expect((await get('/items')).status).toBe(200);
  });

  it('GET /__control/requests lists served requests and is not itself logged', async () => {
    await get('/items');
    await get('/items/2');
    const response = await control('requests', undefined, 'GET');
    expect(response.status).toBe(200);
    const log = (await response.json()) as RequestLogEntry[];
    expect(log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual(['GET /items 200', 'GET /items/2 200']);
    await control('requests', undefined, 'GET');
    expect(vendor.simulator.requests()).toHaveLength(2);
  });

  it('control requests do not count against the rate limit', async () => {
    vendor.simulator.configure({ rateLimit: 1 });
    for (let i = 0; i < 3; i++) await control('requests', undefined, 'GET');
    expect((await get('/items')).status).toBe(200);
  });

  it('POST /__control/reset clears faults and the log', async () => {
    vendor.simulator.injectFault({ status: 500 });
    await get('/items');
    expect((await control('reset')).status).toBe(204);
    expect(vendor.simulator.requests()).toEqual([]);
    expect((await get('/items')).status).toBe(200);
  });

  it('POST /__control/settings changes latency and rate limit', async () => {
    expect((await control('settings', { latencyMs: 60, rateLimit: 1 })).status).toBe(204);
    const started = performance.now();
    expect((await get('/items')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect((await get('/items')).status).toBe(429);
  });

  it.each([
    { name: 'a negative latency', body: { latencyMs: -1 } },
    { name: 'a zero rate limit', body: { rateLimit: 0 } },
    { name: 'not JSON', body: 'latency=1' },
  ])('POST /__control/settings with $name → 400', async ({ body }) => {
    expect((await control('settings', body)).status).toBe(400);
  });

  it('an unknown control endpoint → 404', async () => {
    expect((await control('nothing')).status).toBe(404);
    expect((await control('faults', undefined, 'GET')).status).toBe(404);
  });
});

describe('Simulator lifecycle', () => {
  it('url throws before start and after stop', async () => {
    const other = await startGenericVendor();
    expect(other.simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await other.stop();
    expect(() => other.simulator.url).toThrow(/not started/);
  });

  it('stop() ends even with a request still being answered', async () => {
    const other = await startGenericVendor({ latencyMs: 2000 });
    const pending = fetch(`${other.url}/items`, { headers: auth }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    await other.stop();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(Error);
  });
});
