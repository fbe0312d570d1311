import { afterAll, beforeAll, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startGateway, type Gateway } from '../../src/gateway.js';
import type { SourceName } from '../../src/sources/registry.js';
import type { Simulator } from '../../src/simulator/server.js';

/** The day the simulators' seeded data ends on in every graph test, so answers are the same on every run. */
export const TEST_TODAY = '2026-11-15';

export interface GraphResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

/** An answer's data and errors, without the extensions every answer carries (its cost), for whole-answer comparisons. */
export function answerOf<T>({ extensions: _extensions, ...answer }: GraphResponse<T>): Omit<GraphResponse<T>, 'extensions'> {
  return answer;
}

export interface TestGateway {
  gateway: Gateway;
  simulators: Record<SourceName, Simulator>;
  /** POSTs an operation to the running server over HTTP. */
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphResponse<T>>;
  /** Requests each simulator served since the last `resetUpstreams()` (Signicat's token calls excluded). */
  upstreamCalls(source: SourceName): { method: string; path: string; query: Record<string, string[]> }[];
  /** Clears every simulator's faults and request log. */
  resetUpstreams(): void;
  close(): Promise<void>;
}

/**
 * The real server on a free loopback port with its embedded simulators (pinned to {@link TEST_TODAY}),
 * configured through the same environment variables an operator uses, with small timeouts so faults are quick.
 */
export async function startTestGateway(environment: Record<string, string> = {}): Promise<TestGateway> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SIMULATOR_TODAY: TEST_TODAY,
    LOG_LEVEL: 'silent',
    UPSTREAM_DEADLINE_MS: '2000',
    UPSTREAM_RESPONSE_TIMEOUT_MS: '1000',
    UPSTREAM_RETRY_AFTER_CAP_MS: '1000',
    UPSTREAM_BREAKER_THRESHOLD: '1000',
    // Tests that point sources at loopback servers are about the vendors, not client authentication.
    ...(environment['AUTH_JWT_SECRET'] || environment['AUTH_JWKS_URL'] ? {} : { AUTH_MODE: 'anonymous' }),
    // Test files put hundreds of operations through one gateway from one address; the client budget has its own tests.
    MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE: '0',
    // Each operation reaches the vendors, so tests see each one's calls and faults; the cache has its own tests.
    CACHE: 'off',
    // Many gateways run at once on one machine: a test that reads metrics asks for a free port ('0').
    METRICS_PORT: 'off',
    ...environment,
  });
  const gateway = await startGateway(config);
  const simulators = Object.fromEntries(gateway.connected.simulators.map((simulator) => [simulator.source, simulator])) as Record<
    SourceName,
    Simulator
  >;
  return {
    gateway,
    simulators,
    async query<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphResponse<T>;
    },
    upstreamCalls: (source) =>
      simulators[source].requests().filter((request) => !(source === 'signicat' && request.path.endsWith('/connect/token'))),
    resetUpstreams: () => Object.values(simulators).forEach((simulator) => simulator.reset()),
    close: () => gateway.close(),
  };
}

/**
 * One gateway for a test file: started before its tests, faults and request logs cleared before each test,
 * closed after the file. The returned object forwards to it.
 */
export function useTestGateway(environment: Record<string, string> = {}): TestGateway {
  let started: TestGateway | undefined;
  const current = (): TestGateway => {
    if (!started) throw new Error('the test gateway is used outside a test');
    return started;
  };
  beforeAll(async () => {
    started = await startTestGateway(environment);
  });
  afterAll(() => started?.close());
  beforeEach(() => current().resetUpstreams());
  return {
    get gateway() {
      return current().gateway;
    },
    get simulators() {
      return current().simulators;
    },
    query: <T>(query: string, variables?: Record<string, unknown>) => current().query<T>(query, variables),
    upstreamCalls: (source) => current().upstreamCalls(source),
    resetUpstreams: () => current().resetUpstreams(),
    close: () => current().close(),
  };
}
