import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, useTestGateway, type TestGateway } from '../support/gateway.js';
import { captureLogs, type LogCapture } from '../support/logs.js';
import { cleanEnvironment, spawnNpm } from '../support/process.js';
import {
  mintToken,
  serveJwks,
  signingKey,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_SECRET,
  unsignedToken,
  type JwksServer,
  type SigningKey,
} from '../support/tokens.js';

const SIMS = '{ sims(first: 1) { nodes { iccid } } }';

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(gateway: TestGateway, authorization: string | undefined, query = SIMS): Promise<Answer> {
  const response = await fetch(gateway.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

function expectRefused(gateway: TestGateway, answer: Answer): void {
  expect(answer.status).toBe(401);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
  expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
  expect(answer.headers.get('x-request-id')).toBeTruthy();
  for (const source of ['signicat', 'onomondo', 'fourme'] as const) expect(gateway.upstreamCalls(source)).toEqual([]);
}

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.stop());

describe('with AUTH_JWT_SECRET (HS256)', () => {
  const graph = useTestGateway({ LOG_LEVEL: 'info', AUTH_JWT_SECRET: TEST_SECRET, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE });

  it('answers a request with a valid token, and logs its subject as the client', async () => {
    const answer = await post(graph, `Bearer ${await mintToken({ subject: 'alice' })}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: { sims: { nodes: [{ iccid: expect.any(String) }] } } });
    expect(answer.body.errors).toBeUndefined();
    const requestId = answer.headers.get('x-request-id')!;
    expect(logs.linesOf(requestId)).toContainEqual(expect.objectContaining({ msg: 'request', client: 'alice', status: 200 }));
  });

  it('takes the scheme in any letter case', async () => {
    expect((await post(graph, `bearer ${await mintToken()}`)).status).toBe(200);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const failures: { name: string; authorization: () => Promise<string | undefined> }[] = [
    { name: 'no Authorization header', authorization: async () => undefined },
    { name: 'another scheme', authorization: async () => 'Basic YWxpY2U6cGFzc3dvcmQ=' },
    { name: 'a bearer without a token', authorization: async () => 'Bearer ' },
    { name: 'a token that is no JWT', authorization: async () => 'Bearer not-a-jwt' },
    { name: 'a malformed JWT', authorization: async () => 'Bearer aaaa.bbbb.cccc' },
    {
      name: 'a token signed with another secret',
      authorization: async () => `Bearer ${await mintToken({ key: new TextEncoder().encode(`${TEST_SECRET}-not`) })}`,
    },
    {
      name: 'an unsigned token (alg: none)',
      authorization: async () =>
        `Bearer ${unsignedToken({ sub: 'mallory', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: now() + 3600, scope: 'usage:read usage:all' })}`,
    },
    { name: 'a token signed with HS512', authorization: async () => `Bearer ${await mintToken({ alg: 'HS512' })}` },
    { name: 'an expired token', authorization: async () => `Bearer ${await mintToken({ expiresIn: -3600 })}` },
    { name: 'a token not valid yet', authorization: async () => `Bearer ${await mintToken({ claims: { nbf: now() + 3600 } })}` },
    { name: 'a token of another issuer', authorization: async () => `Bearer ${await mintToken({ issuer: 'https://elsewhere.test/' })}` },
    { name: 'a token for another audience', authorization: async () => `Bearer ${await mintToken({ audience: 'another-api' })}` },
    { name: 'a token without a subject', authorization: async () => `Bearer ${await mintToken({ subject: null })}` },
    { name: 'a token without an expiry', authorization: async () => `Bearer ${await mintToken({ expiresIn: null })}` },
    {
      name: 'a token whose scope is no string',
      authorization: async () => `Bearer ${await mintToken({ scope: null, claims: { scope: ['usage:all'] } })}`,
    },
  ];

  it.each(failures)('refuses $name with HTTP 401 UNAUTHENTICATED before any upstream call', async ({ authorization }) => {
    expectRefused(graph, await post(graph, await authorization()));
  });

  it.each([
    { name: 'no scope claim', scope: null },
    { name: 'an empty scope', scope: '' },
    { name: 'tenant scopes without usage:read', scope: 'usage:all signicat:org:org-1 fourme:statements' },
  ])('refuses a valid token with $name with HTTP 403 FORBIDDEN before any upstream call', async ({ scope }) => {
    const answer = await post(graph, `Bearer ${await mintToken({ scope })}`);
    expect(answer.status).toBe(403);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('usage:read'), extensions: { code: 'FORBIDDEN' } }),
    ]);
    for (const source of ['signicat', 'onomondo', 'fourme'] as const) expect(graph.upstreamCalls(source)).toEqual([]);
  });

  it('says what a request without a token lacks', async () => {
    const answer = await post(graph, undefined);
    expect(answer.body.errors?.[0]?.message).toContain('Authorization: Bearer');
  });

  it('lets /health and GraphiQL through without a token', async () => {
    expect((await fetch(new URL('/health', graph.gateway.url))).status).toBe(200);
    const graphiql = await fetch(graph.gateway.url, { headers: { accept: 'text/html' } });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('<title>usage-graph</title>');
  });

  it('accepts the development token `npm run token` mints with the same variables', async () => {
    const minting = spawnNpm(
      ['run', '--silent', 'token', '--', '--sub', 'carol', '--scope', 'usage:read'],
      cleanEnvironment({ AUTH_JWT_SECRET: TEST_SECRET, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE }),
    );
    expect(await minting.exited()).toBe(0);
    const token = minting.stdout().trim();
    const [, claims] = token.split('.');
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({
      sub: 'carol',
      scope: 'usage:read',
      iss: TEST_ISSUER,
      aud: TEST_AUDIENCE,
    });

    const answer = await post(graph, `Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(logs.linesOf(answer.headers.get('x-request-id')!)).toContainEqual(expect.objectContaining({ msg: 'request', client: 'carol' }));
  }, 30_000);
});

describe('with AUTH_JWKS_URL (RS256, ES256)', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let jwks: JwksServer;
  let graph: TestGateway;

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256')]);
    jwks = await serveJwks([rsa, ec]);
    graph = await startTestGateway({ LOG_LEVEL: 'error', AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE });
  });
  afterAll(async () => {
    await graph?.close();
    await jwks?.close();
  });
  beforeEach(() => graph.resetUpstreams());

  it.each(['RS256', 'ES256'] as const)('answers a request with a valid %s token', async (alg) => {
    const key = alg === 'RS256' ? rsa : ec;
    const answer = await post(graph, `Bearer ${await mintToken({ key: key.privateKey, alg, kid: key.kid })}`);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('refuses a token signed by a key that is not in the set, though it names a key that is', async () => {
    const impostor = await signingKey('rsa-1', 'RS256');
    expectRefused(graph, await post(graph, `Bearer ${await mintToken({ key: impostor.privateKey, alg: 'RS256', kid: 'rsa-1' })}`));
  });

  it('refuses a token naming a key the set does not have', async () => {
    const stranger = await signingKey('rsa-9', 'RS256');
    expectRefused(graph, await post(graph, `Bearer ${await mintToken({ key: stranger.privateKey, alg: 'RS256', kid: 'rsa-9' })}`));
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(rsa.publicJwk));
    expectRefused(graph, await post(graph, `Bearer ${await mintToken({ key: secret, alg: 'HS256', kid: 'rsa-1' })}`));
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const claims = { sub: 'mallory', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 3600 };
    expectRefused(graph, await post(graph, `Bearer ${unsignedToken(claims)}`));
  });

  it('answers HTTP 503 AUTH_UNAVAILABLE, logging why, while the key set cannot be fetched', async () => {
    await jwks.close();
    const other = await signingKey('ec-2', 'ES256');
    const answer = await post(graph, `Bearer ${await mintToken({ key: other.privateKey, alg: 'ES256', kid: 'ec-2' })}`);

    expect(answer.status).toBe(503);
    expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'AUTH_UNAVAILABLE' } })]);
    expect(answer.headers.get('x-request-id')).toBeTruthy();
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringContaining('AUTH_JWKS_URL') }));
    expect(graph.upstreamCalls('onomondo')).toEqual([]);
  });
});
