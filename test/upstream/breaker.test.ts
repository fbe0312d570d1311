import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/upstream/breaker.js';
import { UpstreamUnavailableError } from '../../src/upstream/errors.js';
import type { Upstream } from '../../src/upstream/http.js';
import { FakeClock, genericUpstream, itemsSchema, rejectionOf, startGenericVendor, type GenericVendor } from '../support/generic-vendor.js';

describe('CircuitBreaker', () => {
  const make = (failureThreshold = 3, cooldownMs = 1000) => {
    const clock = new FakeClock();
    return { clock, breaker: new CircuitBreaker({ failureThreshold, cooldownMs }, clock) };
  };
  const fail = (breaker: CircuitBreaker, times: number) => {
    for (let i = 0; i < times; i++) breaker.onFailure();
  };

  it('stays closed below the failure threshold', () => {
    const { breaker } = make(3);
    fail(breaker, 2);
    expect(breaker.isOpen).toBe(false);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens at the threshold and refuses calls during the cool-down', () => {
    const { breaker, clock } = make(3, 1000);
    fail(breaker, 3);
    expect(breaker.isOpen).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(999);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('a success resets the count of consecutive failures', () => {
    const { breaker } = make(3);
    fail(breaker, 2);
    breaker.onSuccess();
    fail(breaker, 2);
    expect(breaker.isOpen).toBe(false);
  });

  it('after the cool-down admits exactly one probe', () => {
    const { breaker, clock } = make(1, 1000);
    fail(breaker, 1);
    clock.advance(1000);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('a successful probe closes the circuit', () => {
    const { breaker, clock } = make(1, 1000);
    fail(breaker, 1);
    clock.advance(1000);
    breaker.tryAcquire();
    breaker.onSuccess();
    expect(breaker.isOpen).toBe(false);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a failing probe re-opens the circuit for a fresh cool-down', () => {
    const { breaker, clock } = make(3, 1000);
    fail(breaker, 3);
    clock.advance(1000);
    breaker.tryAcquire();
    breaker.onFailure();
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(999);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a neutral probe result (e.g. 404) releases the probe slot', () => {
    const { breaker, clock } = make(1, 1000);
    fail(breaker, 1);
    clock.advance(1000);
    breaker.tryAcquire();
    breaker.onNeutral();
    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('Upstream circuit breaker', () => {
  let vendor: GenericVendor;
  let clock: FakeClock;
  let client: Upstream;
  const get = () => client.get('/items', { schema: itemsSchema });
  const requestCount = () => vendor.simulator.requests().length;

  beforeAll(async () => {
    vendor = await startGenericVendor();
  });
  afterAll(() => vendor.stop());
  beforeEach(() => {
    vendor.simulator.reset();
    clock = new FakeClock();
    client = genericUpstream(vendor.url, { clock, policy: { maxAttempts: 1, breaker: { failureThreshold: 3, cooldownMs: 1000 } } });
  });
  afterEach(() => client.close());

  async function openCircuit(): Promise<void> {
    vendor.simulator.injectFault({ status: 500 });
    for (let i = 0; i < 3; i++) await rejectionOf(get());
    expect(requestCount()).toBe(3);
  }

  it('after failureThreshold failing calls fails fast without a request', async () => {
    await openCircuit();
    const error = await rejectionOf(get());
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'onomondo', endpoint: 'GET /items', status: undefined });
    expect((error as Error).message).toMatch(/circuit/);
    expect(requestCount()).toBe(3);
  });

  it('fails fast even when the vendor has recovered, until the cool-down is over', async () => {
    await openCircuit();
    vendor.simulator.reset();
    clock.advance(999);
    await expect(get()).rejects.toThrow(/circuit/);
    expect(requestCount()).toBe(0);
  });

  it('after the cool-down one probe reaches the vendor and its success closes the circuit', async () => {
    await openCircuit();
    vendor.simulator.reset();
    clock.advance(1000);
    await expect(get()).resolves.toMatchObject({ status: 200 });
    await get();
    await get();
    expect(requestCount()).toBe(3);
  });

  it('a failing probe re-opens the circuit', async () => {
    await openCircuit();
    clock.advance(1000);
    const probe = await rejectionOf(get());
    expect(probe).toMatchObject({ status: 500 });
    expect(requestCount()).toBe(4);
    await expect(get()).rejects.toThrow(/circuit/);
    expect(requestCount()).toBe(4);
  });

  it('client errors (404) do not count toward opening it', async () => {
    vendor.simulator.injectFault({ status: 404 });
    for (let i = 0; i < 5; i++) await rejectionOf(get());
    expect(requestCount()).toBe(5);
  });

  it('calls aborted by their caller do not count toward opening it', async () => {
    vendor.simulator.injectFault({ delayMs: 200, count: 3 });
    for (let i = 0; i < 3; i++) {
      await rejectionOf(client.get('/items', { schema: itemsSchema, signal: AbortSignal.timeout(20) }));
    }
    vendor.simulator.reset();
    await expect(get()).resolves.toMatchObject({ status: 200 });
  });
});
