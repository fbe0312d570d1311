import DataLoader from 'dataloader';
import { UpstreamNotFoundError } from '../upstream/errors.js';

/** JSON with object keys sorted, so equal requests give equal cache keys whatever their key order. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => a.localeCompare(b)))
      : field,
  );
}

/**
 * One upstream call per distinct request within a GraphQL operation: two fields asking for the same page
 * share one call. No batching: each key is its own request.
 */
export function memoizedRequests<K, V>(run: (key: K) => Promise<V>): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>((keys) => Promise.all(keys.map((key) => run(key).catch((error: unknown) => toError(error)))), {
    batch: false,
    cacheKeyFn: stableKey,
  });
}

/**
 * Records fetched one id at a time (the vendor has no bulk read), deduplicated per operation.
 * An id the vendor does not know resolves to null, so lookups answer null rather than fail.
 */
export function lookupsById<V>(fetchOne: (id: string) => Promise<V>): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>((ids) => Promise.all(ids.map((id) => fetchOne(id).catch(notFoundAsNull))), { batch: false });
}

/** A vendor's "not found" as a missing record; every other failure stays an error in its slot. */
export function notFoundAsNull(error: unknown): null | Error {
  if (error instanceof UpstreamNotFoundError) return null;
  return toError(error);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
