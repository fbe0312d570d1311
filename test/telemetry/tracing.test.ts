import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs } from '../support/logs.js';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

const receiver = await startOtlpReceiver();
afterAll(() => receiver.close());

/** A client's own trace context: a fresh trace id and the id of the client's span. */
function clientTrace(): { traceId: string; parentId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, traceparent: `00-${traceId}-${parentId}-01` };
}

async function post(gateway: TestGateway, query: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(gateway.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** The trace's spans once its server span and `clientSpans` vendor-call spans have arrived. */
async function traceOf(traceId: string, clientSpans: number): Promise<{ server: ReceivedSpan; calls: ReceivedSpan[] }> {
  const spans = await receiver.waitForSpans(
    (all) =>
      all.some((span) => span.traceId === traceId && span.kind === SERVER) &&
      all.filter((span) => span.traceId === traceId && span.kind === CLIENT).length >= clientSpans,
  );
  const trace = spans.filter((span) => span.traceId === traceId);
  return { server: trace.find((span) => span.kind === SERVER)!, calls: trace.filter((span) => span.kind === CLIENT) };
}

describe('traces over OTLP/HTTP JSON', () => {
  const gateway = useTestGateway({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '20',
    OTEL_SERVICE_NAME: 'usage-graph-test',
    CACHE: 'off',
  });

  it('exports a span per operation, named after it with its client and cost, and beneath it a span per vendor call', async () => {
    const { traceId, traceparent } = clientTrace();
    const answer = await post(
      gateway,
      'query SimsAndStatements { sims(first: 2) { nodes { iccid } } usageStatements(first: 1) { nodes { id } } }',
      {
        traceparent,
      },
    );
    expect(answer['errors']).toBeUndefined();
    const served = [...gateway.upstreamCalls('onomondo'), ...gateway.upstreamCalls('fourme')];
    expect(gateway.upstreamCalls('signicat')).toEqual([]);

    const { server, calls } = await traceOf(traceId, served.length);
    expect(server).toMatchObject({
      name: 'query SimsAndStatements',
      service: 'usage-graph-test',
      attributes: {
        'graphql.operation.name': 'SimsAndStatements',
        'graphql.operation.type': 'query',
        'usage_graph.client': '127.0.0.1',
        'usage_graph.cost.calls': served.length,
        'usage_graph.cost.limit': 50,
        'http.response.status_code': 200,
      },
    });
    expect(server.attributes['usage_graph.cost.estimated_calls']).toEqual(expect.any(Number));
    expect(calls).toHaveLength(served.length);
    for (const call of calls) expect(call.parentSpanId).toBe(server.spanId);
    expect(calls.map((call) => [call.name, call.attributes['usage_graph.upstream.source']]).sort()).toEqual([
      ['GET /sims', 'onomondo'],
      ['GET /v1/account/usage_statements', 'fourme'],
    ]);
    for (const call of calls) {
      expect(call.attributes).toMatchObject({ 'http.response.status_code': 200, 'usage_graph.upstream.attempts': 1 });
    }
  });

  it('continues the client’s trace: the operation’s span is a child of the span its traceparent names', async () => {
    const { traceId, parentId, traceparent } = clientTrace();
    await post(gateway, 'query Continued { sims(first: 1) { nodes { iccid } } }', { traceparent });
    const { server } = await traceOf(traceId, 1);
    expect(server.parentSpanId).toBe(parentId);
  });

  it('records a retried vendor call as one span with each attempt', async () => {
    gateway.simulators.onomondo.injectFault({ path: '^/sims$', status: 503, count: 1 });
    const { traceId, traceparent } = clientTrace();
    await post(gateway, 'query Retried { sims(first: 1) { nodes { iccid } } }', { traceparent });
    const { calls } = await traceOf(traceId, 1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.attributes).toMatchObject({
      'usage_graph.upstream.attempts': 2,
      'http.request.resend_count': 1,
      'http.response.status_code': 200,
    });
    expect(calls[0]!.events.map((event) => event.attributes['outcome'])).toEqual(['503', '200']);
  });

  it('marks a failed vendor call and its operation as errors, with the codes', async () => {
    gateway.simulators.onomondo.injectFault({ path: '^/sims$', status: 404 });
    const { traceId, traceparent } = clientTrace();
    await post(gateway, 'query Failing { sims(first: 1) { nodes { iccid } } }', { traceparent });
    const { server, calls } = await traceOf(traceId, 1);
    expect(calls[0]).toMatchObject({
      status: { code: ERROR },
      attributes: { 'error.type': 'UPSTREAM_NOT_FOUND', 'http.response.status_code': 404 },
    });
    expect(server).toMatchObject({ status: { code: ERROR }, attributes: { 'usage_graph.error_codes': ['UPSTREAM_NOT_FOUND'] } });
  });

  it('sends the vendors no trace context, even when the client sent one', async () => {
    await post(gateway, '{ sims(first: 2) { nodes { iccid usage(last: 1) { nodes { bytes } } } } }', {
      traceparent: clientTrace().traceparent,
    });
    const requests = gateway.simulators.onomondo.requests();
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.map((request) => request.traceparent)).toEqual(requests.map(() => undefined));
  });
});

describe('OTEL_PROPAGATE_TO_UPSTREAM=true', () => {
  const gateway = useTestGateway({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '20',
    OTEL_PROPAGATE_TO_UPSTREAM: 'true',
    CACHE: 'off',
    LOG_LEVEL: 'info',
  });

  it('sends each vendor call a traceparent naming that call’s span', async () => {
    const { traceId, traceparent } = clientTrace();
    await post(gateway, 'query Propagated { sims(first: 2) { nodes { iccid usage(last: 1) { nodes { bytes } } } } }', { traceparent });
    const requests = gateway.simulators.onomondo.requests();
    const { calls } = await traceOf(traceId, requests.length);
    expect(requests.map((request) => request.traceparent).sort()).toEqual(calls.map((call) => `00-${traceId}-${call.spanId}-01`).sort());
  });

  it('writes the trace and span of a traced request into every log line it writes', async () => {
    const { traceId, traceparent } = clientTrace();
    gateway.simulators.onomondo.injectFault({ path: '^/sims$', status: 503 });
    const capture = captureLogs();
    try {
      await post(gateway, 'query Logged { sims(first: 1) { nodes { iccid } } }', { traceparent, 'x-request-id': 'traced-1' });
      await capture.waitFor({ requestId: 'traced-1', msg: 'request' });
      const { server } = await traceOf(traceId, 1);
      const lines = capture.linesOf('traced-1');
      // The vendor's failure (a warning) and the access log line at least.
      expect(lines.map((line) => line['msg'])).toEqual(expect.arrayContaining(['upstream error', 'request']));
      for (const line of lines) expect(line).toMatchObject({ traceId, spanId: server.spanId });
    } finally {
      capture.stop();
    }
  });
});

describe('traces over OTLP/HTTP protobuf, the default protocol', () => {
  const gateway = useTestGateway({
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/traces`,
    OTEL_BSP_SCHEDULE_DELAY: '20',
  });

  it('posts protobuf to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, carrying the trace', async () => {
    const { traceId, traceparent } = clientTrace();
    await post(gateway, '{ sims(first: 1) { nodes { iccid } } }', { traceparent });
    const traceBytes = Buffer.from(traceId, 'hex');
    const carrying = () => receiver.requests().filter((request) => request.body.includes(traceBytes));
    await expect.poll(() => carrying().length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
    for (const request of carrying()) expect(request).toMatchObject({ path: '/custom/traces', contentType: 'application/x-protobuf' });
  });
});
