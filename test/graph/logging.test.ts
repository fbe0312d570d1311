import { describe, expect, it, vi } from 'vitest';
import { onomondoDemoCredentials } from '../../src/sources/onomondo/simulator.js';
import { useTestGateway } from '../support/gateway.js';

const graph = useTestGateway({ LOG_LEVEL: 'warn' });

/** The JSON lines the gateway writes to stderr while `run` goes on. */
async function logLinesDuring(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return written.flatMap((text) => text.split('\n').filter(Boolean)).map((line) => JSON.parse(line) as Record<string, unknown>);
}

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
});
