import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, useTestGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs, type LogCapture } from '../support/logs.js';

const graph = useTestGateway({ LOG_LEVEL: 'debug', MAX_BODY_BYTES: '1000' });

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.stop());

const json = { 'content-type': 'application/json' };
const url = (path = '/graphql') => new URL(path, graph.gateway.url);

describe('x-request-id', () => {
  const cases: { name: string; status: number; send: () => Promise<Response> }[] = [
    { name: 'an answer', status: 200, send: () => fetch(url(), { method: 'POST', headers: json, body: '{"query":"{ __typename }"}' }) },
    { name: 'a body that is not JSON', status: 400, send: () => fetch(url(), { method: 'POST', headers: json, body: '{"query":' }) },
    {
      name: 'a document that does not parse',
      status: 400,
      send: () =>
        fetch(url(), {
          method: 'POST',
          headers: { ...json, accept: 'application/graphql-response+json' },
          body: '{"query":"{ __typename"}',
        }),
    },
    { name: 'a method the endpoint does not take', status: 405, send: () => fetch(url(), { method: 'PUT', headers: json, body: '{}' }) },
    {
      name: 'a body over MAX_BODY_BYTES',
      status: 413,
      send: () => fetch(url(), { method: 'POST', headers: json, body: 'x'.repeat(2000) }),
    },
    { name: 'a media type the endpoint does not read', status: 415, send: () => fetch(url(), { method: 'POST', body: 'text' }) },
    { name: 'a path that does not exist', status: 404, send: () => fetch(url('/nowhere')) },
    { name: '/health', status: 200, send: () => fetch(url('/health')) },
    { name: 'GraphiQL', status: 200, send: () => fetch(url(), { headers: { accept: 'text/html' } }) },
  ];

  it.each(cases)('answers $name (HTTP $status) with one, and logs the request under it', async ({ status, send }) => {
    const response = await send();
    await response.arrayBuffer();

    expect(response.status).toBe(status);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.linesOf(requestId!)).toContainEqual(expect.objectContaining({ msg: 'request', status }));
  });

  it('keeps a well-formed x-request-id the client sends', async () => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { ...json, 'x-request-id': 'dashboard-42' },
      body: '{"query":"{ __typename }"}',
    });
    await response.text();

    expect(response.headers.get('x-request-id')).toBe('dashboard-42');
    expect(logs.linesOf('dashboard-42')).toContainEqual(expect.objectContaining({ msg: 'request' }));
  });
});

describe('access log', () => {
  it('writes one line per request: method, path, operation, status, duration, upstream calls, client and request id', async () => {
    const response = await fetch(url(), { method: 'POST', headers: json, body: '{"query":"query Ping { __typename }"}' });
    await response.text();
    const requestId = response.headers.get('x-request-id')!;

    const access = logs.linesOf(requestId).filter((line) => line['msg'] === 'request');
    expect(access).toEqual([
      expect.objectContaining({
        level: 'info',
        requestId,
        method: 'POST',
        path: '/graphql',
        operation: 'Ping',
        status: 200,
        durationMs: expect.any(Number),
        upstreamCalls: 0,
        client: '127.0.0.1',
      }),
    ]);
  });

  it('names the operation the client picked from a document with several', async () => {
    const body = JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: 'B' });
    const response = await fetch(url(), { method: 'POST', headers: json, body });
    await response.text();

    expect(logs.linesOf(response.headers.get('x-request-id')!)).toContainEqual(expect.objectContaining({ msg: 'request', operation: 'B' }));
  });

  it('writes credentials in a logged request’s headers as [redacted]', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtc3ViamVjdCJ9.c2lnbmF0dXJlLXNlY3JldA';
    const response = await fetch(url(), {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${token}`, cookie: 'session=cookie-secret' },
      body: '{"query":"{ __typename }"}',
    });
    await response.text();

    const received = logs.linesOf(response.headers.get('x-request-id')!).find((line) => line['msg'] === 'request received');
    expect(received?.['headers']).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' });
    const written = JSON.stringify(logs.lines());
    expect(written).not.toContain(token);
    expect(written).not.toContain('cookie-secret');
  });
});

describe('request signal', () => {
  it('fires when the client disconnects before the answer, cancels its vendor calls, and the access log says so', async () => {
    // Each SIM's usage would be read once the SIM list arrives: a client gone by then causes none of those calls.
    graph.simulators.onomondo.injectFault({ path: '^/sims', delayMs: 1500 });
    const requestId = 'disconnecting-client';
    const query = '{ sims(first: 3) { nodes { iccid usage(first: 1) { nodes { bytes } } } } }';
    await new Promise<void>((resolve) => {
      const request = httpRequest(url(), { method: 'POST', headers: { ...json, 'x-request-id': requestId } });
      request.on('error', () => resolve());
      request.on('close', () => resolve());
      request.end(JSON.stringify({ query }));
      // Gone while the gateway waits for Onomondo.
      void logs.waitFor({ requestId, msg: 'request received' }).then(() => setTimeout(() => request.destroy(), 200));
    });

    await logs.waitFor({ requestId, msg: 'client disconnected' });
    const access = await logs.waitFor({ requestId, msg: 'request' });
    expect(access).toMatchObject({ aborted: 'client disconnected', client: '127.0.0.1', upstreamCalls: 1 });
    const order = logs.linesOf(requestId).map((line) => line['msg']);
    expect(order.indexOf('client disconnected')).toBeLessThan(order.indexOf('request'));
    // Past the vendor's delay: the SIM list was the only call, and no usage read followed it.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(graph.upstreamCalls('onomondo').map((call) => call.path)).toEqual(['/sims']);
    expect(logs.linesOf(requestId).filter((line) => line['level'] === 'warn' || line['level'] === 'error')).toEqual([]);
  });

  describe('with OPERATION_TIMEOUT_MS', () => {
    let slow: TestGateway;
    beforeAll(async () => {
      slow = await startTestGateway({ LOG_LEVEL: 'info', OPERATION_TIMEOUT_MS: '300' });
    });
    afterAll(() => slow?.close());

    it('ends the operation with what it has and OPERATION_TIMEOUT for the rest, and the access log says so', async () => {
      slow.simulators.onomondo.injectFault({ path: '^/sims', delayMs: 1000 });
      const requestId = 'slow-operation';
      const started = performance.now();
      const response = await fetch(slow.gateway.url, {
        method: 'POST',
        headers: { ...json, 'x-request-id': requestId },
        body: JSON.stringify({
          query: '{ usageStatements(first: 1) { nodes { id } } sims(first: 1) { nodes { iccid } } }',
        }),
      });
      const answer = (await response.json()) as { data: Record<string, unknown>; errors: unknown[] };

      expect(performance.now() - started).toBeLessThan(900);
      expect(answer.data['usageStatements']).toMatchObject({ nodes: [{ id: expect.any(String) }] });
      expect(answer.data['sims']).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({ path: ['sims'], extensions: expect.objectContaining({ code: 'OPERATION_TIMEOUT' }) }),
      ]);
      expect(await logs.waitFor({ requestId, msg: 'operation timed out' })).toMatchObject({ level: 'warn', timeoutMs: 300 });
      expect(await logs.waitFor({ requestId, msg: 'request' })).toMatchObject({ aborted: 'timeout' });
    });

    it('never fires for an operation that finishes in time', async () => {
      const requestId = 'quick-operation';
      const response = await fetch(slow.gateway.url, {
        method: 'POST',
        headers: { ...json, 'x-request-id': requestId },
        body: '{"query":"{ __typename }"}',
      });
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, 400));

      expect(logs.linesOf(requestId).map((line) => line['msg'])).toEqual(['request']);
    });
  });
});
