import { describe, expect, it } from 'vitest';
import { Readiness } from '../../src/readiness.js';
import { useTestGateway } from '../support/gateway.js';
import { ready } from '../support/http.js';

describe('/ready', () => {
  const graph = useTestGateway({ UPSTREAM_BREAKER_THRESHOLD: '2', UPSTREAM_MAX_ATTEMPTS: '1' });

  it('answers 200 with this process’s pid and every vendor simulated, breaker closed, no error yet', async () => {
    const { status, body } = await ready(graph.gateway.url);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      pid: process.pid,
      vendors: {
        signicat: { simulated: true, breaker: 'closed', lastError: null },
        onomondo: { simulated: true, breaker: 'closed', lastError: null },
        fourme: { simulated: true, breaker: 'closed', lastError: null },
      },
      dependencies: {},
    });
  });

  it('reports a vendor’s last error and its open breaker, and stays 200: the other vendors still answer', async () => {
    graph.simulators.onomondo.injectFault({ path: '^/sims', status: 503 });
    const before = Date.now();
    for (let call = 0; call < 2; call++) await graph.query('{ sims(first: 1) { nodes { iccid } } }');

    const { status, body } = await ready(graph.gateway.url);
    expect(status).toBe(200);
    expect(body.vendors.onomondo?.breaker).toBe('open');
    expect(body.vendors.onomondo?.lastError?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(Date.parse(body.vendors.onomondo!.lastError!.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(body.vendors.fourme).toEqual({ simulated: true, breaker: 'closed', lastError: null });
  });
});

describe('Readiness', () => {
  const readiness = (dependencies: ConstructorParameters<typeof Readiness>[0]['dependencies']) =>
    new Readiness({ upstreams: () => [], simulated: new Set(), dependencies, dependencyTimeoutMs: 100 });

  it('is not ready while starting, ready once marked, and not ready again while draining', async () => {
    const subject = readiness([]);
    const phases = [await subject.report()];
    subject.markReady();
    phases.push(await subject.report());
    subject.markDraining();
    phases.push(await subject.report());
    expect(phases.map(({ ready, body }) => [ready, body.status])).toEqual([
      [false, 'starting'],
      [true, 'ready'],
      [false, 'draining'],
    ]);
  });

  it('is not ready while a required dependency fails or does not answer in time, and names each with its error', async () => {
    const subject = readiness([
      { name: 'up', required: true, check: async () => {} },
      { name: 'down', required: true, check: () => Promise.reject(new Error('connection refused')) },
      { name: 'stuck', required: true, check: () => new Promise(() => {}) },
    ]);
    subject.markReady();
    const { ready: isReady, body } = await subject.report();
    expect(isReady).toBe(false);
    expect(body.dependencies).toEqual({
      up: { ok: true },
      down: { ok: false, error: 'connection refused' },
      stuck: { ok: false, error: 'no answer within 100 ms' },
    });
  });

  it('stays ready while a dependency it can do without fails, and reports it', async () => {
    const subject = readiness([{ name: 'cache', required: false, check: () => Promise.reject(new Error('connection refused')) }]);
    subject.markReady();
    const { ready: isReady, body } = await subject.report();
    expect(isReady).toBe(true);
    expect(body.dependencies).toEqual({ cache: { ok: false, error: 'connection refused' } });
  });
});
