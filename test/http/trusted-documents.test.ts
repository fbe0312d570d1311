import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { fetchSims, fetchUsageStatements } from '../../examples/dashboard.js';
import { startTestGateway, useTestGateway } from '../support/gateway.js';

const MANIFEST = fileURLToPath(new URL('../../examples/generated/persisted-documents.json', import.meta.url));
const manifest = JSON.parse(await readFile(MANIFEST, 'utf8')) as Record<string, string>;
const SIMS_HASH = Object.keys(manifest).find((key) => manifest[key]?.includes('query DashboardSims'))!;

const graph = useTestGateway({ TRUSTED_DOCUMENTS: MANIFEST });

async function post(body: unknown) {
  const response = await fetch(graph.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: { sims?: { nodes: unknown[] } }; errors?: { extensions?: { code?: string } }[] },
  };
}

describe('TRUSTED_DOCUMENTS', () => {
  it('runs a listed document named by its hash alone (`documentId`)', async () => {
    const answer = await post({ documentId: SIMS_HASH, variables: { first: 2, sessions: 1 } });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.sims?.nodes).toHaveLength(2);
  });

  it('runs a listed document named by `extensions.persistedQuery.sha256Hash`, ignoring query text sent along', async () => {
    const sha256Hash = SIMS_HASH.replace(/^sha256:/, '');
    const answer = await post({
      query: '{ usageStatements(first: 100) { nodes { id } } }',
      variables: { first: 1, sessions: 1 },
      extensions: { persistedQuery: { version: 1, sha256Hash } },
    });
    expect(answer.body.data?.sims?.nodes).toHaveLength(1);
    expect(graph.upstreamCalls('fourme')).toEqual([]);
  });

  it('refuses query text alone with TRUSTED_DOCUMENT_REQUIRED, calling no vendor', async () => {
    const answer = await post({ query: '{ sims(first: 1) { nodes { iccid } } }' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['TRUSTED_DOCUMENT_REQUIRED']);
    expect(graph.upstreamCalls('onomondo')).toEqual([]);
  });

  it('refuses a hash it does not list with TRUSTED_DOCUMENT_NOT_FOUND', async () => {
    const unknown = createHash('sha256').update('{ sims { nodes { iccid } } }').digest('hex');
    const answer = await post({ documentId: `sha256:${unknown}` });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['TRUSTED_DOCUMENT_NOT_FOUND']);
  });

  it('serves the example client, whose documents carry their hashes', async () => {
    const sims = await fetchSims(graph.gateway.url, { limit: 3 });
    const statements = await fetchUsageStatements(graph.gateway.url, { limit: 2 });
    expect(sims.errors).toEqual([]);
    expect(sims.items).toHaveLength(3);
    expect(statements.items).toHaveLength(2);
  });

  describe('a manifest that does not hold', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'trusted-documents-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    const manifests: { name: string; content: () => string }[] = [
      { name: 'a file that is not JSON', content: () => 'not json' },
      { name: 'a document whose hash is another’s', content: () => JSON.stringify({ [SIMS_HASH]: '{ __typename }' }) },
      {
        name: 'a document the schema does not have',
        content: () => {
          const document = '{ invoices { total } }';
          return JSON.stringify({ [`sha256:${createHash('sha256').update(document).digest('hex')}`]: document });
        },
      },
    ];

    it.each(manifests)('stops start-up on $name, naming TRUSTED_DOCUMENTS', async ({ content }) => {
      const path = join(dir, 'manifest.json');
      await writeFile(path, content());
      const started = startTestGateway({ TRUSTED_DOCUMENTS: path });
      await expect(started).rejects.toThrow(ConfigError);
      await expect(started).rejects.toThrow(/^Invalid configuration:\n {2}TRUSTED_DOCUMENTS: /);
    });
  });
});
