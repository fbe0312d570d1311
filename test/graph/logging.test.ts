import { describe, expect, it } from 'vitest';
import { onomondoDemoCredentials } from '../../src/sources/onomondo/simulator.js';
import { useTestGateway } from '../support/gateway.js';
import { captureLogs, logLinesDuring } from '../support/logs.js';

const ERROR_LINES = 3;
const graph = useTestGateway({ LOG_LEVEL: 'warn', LOG_ERROR_LINES: String(ERROR_LINES), LOG_ERROR_INTERVAL_MS: '1000' });

describe('error log', () => {
  it('logs an upstream failure once as a warning under the request id the response carries, without stack or credentials', async () => {
    graph.simulators.onomondo.injectFault({ status: 503 });
    let response: Response | undefined;
    const lines = await logLinesDuring(async () => {
      response = await fetch(graph.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'dashboard-42' },
        body: JSON.stringify({ query: '{ sims(first: 1) { nodes { iccid } } }' }),
      });
      await response.text();
    });
    graph.resetUpstreams();

    expect(response?.headers.get('x-request-id')).toBe('dashboard-42');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', requestId: 'dashboard-42', code: 'UPSTREAM_UNAVAILABLE', source: 'onomondo' }),
    ]);
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/stack|\bat \S+:\d+/);
    expect(text).not.toContain(onomondoDemoCredentials.apiKey);
  });

  it('gives each request without a usable x-request-id a fresh one', async () => {
    const response = await fetch(graph.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'two words; {"json": true}' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    await response.text();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs nothing for bad input: it is the client’s mistake, not an incident', async () => {
    const lines = await logLinesDuring(() => graph.query('{ sims(first: -1) { nodes { iccid } } }'));
    expect(lines).toEqual([]);
  });

  it('writes at most LOG_ERROR_LINES warnings and errors per interval, then one line counting the rest', async () => {
    graph.simulators.onomondo.injectFault({ status: 503 });
    const failing = 8;
    const capture = captureLogs();
    try {
      // Eight lists with other arguments: eight upstream failures, eight error entries in the answer.
      const fields = Array.from({ length: failing }, (_, i) => `s${i}: sims(first: ${i + 1}) { nodes { iccid } }`).join(' ');
      const answer = await graph.query(`{ ${fields} }`);
      expect(answer.errors).toHaveLength(failing);
      const summary = await capture.waitFor({ msg: expect.stringContaining('were not written') });
      const upstreamLines = capture.lines().filter((line) => line['msg'] === 'upstream error');

      expect(upstreamLines.length).toBeLessThanOrEqual(ERROR_LINES);
      expect(upstreamLines.length + Number(summary['suppressed'])).toBe(failing);
      expect(summary).toMatchObject({ level: 'warn' });
    } finally {
      capture.stop();
      graph.resetUpstreams();
    }
  });
});
