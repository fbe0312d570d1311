import { describe, expect, it } from 'vitest';
import { useTestGateway, type GraphResponse } from '../support/gateway.js';
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from '../support/tokens.js';

const gw = useTestGateway({
  AUTH_JWT_SECRET: TEST_SECRET,
  AUTH_ISSUER: TEST_ISSUER,
  AUTH_AUDIENCE: TEST_AUDIENCE,
  MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE: '3',
});

/** Two Onomondo calls: two pages of different sizes. */
const TWO_CALLS = '{ one: sims(first: 1) { nodes { iccid } } two: sims(first: 2) { nodes { iccid } } }';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: GraphResponse;
}

async function post(subject: string, query: string): Promise<Answer> {
  const response = await fetch(gw.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintToken({ subject })}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as GraphResponse };
}

describe('MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE', () => {
  it('lets a client spend its calls, fails the fields past them, then refuses it with 429 and Retry-After, calling no vendor', async () => {
    const first = await post('carol', TWO_CALLS);
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(gw.upstreamCalls('onomondo')).toHaveLength(2);

    // One call left: one alias is answered, the other fails with the code and when to retry.
    const second = await post('carol', TWO_CALLS);
    expect(second.status).toBe(200);
    expect(gw.upstreamCalls('onomondo')).toHaveLength(3);
    const answered = Object.values(second.body.data ?? {}).filter((value) => value !== null);
    expect(answered).toHaveLength(1);
    expect(second.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'CLIENT_RATE_LIMITED', retryAfterMs: expect.any(Number) }),
      }),
    ]);

    gw.resetUpstreams();
    const refused = await post('carol', TWO_CALLS);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/vendor calls for this minute/),
        extensions: expect.objectContaining({ code: 'CLIENT_RATE_LIMITED', retryAfterMs: expect.any(Number) }),
      }),
    ]);
    expect(gw.upstreamCalls('onomondo')).toEqual([]);
  });

  it('counts each client on its own: another subject is still served', async () => {
    await post('dave', TWO_CALLS);
    await post('dave', TWO_CALLS);
    expect((await post('dave', TWO_CALLS)).status).toBe(429);

    const other = await post('erin', TWO_CALLS);
    expect(other.status).toBe(200);
    expect(other.body.errors).toBeUndefined();
  });

  it('still answers a spent client an operation that needs no vendor', async () => {
    await post('frank', TWO_CALLS);
    await post('frank', TWO_CALLS);
    expect((await post('frank', TWO_CALLS)).status).toBe(429);

    const answer = await post('frank', '{ __typename }');
    expect(answer).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});
