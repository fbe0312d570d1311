import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSignicatClient, type SignicatClient } from '../../src/sources/signicat/client.js';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import {
  SIGNICAT_TOKEN_LIFETIME_S,
  createSignicatSimulator,
  signicatDemoCredentials,
  signicatSimulatedSettings,
} from '../../src/sources/signicat/simulator.js';
import type { SignicatSettings } from '../../src/sources/signicat/source.js';
import type { Simulator } from '../../src/simulator/server.js';
import { UpstreamUnauthorizedError } from '../../src/upstream/errors.js';
import { TODAY, TOKEN_PATH, fastPolicy, movableClock, requestsTo } from '../support/signicat.js';

const seed = seedSignicat(TODAY);
const accountId = seed.accounts[0]?.id ?? '';

let simulator: Simulator;
let settings: SignicatSettings;

beforeAll(async () => {
  simulator = createSignicatSimulator({ today: TODAY });
  settings = signicatSimulatedSettings(await simulator.start());
});
afterAll(() => simulator.stop());
beforeEach(() => simulator.reset());

/** A fresh client (no cached token) for one test, closed afterwards. */
async function withClient<T>(
  use: (client: SignicatClient) => Promise<T>,
  overrides: Partial<SignicatSettings> = {},
  clock = movableClock(),
): Promise<T> {
  const client = createSignicatClient({ ...settings, ...overrides }, fastPolicy(), { clock });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

const tokenRequests = () => requestsTo(simulator, 'POST', TOKEN_PATH);
const usageRequests = () => requestsTo(simulator, 'GET', '/usage/transactions');

describe('signicat client credentials', () => {
  it('fetches one token for many concurrent calls that find none', async () => {
    await withClient(async (client) => {
      const calls = Array.from({ length: 8 }, () => client.usage({ accountId }, { limit: 1 }));
      await Promise.all(calls);
    });

    expect(tokenRequests()).toHaveLength(1);
    expect(usageRequests()).toHaveLength(8);
  });

  it('shares the token between the usage and account management APIs', async () => {
    await withClient(async (client) => {
      await client.usage({ accountId }, { limit: 1 });
      await client.getAccount(accountId);
      await client.listOrganizations();
    });

    expect(tokenRequests()).toHaveLength(1);
  });

  it('reuses the token until 30 s before it expires, then fetches a new one', async () => {
    const clock = movableClock();
    await withClient(
      async (client) => {
        await client.usage({ accountId }, { limit: 1 });
        clock.advance((SIGNICAT_TOKEN_LIFETIME_S - 31) * 1000);
        await client.usage({ accountId }, { limit: 1 });
        expect(tokenRequests()).toHaveLength(1);

        clock.advance(2000);
        await client.usage({ accountId }, { limit: 1 });
        expect(tokenRequests()).toHaveLength(2);
      },
      {},
      clock,
    );
  });

  it('sends the client id and secret as HTTP Basic, with the grant type and scope as a form', async () => {
    const seen: { authorization?: string; contentType?: string; body?: string }[] = [];
    // A relay in front of the token endpoint, since the simulator's log keeps no headers or bodies.
    const relay = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', async () => {
        seen.push({ authorization: request.headers.authorization, contentType: request.headers['content-type'], body });
        const upstream = await fetch(settings.tokenUrl, {
          method: 'POST',
          headers: { authorization: request.headers.authorization ?? '', 'content-type': request.headers['content-type'] ?? '' },
          body,
        });
        response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = relay.address() as AddressInfo;
      await withClient((client) => client.usage({ accountId }, { limit: 1 }), { tokenUrl: `http://127.0.0.1:${port}/connect/token` });
    } finally {
      relay.closeAllConnections();
      await new Promise((resolve) => relay.close(resolve));
    }

    const basic = Buffer.from(`${signicatDemoCredentials.clientId}:${signicatDemoCredentials.clientSecret}`).toString('base64');
    expect(seen).toEqual([
      {
        authorization: `Basic ${basic}`,
        contentType: 'application/x-www-form-urlencoded',
        body: 'grant_type=client_credentials&scope=signicat-api',
      },
    ]);
    expect(usageRequests()).toEqual([expect.objectContaining({ status: 200 })]);
  });

  it('replaces a rejected token once and retries the call', async () => {
    simulator.injectFault({ path: '^/usage', status: 401, count: 1 });

    const page = await withClient((client) => client.usage({ accountId }, { limit: 1 }));

    expect(page.items).toHaveLength(1);
    expect(tokenRequests()).toHaveLength(2);
    expect(usageRequests().map((entry) => entry.status)).toEqual([401, 200]);
  });

  it('fails as unauthorized when the fresh token is rejected too', async () => {
    simulator.injectFault({ path: '^/usage', status: 401, count: 2 });

    const call = withClient((client) => client.usage({ accountId }, { limit: 1 }));

    await expect(call).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', status: 401 });
    expect(tokenRequests()).toHaveLength(2);
    expect(usageRequests()).toHaveLength(2);
  });

  it('fails as unauthorized with a wrong client secret, without calling the API', async () => {
    const call = withClient((client) => client.usage({ accountId }), { clientSecret: 'wrong' });

    await expect(call).rejects.toBeInstanceOf(UpstreamUnauthorizedError);
    await expect(call).rejects.toMatchObject({
      code: 'UPSTREAM_UNAUTHORIZED',
      status: 401,
      endpoint: `POST ${TOKEN_PATH}`,
      message: expect.stringContaining('unknown client or wrong client secret'),
    });
    expect(usageRequests()).toHaveLength(0);
  });

  it('fails as unauthorized when the token endpoint answers 400 (a scope it refuses)', async () => {
    const call = withClient((client) => client.listAccounts(), { scope: 'other-api' });

    await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED', status: 400 });
    expect(requestsTo(simulator, 'GET', '/account-management')).toHaveLength(0);
  });

  it('retries a failed token request on the next call', async () => {
    simulator.injectFault({ path: TOKEN_PATH, status: 503, count: 1 });

    await withClient(async (client) => {
      await expect(client.usage({ accountId }, { limit: 1 })).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      await expect(client.usage({ accountId }, { limit: 1 })).resolves.toMatchObject({ nextOffset: 1 });
    });
    expect(tokenRequests().map((entry) => entry.status)).toEqual([503, 200]);
  });
});

describe('signicat token endpoint (simulator)', () => {
  const tokenFetch = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });

  it('issues a 600 s bearer token for credentials in the form body', async () => {
    const response = await tokenFetch({
      grant_type: 'client_credentials',
      scope: 'signicat-api',
      client_id: signicatDemoCredentials.clientId,
      client_secret: signicatDemoCredentials.clientSecret,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 600 });
  });

  it('issues a different token on every request', async () => {
    const basic = Buffer.from(`${signicatDemoCredentials.clientId}:${signicatDemoCredentials.clientSecret}`).toString('base64');
    const token = async () =>
      (
        (await (await tokenFetch({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` })).json()) as {
          access_token: string;
        }
      ).access_token;

    expect(await token()).not.toBe(await token());
  });

  it('rejects wrong credentials with a 401 problem', async () => {
    const response = await tokenFetch({
      grant_type: 'client_credentials',
      client_id: signicatDemoCredentials.clientId,
      client_secret: 'nope',
    });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized', type: expect.stringContaining('invalid_client') });
  });

  it('rejects a grant type other than client_credentials with a 400 problem', async () => {
    const response = await tokenFetch({
      grant_type: 'password',
      client_id: signicatDemoCredentials.clientId,
      client_secret: signicatDemoCredentials.clientSecret,
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, type: expect.stringContaining('unsupported_grant_type') });
  });
});
