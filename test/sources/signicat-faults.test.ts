import { describe, expect, it, vi } from 'vitest';
import { usagePageSchema } from '../../src/sources/signicat/schemas.js';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import { createSignicatSimulator, signicatDemoCredentials } from '../../src/sources/signicat/simulator.js';
import type { Fault } from '../../src/simulator/faults.js';
import type { RequestLogEntry } from '../../src/simulator/server.js';
import {
  UpstreamBadResponseError,
  UpstreamRateLimitedError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type UpstreamError,
} from '../../src/upstream/errors.js';
import { TODAY, useSignicat, TOKEN_PATH, requestsTo } from '../support/signicat.js';

const seed = seedSignicat(TODAY);
const accountId = seed.accounts[0]?.id ?? '';

// Long enough for three quick attempts on a loaded machine, short enough for the deadline case to stay quick.
const signicat = useSignicat({ deadlineMs: 1000 });

const usageRequests = () => requestsTo(signicat.simulator, 'GET', '/usage/transactions');

describe('signicat faults', () => {
  interface FaultCase {
    name: string;
    fault: Omit<Fault, 'path'>;
    errorClass: new (...args: never[]) => UpstreamError;
    code: string;
    requests: number;
  }
  it.each<FaultCase>([
    { name: 'a 500', fault: { status: 500, count: 1 }, errorClass: UpstreamUnavailableError, code: 'UPSTREAM_UNAVAILABLE', requests: 1 },
    {
      name: 'three 503s',
      fault: { status: 503, count: 3 },
      errorClass: UpstreamUnavailableError,
      code: 'UPSTREAM_UNAVAILABLE',
      requests: 3,
    },
    {
      name: 'a 429 asking for longer than the cap',
      fault: { status: 429, retryAfter: 1, count: 1 },
      errorClass: UpstreamRateLimitedError,
      code: 'UPSTREAM_RATE_LIMITED',
      requests: 1,
    },
    {
      name: 'a cut-off JSON body',
      fault: { body: 'malformed', count: 1 },
      errorClass: UpstreamBadResponseError,
      code: 'UPSTREAM_BAD_RESPONSE',
      requests: 1,
    },
    {
      name: 'an answer past the deadline',
      fault: { delayMs: 1500, count: 1 },
      errorClass: UpstreamTimeoutError,
      code: 'UPSTREAM_TIMEOUT',
      requests: 1,
    },
  ])('maps $name to $code', async ({ fault, errorClass, code, requests }) => {
    signicat.simulator.injectFault({ path: '^/usage', ...fault });

    const call = signicat.client.usage({ accountId }, { limit: 5 });

    await expect(call).rejects.toBeInstanceOf(errorClass);
    await expect(call).rejects.toMatchObject({ code, source: 'signicat', endpoint: 'GET /usage/transactions' });
    // A delayed answer enters the log only once the simulator sends it, after the client gave up.
    await vi.waitFor(() => expect(usageRequests()).toHaveLength(requests));
  });

  it('recovers from two 503s on the third attempt', async () => {
    signicat.simulator.injectFault({ path: '^/usage', status: 503, count: 2 });

    const page = await signicat.client.usage({ accountId }, { limit: 5 });

    expect(page.items).toHaveLength(5);
    expect(usageRequests().map((entry) => entry.status)).toEqual([503, 503, 200]);
  });

  it('waits out a 429 whose Retry-After fits under the cap, then succeeds', async () => {
    signicat.simulator.injectFault({ path: '^/usage', status: 429, retryAfter: 0, count: 1 });

    await signicat.client.usage({ accountId }, { limit: 5 });

    expect(usageRequests().map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('reports how long a 429 asked to wait', async () => {
    signicat.simulator.injectFault({ path: '^/usage', status: 429, retryAfter: 1, count: 1 });

    await expect(signicat.client.usage({ accountId })).rejects.toMatchObject({ retryAfterMs: 1000, status: 429 });
  });

  it('keeps a usage page’s good rows and reports the row with a field of the wrong type by its path and field', async () => {
    signicat.simulator.injectFault({ path: '^/usage', body: 'schema', count: 1 });

    const page = await signicat.client.usage({ accountId }, { limit: 5 });

    expect(page.items).toHaveLength(4);
    expect(page.rejected).toHaveLength(1);
    expect(page.rejected[0]?.error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', recordPath: 'data[0]', fieldPath: 'count' });
    expect(page.nextOffset).toBe(5);
  });

  it('keeps an account page’s good accounts and reports the account with a field of the wrong type', async () => {
    signicat.simulator.injectFault({ path: '^/account-management', body: 'schema', count: 1 });

    const page = await signicat.client.listAccounts();

    expect(page.items.length).toBeGreaterThan(1);
    expect(page.rejected.map((record) => [record.index, record.error.recordPath, record.error.fieldPath])).toEqual([[0, 'data[0]', 'id']]);
  });

  it('fails a whole answer whose envelope breaks the schema, naming the field', async () => {
    signicat.simulator.injectFault({ path: '^/account-management', body: 'schema', count: 1 });

    await expect(signicat.client.getAccount(accountId)).rejects.toMatchObject({
      code: 'UPSTREAM_BAD_RESPONSE',
      fieldPath: 'organization.id',
    });
  });

  it('rejects a paging link whose offset is not a number', async () => {
    // A stand-in vendor answer: the simulator itself always writes numeric offsets.
    const page = { previous: null, next: `${signicat.settings.baseUrl}/usage/transactions?offset=later`, data: [] };
    const result = usagePageSchema.safeParse(page);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['next']);
  });
});

describe('signicat simulator controls', () => {
  it('takes faults, settings, reset and the request log over /__control/', async () => {
    const control = (path: string, body?: unknown) =>
      fetch(`${signicat.settings.baseUrl}/__control/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });

    expect((await control('faults', { path: '^/usage', status: 503, count: 1 })).status).toBe(204);
    expect((await control('settings', { latencyMs: 1 })).status).toBe(204);
    await signicat.client.usage({ accountId }, { limit: 1 });
    const log = (await (await control('requests')).json()) as RequestLogEntry[];

    expect(log.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
      ['POST', TOKEN_PATH, 200],
      ['GET', '/usage/transactions', 503],
      ['GET', '/usage/transactions', 200],
    ]);
    expect(log[2]?.query).toEqual({ limit: ['1'] });
    expect((await control('reset', {})).status).toBe(204);
    expect(await (await control('requests')).json()).toEqual([]);
    expect((await control('settings', { latencyMs: 0 })).status).toBe(204);
  });

  it('answers 429 with Retry-After and rate-limit headers past a configured rate limit', async () => {
    const limited = createSignicatSimulator({ today: TODAY, rateLimit: 2 });
    const url = await limited.start();
    try {
      const tokenRequest = () =>
        fetch(`${url}${TOKEN_PATH}`, {
          method: 'POST',
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: signicatDemoCredentials.clientId,
            client_secret: signicatDemoCredentials.clientSecret,
          }),
        });
      const answers = [await tokenRequest(), await tokenRequest(), await tokenRequest()];

      expect(answers.map((response) => response.status)).toEqual([200, 200, 429]);
      expect(answers.map((response) => response.headers.get('ratelimit-remaining'))).toEqual(['1', '0', '0']);
      expect(answers[2]?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(answers[2]?.headers.get('content-type')).toBe('application/problem+json');
      expect(await answers[2]?.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    } finally {
      await limited.stop();
    }
  });

  it('sends no rate-limit headers when no rate limit is configured', async () => {
    const response = await fetch(`${signicat.settings.baseUrl}/account-management/accounts`);

    expect(response.status).toBe(401);
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });
});
