import { request as httpRequest } from 'node:http';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperations, loadSeeds, OPERATION_NAMES } from '../../bench/operations.js';
import { startTestGateway, useTestGateway, type TestGateway } from '../support/gateway.js';

const graph = useTestGateway({ PAGE_SIZE_MAX: '1000' });

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** POSTs as a modern client does (`application/graphql-response+json`) unless told otherwise. */
async function post(gateway: TestGateway, body: unknown, accept = 'application/graphql-response+json'): Promise<Answer> {
  const response = await fetch(gateway.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

function expectNoUpstreamCalls(gateway: TestGateway): void {
  for (const source of ['signicat', 'onomondo', 'fourme'] as const) expect(gateway.upstreamCalls(source), source).toEqual([]);
}

/** `count` copies of a field that would call Onomondo, each under its own alias. */
const aliasedSims = (count: number) =>
  Array.from({ length: count }, (_, i) => `s${i}: sims(first: ${i + 1}) { nodes { iccid } }`).join(' ');
/** `levels` of organisation → children, each level a Signicat call if it ran. */
const nestedChildren = (levels: number) =>
  `{ organizations(first: 1) { nodes { ${'children(first: 1) { nodes { '.repeat(levels)}name${' } }'.repeat(levels)} } } }`;

describe('operation limits', () => {
  const refusals: { name: string; query: string; code: string; message: RegExp }[] = [
    {
      name: 'an operation deeper than MAX_DEPTH (10)',
      query: nestedChildren(5),
      code: 'DEPTH_LIMIT_EXCEEDED',
      message: /operation depth 12 exceeds maximum of 10/,
    },
    {
      name: 'more aliases than MAX_ALIASES (15)',
      query: `{ ${aliasedSims(16)} }`,
      code: 'ALIAS_LIMIT_EXCEEDED',
      message: /limit of 15 exceeded, found 16/,
    },
    {
      name: 'more tokens than MAX_TOKENS (1000)',
      query: `{ sims(first: 1) { nodes { ${'iccid '.repeat(1000)}} } }`,
      code: 'TOKEN_LIMIT_EXCEEDED',
      message: /Token limit of 1000 exceeded/,
    },
    {
      name: 'more directives than MAX_DIRECTIVES (50)',
      query: `{ sims(first: 1) { nodes { ${Array.from({ length: 51 }, (_, i) => `iccid @include(if: ${i >= 0})`).join(' ')} } } }`,
      code: 'DIRECTIVE_LIMIT_EXCEEDED',
      message: /limit of 50 exceeded, found 51/,
    },
    {
      name: 'a document nested 3,000 levels',
      query: `{ sims(first: 1) ${'{ nodes '.repeat(3000)}${'}'.repeat(3000)} }`,
      code: 'TOKEN_LIMIT_EXCEEDED',
      message: /Token limit of 1000 exceeded/,
    },
    {
      name: 'an introspection cycle (__Type.fields inside __Type.fields)',
      query: '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }',
      code: 'DEPTH_LIMIT_EXCEEDED',
      message: /__Type\.fields nested 3 times which exceeds maximum of 1/,
    },
  ];

  it.each(refusals)('refuses $name with HTTP 400 and $code, calling no vendor', async ({ query, code, message }) => {
    const answer = await post(graph, { query });

    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toContainEqual(expect.objectContaining({ message: expect.stringMatching(message), extensions: { code } }));
    expectNoUpstreamCalls(graph);
  });

  it('answers a refusal with HTTP 400 to an `application/json` client too', async () => {
    const answer = await post(graph, { query: `{ ${aliasedSims(16)} }` }, 'application/json');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.['code']).toBe('ALIAS_LIMIT_EXCEEDED');
  });

  it('refuses a fragment cycle as an invalid document, without hanging or crashing', async () => {
    const answer = await post(graph, {
      query: 'query { sims { ...A } } fragment A on SimConnection { ...B } fragment B on SimConnection { ...A }',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.map((error) => error.extensions?.['code'])).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers GraphiQL’s introspection query', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      inputValueDeprecation: true,
      schemaDescription: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
    });
    const answer = await post(graph, { query });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it.each(OPERATION_NAMES)('runs the benchmark operation %s within the default limits', async (name) => {
    const operation = createOperations(loadSeeds())[name];
    const answer = await post(graph, operation.request(0, undefined));
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  describe('with MAX_TOKENS raised far enough for the parser to run out of stack', () => {
    let lax: TestGateway;
    beforeAll(async () => {
      lax = await startTestGateway({ MAX_TOKENS: '1000000', MAX_BODY_BYTES: '1000000' });
    });
    afterAll(() => lax?.close());

    it('refuses a document nested 20,000 levels with HTTP 400 DEPTH_LIMIT_EXCEEDED, not a crash', async () => {
      const answer = await post(lax, { query: `{ ${'a { '.repeat(20_000)}b${' }'.repeat(20_000)} }` });
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'DEPTH_LIMIT_EXCEEDED' } })]);
      expect((await post(lax, { query: '{ __typename }' })).body).toMatchObject({ data: { __typename: 'Query' } });
    });
  });
});

describe('request body limit (MAX_BODY_BYTES, 100 KB by default)', () => {
  interface Early {
    status: number;
    body: string;
    /** Body bytes the client had written when the answer came. */
    sent: number;
  }

  /**
   * Streams `total` bytes of `chunk` after `chunk` (with or without a Content-Length) and stops writing as soon as
   * the gateway answers: a gateway that refuses cheaply answers before most of the body was sent.
   */
  function sendLarge(gateway: TestGateway, total: number, options: { contentLength: boolean; chunk?: string }): Promise<Early> {
    const chunk = Buffer.from(options.chunk ?? '['.repeat(64 * 1024));
    return new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const request = httpRequest(gateway.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.contentLength ? { 'content-length': String(total) } : {}) },
      });
      request.on('response', (response) => {
        answered = true;
        let body = '';
        response.setEncoding('utf8').on('data', (part: string) => (body += part));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body, sent });
          request.destroy();
        });
      });
      request.on('error', (error) => {
        if (!answered) reject(error);
      });
      const write = () => {
        while (!answered && sent < total) {
          const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
          sent += part.length;
          if (!request.write(part)) return void request.once('drain', write);
        }
        if (!answered) request.end();
      };
      write();
    });
  }

  it('refuses an 18 MB body of nested empty arrays with HTTP 413 before reading it', async () => {
    const answer = await sendLarge(graph, 18 * 1024 * 1024, { contentLength: true });

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      errors: [
        {
          message: expect.stringContaining('exceeds the limit of 100000 bytes (MAX_BODY_BYTES)'),
          extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
        },
      ],
    });
    expect(answer.sent).toBeLessThan(18 * 1024 * 1024);
    expectNoUpstreamCalls(graph);
  });

  it('refuses a body sent without a length (chunked) once it passes the limit', async () => {
    const answer = await sendLarge(graph, 18 * 1024 * 1024, { contentLength: false });

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(answer.sent).toBeLessThan(18 * 1024 * 1024);
  });

  it('refuses six 409 KB documents in a row, each with HTTP 413, and keeps answering', async () => {
    const document = JSON.stringify({ query: `{ ${'__typename '.repeat((409 * 1024) / 11)} }` });
    for (let i = 0; i < 6; i++) {
      const response = await fetch(graph.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: document });
      await response.arrayBuffer();
      expect(response.status).toBe(413);
    }
    expect((await post(graph, { query: '{ __typename }' })).body).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('answers a body just under the limit as usual', async () => {
    const query = `{ __typename }${' '.repeat(99_000)}`;
    expect((await post(graph, { query })).body).toMatchObject({ data: { __typename: 'Query' } });
  });
});
