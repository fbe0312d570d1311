import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../support/gateway.js';
import { rawRequest, type RawResponse } from '../support/http.js';

const graph = useTestGateway();

const LARGE_OPERATION = '{ sims(first: 100) { edges { cursor node { id iccid externalId bytesThisPeriod } } } }';

const graphiql = (acceptEncoding?: string) =>
  rawRequest(graph.gateway.url, { headers: { accept: 'text/html', ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) } });

const operation = (query: string, acceptEncoding?: string, accept = 'application/graphql-response+json') =>
  rawRequest(graph.gateway.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept,
      ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
    },
    body: JSON.stringify({ query }),
  });

function decoded(response: RawResponse): Buffer {
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(response.body);
  if (encoding === 'gzip') return gunzipSync(response.body);
  if (encoding === undefined) return response.body;
  throw new Error(`unexpected content-encoding ${encoding}`);
}

describe('response compression', () => {
  it('sends the GraphiQL page brotli-compressed when brotli is accepted, to a fraction of its size, decoding to the same page', async () => {
    const plain = await graphiql();
    const compressed = await graphiql('gzip, deflate, br');

    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.headers.vary).toMatch(/accept-encoding/i);
    expect(compressed.body.length).toBeLessThan(plain.body.length / 3);
    expect(decoded(compressed).equals(plain.body)).toBe(true);
  });

  it('gzips a large JSON answer for a client that accepts only gzip, decoding to the same bytes', async () => {
    const plain = await operation(LARGE_OPERATION);
    const compressed = await operation(LARGE_OPERATION, 'gzip');

    expect(plain.body.length).toBeGreaterThan(10_000);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.body.length).toBeLessThan(plain.body.length / 3);
    expect(decoded(compressed).equals(plain.body)).toBe(true);
  });

  it('prefers brotli over gzip for a large JSON answer', async () => {
    const plain = await operation(LARGE_OPERATION);
    const compressed = await operation(LARGE_OPERATION, 'gzip, br');

    expect(compressed.headers['content-encoding']).toBe('br');
    expect(decoded(compressed).equals(plain.body)).toBe(true);
  });

  it('sends a small answer uncompressed, still saying it varies by accept-encoding', async () => {
    const small = await operation('{ __typename }', 'gzip, br');

    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(small.body.toString('utf8'))).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('never compresses a server-sent event stream, so events are not held back in the compressor', async () => {
    const stream = await operation(LARGE_OPERATION, 'gzip, br', 'text/event-stream');

    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(['br', 'gzip']).not.toContain(stream.headers['content-encoding']);
    expect(stream.body.toString('utf8')).toContain('"sims"');
  });

  it('sends a large answer uncompressed to a client that accepts only identity', async () => {
    const answer = await operation(LARGE_OPERATION, 'identity');

    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ data: { sims: { edges: expect.any(Array) } } });
  });
});
