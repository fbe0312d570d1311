import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { exampleOperation } from '../../src/schema/example-operation.js';
import type { SourceName } from '../../src/sources/registry.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { startTestGateway, useTestGateway, type TestGateway } from '../support/gateway.js';
import { increase, scrape, total, type Sample } from '../support/metrics.js';
import { mintToken, TEST_SECRET } from '../support/tokens.js';

const SOURCES: SourceName[] = ['signicat', 'onomondo', 'fourme'];

/** `GET /v1/people/{id}` → a test of a logged method and path against it. */
function templateMatcher(endpoint: string): (method: string, path: string) => boolean {
  const [method, template = ''] = endpoint.split(' ');
  const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);
  return (loggedMethod, path) => loggedMethod === method && pattern.test(path);
}

/**
 * What the simulators served since their logs were cleared, keyed like `upstream_requests_total`'s label sets: each
 * logged request under the endpoint template (of those `endpoints` names) it matches, or under `unmatched`.
 */
function servedBySimulators(gateway: TestGateway, counted: Map<string, number>): Map<string, number> {
  const served = new Map<string, number>();
  for (const source of SOURCES) {
    // Fixed paths before templates: `/usage/transactions` is not `/usage/{sim_id}`.
    const endpoints = [...counted.keys()]
      .filter((key) => key.includes(`source=${source},`))
      .map((key) => /endpoint=([^,]+)/.exec(key)?.[1] ?? '')
      .sort((a, b) => a.split('{').length - b.split('{').length);
    for (const request of gateway.simulators[source].requests()) {
      const endpoint = endpoints.find((candidate) => templateMatcher(candidate)(request.method, request.path)) ?? 'unmatched';
      const key = `endpoint=${endpoint},source=${source},status=${request.status}`;
      served.set(key, (served.get(key) ?? 0) + 1);
    }
  }
  return served;
}

function endpointsIn(changes: Map<string, number>): string[] {
  return [...changes.keys()].map((key) => /endpoint=([^,]+)/.exec(key)?.[1] ?? '');
}

describe('upstream metrics', () => {
  const gateway = useTestGateway({ METRICS_PORT: '0', CACHE: 'off' });
  const metrics = () => scrape(gateway.gateway.metricsUrl!);

  it('counts every attempt by source, endpoint template and status, exactly as many as the simulators served', async () => {
    const before = await metrics();
    const answer = await gateway.query(exampleOperation);
    expect(answer.errors).toBeUndefined();
    const after = await metrics();

    const counted = increase(before, after, 'upstream_requests_total');
    expect(new Set([...counted.keys()].map((key) => /source=(\w+)/.exec(key)?.[1]))).toEqual(new Set(SOURCES));
    // Templates, never paths with ids in them.
    for (const endpoint of endpointsIn(counted)) expect(endpoint).toMatch(/^(GET|POST) \/[\w/{}.-]*$/);
    expect(counted).toEqual(servedBySimulators(gateway, counted));
    const timed = increase(before, after, 'upstream_request_duration_seconds_count');
    expect([...timed.values()].reduce((sum, count) => sum + count, 0)).toBe([...counted.values()].reduce((sum, count) => sum + count, 0));
  });

  it('counts a retried call attempt by attempt: a 503 and then a 200', async () => {
    gateway.simulators.onomondo.injectFault({ path: '^/sims$', status: 503, count: 1 });
    const before = await metrics();
    const answer = await gateway.query('{ sims(first: 2) { nodes { iccid } } }');
    expect(answer.errors).toBeUndefined();
    const counted = increase(before, await metrics(), 'upstream_requests_total');
    expect(counted).toEqual(
      new Map([
        ['endpoint=GET /sims,source=onomondo,status=503', 1],
        ['endpoint=GET /sims,source=onomondo,status=200', 1],
      ]),
    );
    expect(counted).toEqual(servedBySimulators(gateway, counted));
  });

  it('labels an attempt that got no answer in time as a timeout', async () => {
    gateway.simulators.onomondo.injectFault({ path: '^/sims$', delayMs: 1500, count: 1 });
    const before = await metrics();
    await gateway.query('{ sims(first: 2) { nodes { iccid } } }');
    const counted = increase(before, await metrics(), 'upstream_requests_total');
    expect(counted.get('endpoint=GET /sims,source=onomondo,status=timeout')).toBe(1);
    expect(counted.get('endpoint=GET /sims,source=onomondo,status=200')).toBe(1);
  });

  it('serves /metrics on its own port only: the public port answers 404', async () => {
    const publicMetrics = new URL('/metrics', gateway.gateway.url);
    expect((await fetch(publicMetrics)).status).toBe(404);
    expect((await fetch(new URL('/other', gateway.gateway.metricsUrl!))).status).toBe(404);
    const samples = await metrics();
    // prom-client's process metrics and the Yoga plugin's GraphQL phases are there beside the gateway's own.
    expect(samples.some((sample) => sample.name === 'process_resident_memory_bytes')).toBe(true);
    expect(total(samples, 'graphql_envelop_phase_execute_count')).toBeGreaterThan(0);
  });
});

describe('METRICS_PORT taken', () => {
  it('stops start-up with a message naming METRICS_PORT', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      await expect(startTestGateway({ METRICS_PORT: String(port) })).rejects.toThrow(
        `METRICS_PORT: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('upstream_breaker_open', () => {
  const gateway = useTestGateway({
    METRICS_PORT: '0',
    CACHE: 'off',
    UPSTREAM_MAX_ATTEMPTS: '1',
    UPSTREAM_BREAKER_THRESHOLD: '2',
    UPSTREAM_BREAKER_COOLDOWN_MS: '600000',
  });
  const breakers = async () =>
    Object.fromEntries(
      (await scrape(gateway.gateway.metricsUrl!))
        .filter((sample) => sample.name === 'upstream_breaker_open')
        .map((sample) => [sample.labels['source'], sample.value]),
    );

  it('turns 1 for a vendor whose breaker opened after failures, and stays 0 for the others', async () => {
    expect(await breakers()).toEqual({ signicat: 0, onomondo: 0, fourme: 0 });
    gateway.simulators.onomondo.injectFault({ path: '^/sims$', status: 503 });
    for (let i = 0; i < 2; i++) await gateway.query('{ sims(first: 2) { nodes { iccid } } }');
    expect(await breakers()).toEqual({ signicat: 0, onomondo: 1, fourme: 0 });
  });
});

describe('graphql_operations_refused_total', () => {
  const gateway = useTestGateway({
    METRICS_PORT: '0',
    AUTH_JWT_SECRET: TEST_SECRET,
    MAX_DEPTH: '4',
    MAX_OPERATION_UPSTREAM_CALLS: '5',
    MAX_LIST_ARGUMENT: '2',
    MAX_BODY_BYTES: '2000',
  });
  let token: string;
  beforeAll(async () => {
    token = await mintToken();
  });

  const post = async (body: Record<string, unknown>, authorization: string | null = `Bearer ${token}`) => {
    const response = await fetch(gateway.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { errors?: { extensions?: { code?: string } }[] } };
  };

  it('counts each operation refused before it ran under its code, and nothing for failures while running', async () => {
    const before = await scrape(gateway.gateway.metricsUrl!);
    const refusals: [string, () => ReturnType<typeof post>][] = [
      ['UNAUTHENTICATED', () => post({ query: '{ __typename }' }, null)],
      ['FORBIDDEN', async () => post({ query: '{ __typename }' }, `Bearer ${await mintToken({ scope: 'profile' })}`)],
      [
        'DEPTH_LIMIT_EXCEEDED',
        () => post({ query: '{ organizations { nodes { accounts { nodes { identityUsage { nodes { count } } } } } } }' }),
      ],
      [
        'UPSTREAM_CALL_LIMIT_EXCEEDED',
        () => post({ query: '{ organizations(first: 20) { nodes { children(first: 20) { nodes { name } } } } }' }),
      ],
      ['LIST_LIMIT_EXCEEDED', () => post({ query: '{ nodes(ids: ["a", "b", "c"]) { id } }' })],
      ['REQUEST_ENTITY_TOO_LARGE', () => post({ query: '{ __typename }', variables: { padding: 'x'.repeat(3000) } })],
    ];
    for (const [code, send] of refusals) expect((await send()).body.errors?.[0]?.extensions?.code).toBe(code);
    // Not refusals: an invalid document, and a field failing while the operation runs.
    gateway.simulators.onomondo.injectFault({ path: '^/sims$', status: 500 });
    expect((await post({ query: '{ nope }' })).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post({ query: '{ sims(first: 1) { nodes { iccid } } }' })).body.errors?.[0]?.extensions?.code).toBe(
      'UPSTREAM_UNAVAILABLE',
    );

    const counted = increase(before, await scrape(gateway.gateway.metricsUrl!), 'graphql_operations_refused_total');
    expect(counted).toEqual(new Map(refusals.map(([code]) => [`reason=${code}`, 1])));
  });
});

describe('budget gauges and cache results, as the budget and cache code reports them', () => {
  let telemetry: Telemetry;
  let url: string;
  beforeAll(async () => {
    const log = createLogger({ level: 'silent', pretty: false, errorLines: 50, errorIntervalMs: 10_000 });
    telemetry = new Telemetry(
      { metrics: { port: 0, host: '127.0.0.1' }, tracing: undefined, budgetLimits: { onomondo: 600, fourme: 3600, signicat: undefined } },
      { upstreams: () => [], operationNames: false, metricsInPrimary: false },
      log,
    );
    url = (await telemetry.start())!;
  });
  afterAll(() => telemetry.close());

  const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, text]) => sample.labels[key] === text))?.value;

  it('asks each registered budget at every scrape, leaving out one that cannot tell', async () => {
    let remaining = 540;
    telemetry.metrics!.registerBudgetGauge('onomondo', async () => remaining);
    telemetry.metrics!.registerBudgetGauge('fourme', () => {
      throw new Error('Redis is down');
    });
    telemetry.metrics!.registerBudgetGauge('signicat', () => undefined);

    let samples = await scrape(url);
    expect(value(samples, 'upstream_budget_remaining', { source: 'onomondo' })).toBe(540);
    expect(value(samples, 'upstream_budget_limit', { source: 'onomondo' })).toBe(600);
    expect(value(samples, 'upstream_budget_remaining', { source: 'fourme' })).toBeUndefined();
    expect(value(samples, 'upstream_budget_remaining', { source: 'signicat' })).toBeUndefined();
    remaining = 12;
    samples = await scrape(url);
    expect(value(samples, 'upstream_budget_remaining', { source: 'onomondo' })).toBe(12);
  });

  it('counts cache results by source, reported on the call being observed', async () => {
    const observer = telemetry.upstreamObserver!;
    for (const result of ['hit', 'hit', 'stale', 'miss'] as const) {
      const call = observer.call('fourme', 'GET /v1/people/{id}');
      call.cache(result);
      call.end();
    }
    const samples = await scrape(url);
    expect(value(samples, 'upstream_cache_requests_total', { source: 'fourme', result: 'hit' })).toBe(2);
    expect(value(samples, 'upstream_cache_requests_total', { source: 'fourme', result: 'stale' })).toBe(1);
    expect(value(samples, 'upstream_cache_requests_total', { source: 'fourme', result: 'miss' })).toBe(1);
  });
});
