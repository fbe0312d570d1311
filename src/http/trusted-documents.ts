import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { parse, validate, type GraphQLSchema } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { ConfigError } from '../config.js';

/** Persisted-documents manifest: sha256 of each document (hex, without the manifest's `sha256:` prefix) → the document. */
export type TrustedDocuments = ReadonlyMap<string, string>;

const SHA256 = /^(?:sha256:)?([0-9a-f]{64})$/;

/**
 * Reads `npm run codegen`'s `persisted-documents.json`, checking that each hash is its document's and that every
 * document is valid against `schema`, so a stale or tampered manifest stops start-up instead of failing requests.
 */
export async function loadTrustedDocuments(path: string, schema: GraphQLSchema): Promise<TrustedDocuments> {
  const refuse = (problem: string) => new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS: ${problem}`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw refuse('cannot be read as a JSON file');
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw refuse('is not a persisted-documents manifest (an object of sha256 hash → document)');
  }
  const documents = new Map<string, string>();
  for (const [key, document] of Object.entries(manifest)) {
    const hash = SHA256.exec(key)?.[1];
    if (hash === undefined || typeof document !== 'string')
      throw refuse('is not a persisted-documents manifest (an object of sha256 hash → document)');
    if (createHash('sha256').update(document).digest('hex') !== hash)
      throw refuse(`the document listed as ${key} does not have that sha256 hash`);
    let errors: readonly Error[];
    try {
      errors = validate(schema, parse(document));
    } catch (error) {
      errors = [error instanceof Error ? error : new Error(String(error))];
    }
    if (errors.length > 0) throw refuse(`the document ${hash} does not validate against the schema: ${errors[0]?.message}`);
    documents.set(hash, document);
  }
  return documents;
}

/**
 * Only the manifest's documents run, named by hash: `documentId` (`sha256:<hex>` or `<hex>`) or the APQ-style
 * `extensions.persistedQuery.sha256Hash`. Query text alone is refused with `TRUSTED_DOCUMENT_REQUIRED`, an unknown
 * hash with `TRUSTED_DOCUMENT_NOT_FOUND`. Query text sent along with a hash is ignored: the stored document runs.
 */
export function useTrustedDocuments(documents: TrustedDocuments): Plugin {
  const required = {
    message: 'Only trusted documents run here: send the sha256 hash of a listed document as `documentId`, not the query text.',
    extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED', http: { status: 400 } },
  };
  const persisted = usePersistedOperations({
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    allowArbitraryOperations: false,
    customErrors: {
      persistedQueryOnly: required,
      keyNotFound: required,
      notFound: {
        message: 'No trusted document has this hash.',
        extensions: { code: 'TRUSTED_DOCUMENT_NOT_FOUND', http: { status: 400 } },
      },
    },
  });
  return {
    onParams(payload) {
      const hash = requestedHash(payload.params);
      if (hash === undefined) return persisted.onParams?.(payload);
      const { query: _query, documentId: _documentId, ...rest } = payload.params as GraphQLParams & { documentId?: unknown };
      const params = { ...rest, extensions: { ...rest.extensions, persistedQuery: { version: 1, sha256Hash: hash } } };
      payload.setParams(params);
      return persisted.onParams?.({ ...payload, params });
    },
    onParse: persisted.onParse,
    onValidate: persisted.onValidate,
  };
}

function requestedHash(params: GraphQLParams & { documentId?: unknown }): string | undefined {
  if (typeof params.documentId === 'string') return params.documentId.replace(/^sha256:/, '').toLowerCase();
  const persisted: unknown = params.extensions?.['persistedQuery'];
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' ? hash.toLowerCase() : undefined;
}
