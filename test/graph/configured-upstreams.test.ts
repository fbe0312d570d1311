import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOperation } from '../../src/schema/example-operation.js';
import type { Simulator } from '../../src/simulator/server.js';
import { createFourmeSimulator, fourmeSimulatedSettings } from '../../src/sources/fourme/simulator.js';
import { createOnomondoSimulator, onomondoDemoCredentials } from '../../src/sources/onomondo/simulator.js';
import { createSignicatSimulator, signicatDemoCredentials } from '../../src/sources/signicat/simulator.js';
import { TEST_TODAY, startTestGateway, type TestGateway } from '../support/gateway.js';

/** The same vendors, once embedded and once reached through the variables an operator sets for real ones. */
let embedded: TestGateway;
let configured: TestGateway;
let standalone: Simulator[];

beforeAll(async () => {
  standalone = [
    createSignicatSimulator({ today: TEST_TODAY }),
    createOnomondoSimulator({ today: TEST_TODAY }),
    createFourmeSimulator({ today: TEST_TODAY }),
  ];
  const [signicat, onomondo, fourme] = await Promise.all(standalone.map((simulator) => simulator.start()));
  embedded = await startTestGateway();
  configured = await startTestGateway({
    SIGNICAT_BASE_URL: signicat ?? '',
    SIGNICAT_CLIENT_ID: signicatDemoCredentials.clientId,
    SIGNICAT_CLIENT_SECRET: signicatDemoCredentials.clientSecret,
    ONOMONDO_BASE_URL: onomondo ?? '',
    ONOMONDO_API_KEY: onomondoDemoCredentials.apiKey,
    FOURME_BASE_URL: fourmeSimulatedSettings(fourme ?? '').baseUrl,
    FOURME_TOKEN: fourmeSimulatedSettings(fourme ?? '').token,
    FOURME_ACCOUNT: fourmeSimulatedSettings(fourme ?? '').account,
  });
});

afterAll(async () => {
  await Promise.all([embedded.close(), configured.close(), ...standalone.map((simulator) => simulator.stop())]);
});

describe('sources configured by environment variables', () => {
  it('starts no embedded simulator when every source has a base URL', () => {
    expect(configured.gateway.connected.simulators).toEqual([]);
  });

  it('answers the example operation exactly as with embedded simulators, from the configured upstreams', async () => {
    const fromConfigured = await configured.query(exampleOperation);
    const fromEmbedded = await embedded.query(exampleOperation);

    expect(fromConfigured.errors).toBeUndefined();
    expect(fromConfigured).toEqual(fromEmbedded);
    for (const simulator of standalone) expect(simulator.requests().length, simulator.source).toBeGreaterThan(0);
  });
});
