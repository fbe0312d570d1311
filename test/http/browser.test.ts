import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const APP = 'https://app.usage-graph.test';
const ADMIN = 'https://admin.usage-graph.test';
const EVIL = 'https://evil.test';

/** One gateway per block, started for it and closed after it. */
function gatewayWith(environment: Record<string, string>): () => TestGateway {
  let gateway: TestGateway | undefined;
  beforeAll(async () => {
    gateway = await startTestGateway(environment);
  });
  afterAll(() => gateway?.close());
  return () => gateway!;
}

const post = (gateway: TestGateway, query: string, headers: Record<string, string> = {}) =>
  fetch(gateway.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });

const preflight = (gateway: TestGateway, origin: string) =>
  fetch(gateway.gateway.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('defaults (the demo)', () => {
  const gateway = gatewayWith({});

  it('allows no cross-origin access: a foreign page gets no CORS headers', async () => {
    const answer = await post(gateway(), '{ __typename }', { origin: EVIL });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await preflight(gateway(), EVIL)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves GraphiQL and answers introspection', async () => {
    expect((await fetch(gateway().gateway.url, { headers: { accept: 'text/html' } })).status).toBe(200);
    expect(await (await post(gateway(), '{ __schema { queryType { name } } }')).json()).toMatchObject({
      data: { __schema: { queryType: { name: 'Query' } } },
    });
  });
});

describe('CORS_ORIGINS with two origins', () => {
  const gateway = gatewayWith({ CORS_ORIGINS: `${APP}, ${ADMIN}/` });

  it.each([APP, ADMIN])('lets %s read answers, without credentials', async (origin) => {
    const answer = await post(gateway(), '{ __typename }', { origin });
    expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    expect(answer.headers.get('vary')).toMatch(/origin/i);
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('answers a listed origin’s preflight with the methods and headers a bearer-token client needs', async () => {
    const answer = await preflight(gateway(), APP);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it.each([EVIL, 'null'])('gives an unlisted origin (%s) no CORS headers at all', async (origin) => {
    const answer = await post(gateway(), '{ __typename }', { origin });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(gateway(), origin)).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS_ORIGINS=*', () => {
  const gateway = gatewayWith({ CORS_ORIGINS: '*' });

  it('lets any origin read answers, never with credentials', async () => {
    const answer = await post(gateway(), '{ __typename }', { origin: EVIL });
    // Yoga names the origin itself rather than `*`: the same permission.
    expect([EVIL, '*']).toContain(answer.headers.get('access-control-allow-origin'));
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('GRAPHIQL=false and INTROSPECTION=false', () => {
  const gateway = gatewayWith({ GRAPHIQL: 'false', INTROSPECTION: 'false' });

  it('serves no GraphiQL page', async () => {
    const answer = await fetch(gateway().gateway.url, { headers: { accept: 'text/html' } });
    expect(await answer.text()).not.toContain('<title>usage-graph</title>');
  });

  it('refuses introspection, but still answers __typename and queries', async () => {
    const refused = (await (await post(gateway(), '{ __schema { types { name } } }')).json()) as {
      errors?: { extensions?: { code?: string } }[];
    };
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await (await post(gateway(), '{ __typename }')).json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('suggests no field names in validation errors', async () => {
    const answer = (await (await post(gateway(), '{ simz { iccid } }')).json()) as { errors?: { message: string }[] };
    expect(answer.errors?.[0]?.message).toMatch(/Cannot query field "simz"/);
    expect(JSON.stringify(answer)).not.toContain('Did you mean');
  });
});
