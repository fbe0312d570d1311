import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/upstream/errors.js';
import type { Credentials, Upstream } from '../../src/upstream/http.js';
import type { Fault } from '../../src/simulator/faults.js';
import {
  genericUpstream,
  itemSchema,
  itemsSchema,
  rejectionOf,
  startGenericVendor,
  type GenericVendor,
  type UpstreamSetup,
} from '../support/generic-vendor.js';

const SECRET = 'sk_live_9f8e7d6c5b4a-DO-NOT-LOG';
const secretCredentials: Credentials = {
  headers: () => ({ authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET }),
  invalidate: () => {},
};

let vendor: GenericVendor;
beforeAll(async () => {
  // This vendor echoes a rejected token in its 401 message, as some real APIs do.
  vendor = await startGenericVendor({ echoRejectedToken: true });
});
afterAll(() => vendor.stop());
beforeEach(() => {
  vendor.simulator.reset();
  vendor.tokens.add(SECRET);
});

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface Case {
  name: string;
  code: string;
  fault?: Fault;
  policy?: UpstreamSetup['policy'];
  setup?: () => Promise<string | void> | string | void;
  call?: (client: Upstream) => Promise<unknown>;
  /** Calls made first, e.g. to open the circuit. */
  before?: (client: Upstream) => Promise<unknown>;
}

const getItems = (client: Upstream) => client.get('/items', { schema: itemsSchema });

const cases: Case[] = [
  { name: '400', code: 'UPSTREAM_BAD_REQUEST', fault: { status: 400 } },
  { name: '401 whose body echoes the token', code: 'UPSTREAM_UNAUTHORIZED', setup: () => void vendor.tokens.delete(SECRET) },
  { name: '404', code: 'UPSTREAM_NOT_FOUND', call: (client) => client.get('/items/99', { schema: itemSchema }) },
  { name: '503', code: 'UPSTREAM_UNAVAILABLE', fault: { status: 503 } },
  { name: '429', code: 'UPSTREAM_RATE_LIMITED', fault: { status: 429, retryAfter: 60 } },
  { name: 'timeout', code: 'UPSTREAM_TIMEOUT', fault: { delayMs: 300 }, policy: { deadlineMs: 100 } },
  { name: 'malformed body', code: 'UPSTREAM_BAD_RESPONSE', fault: { body: 'malformed' } },
  { name: 'schema-breaking body', code: 'UPSTREAM_BAD_RESPONSE', fault: { body: 'schema' } },
  { name: 'connection refused', code: 'UPSTREAM_UNAVAILABLE', setup: closedPortUrl },
  {
    name: 'open circuit',
    code: 'UPSTREAM_UNAVAILABLE',
    fault: { status: 500 },
    policy: { breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
    before: (client) => rejectionOf(getItems(client)),
  },
];

describe('error messages never hold credentials', () => {
  it.each(cases)('$name → $code without the secret in message, String() or stack', async (testCase) => {
    if (testCase.fault) vendor.simulator.injectFault(testCase.fault);
    const baseUrl = (await testCase.setup?.()) ?? vendor.url;
    const client = genericUpstream(baseUrl, { credentials: secretCredentials, ...(testCase.policy ? { policy: testCase.policy } : {}) });
    try {
      await testCase.before?.(client);
      const error = await rejectionOf((testCase.call ?? getItems)(client));
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ code: testCase.code });
      const { message, stack } = error as Error;
      for (const text of [message, String(error), stack ?? '']) expect(text).not.toContain(SECRET);
    } finally {
      await client.close();
    }
  });

  it('the echoing vendor really does send the secret back, so the case above is meaningful', async () => {
    vendor.tokens.delete(SECRET);
    const response = await fetch(`${vendor.url}/items`, { headers: { authorization: `Bearer ${SECRET}` } });
    expect(await response.text()).toContain(SECRET);
  });
});
