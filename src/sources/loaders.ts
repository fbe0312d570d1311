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
function notFoundAsNull(error: unknown): null | Error {
  if (error instanceof UpstreamNotFoundError) return null;
  return toError(error);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** A vendor listing of records, read page by page from opaque tokens (`null`: the first page). */
export interface Listing<V> {
  readPage(token: string | null): Promise<{ items: V[]; next: string | null }>;
  key(record: V): string;
  /** Whether the listing holds every record there is (the SIM list), or only some (top-level organisations). */
  complete: boolean;
}

/**
 * Records by id where the vendor lists them in pages. One id: `fetchOne`, the vendor's single read. Several: the
 * listing, page by page, until every id is found, reading no more pages than ids are still missing, so it never
 * costs more than a call per id; ids still missing are then read one by one. A complete listing read to its end
 * settles every id it lacks as unknown (null). Without `fetchOne` (no single read exists) the listing is read to the end.
 */
export function listedRecordsLoader<V>(listing: Listing<V>, fetchOne?: (id: string) => Promise<V>): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>(async (ids) => {
    if (fetchOne && ids.length === 1) return Promise.all(ids.map((id) => fetchOne(id).catch(notFoundAsNull)));
    const found = new Map<string, V>();
    const missing = () => ids.filter((id) => !found.has(id)).length;
    let token: string | null = null;
    let exhausted = false;
    for (let pages = 0; !exhausted && missing() > 0 && (!fetchOne || pages < missing()); pages++) {
      const page: { items: V[]; next: string | null } = await listing.readPage(token);
      for (const record of page.items) found.set(listing.key(record), record);
      token = page.next;
      exhausted = token === null;
    }
    return Promise.all(
      ids.map((id) => {
        const record = found.get(id);
        if (record !== undefined || (exhausted && listing.complete) || !fetchOne) return record ?? null;
        return fetchOne(id).catch(notFoundAsNull);
      }),
    );
  });
}

/** A request for the items at `[offset, offset + limit)` of one owner's own list (an account's usage, a SIM's usage). */
export interface OwnedWindowKey {
  owner: string;
  offset: number;
  limit: number;
}

export interface Window<T> {
  items: T[];
  hasMore: boolean;
}

/** A list holding many owners' items, in the same relative order as each owner's own list. */
export interface SharedList<T> {
  /** Items per shared page. */
  pageSize: number;
  readPage(offset: number): Promise<Window<T>>;
  ownerOf(item: T): string | null;
}

export interface SharedWindowOptions<K extends OwnedWindowKey, T> {
  /**
   * The shared list a key can be served from, and its identity (keys with equal `group` share it); null: read on
   * its own. Sees the whole batch, so it can pick the narrowest list that covers the owners asked for together.
   */
  share(key: K, batch: readonly K[]): { group: string; list: SharedList<T> } | null;
  readOwn(key: K): Promise<Window<T>>;
}

/**
 * Windows of many owners' lists at the cost of a few pages of one shared list, instead of one call per owner:
 * the shared list (an organisation's usage, the whole fleet's usage) is read page by page until every owner's
 * window is filled, one item beyond it included so `hasMore` is known. A lone owner reads its own list.
 * A group reads at most half as many shared pages as it has owners, so when sharing does not pay off (sparse
 * owners in a long list) the owners left unserved read their own lists at a bounded extra cost.
 */
export function sharedWindowLoader<K extends OwnedWindowKey, T>(options: SharedWindowOptions<K, T>): DataLoader<K, Window<T>, string> {
  return new DataLoader<K, Window<T>, string>(
    async (keys) => {
      const groups = new Map<string, { list: SharedList<T> | undefined; keys: K[] }>();
      for (const key of keys) {
        const sharing = options.share(key, keys);
        const group = sharing?.group ?? `own:${stableKey(key)}`;
        const members = groups.get(group);
        if (members) members.keys.push(key);
        else groups.set(group, { list: sharing?.list, keys: [key] });
      }
      const windows = new Map<K, Window<T> | Error>();
      await Promise.all(
        [...groups.values()].map(async ({ list, keys: group }) => {
          const owners = new Set(group.map((key) => key.owner));
          // A window as long as a shared page (`last` without `before` reads from the start to the end) would
          // need each owner's whole list, so sharing cannot pay off: owners read their own lists.
          const worthSharing = list !== undefined && owners.size > 1 && group.every((key) => key.offset + key.limit < list.pageSize);
          const shared =
            list && worthSharing
              ? await readShared(group, list, Math.ceil(owners.size / 2)).catch((error: unknown) => toError(error))
              : undefined;
          await Promise.all(
            group.map(async (key) => {
              const window = shared instanceof Error ? shared : shared?.get(key);
              windows.set(key, window ?? (await options.readOwn(key).catch((error: unknown) => toError(error))));
            }),
          );
        }),
      );
      return keys.map((key) => windows.get(key) ?? new Error('window not loaded'));
    },
    { cacheKeyFn: stableKey },
  );
}

async function readShared<K extends OwnedWindowKey, T>(keys: K[], list: SharedList<T>, maxPages: number): Promise<Map<K, Window<T>>> {
  const itemsByOwner = new Map<string, T[]>();
  const filled = (key: K) => (itemsByOwner.get(key.owner)?.length ?? 0) > key.offset + key.limit;
  let offset = 0;
  let exhausted = false;
  for (let pages = 0; pages < maxPages && !exhausted && !keys.every(filled); pages++) {
    const page = await list.readPage(offset);
    for (const item of page.items) {
      const owner = list.ownerOf(item);
      if (owner === null) continue;
      const owned = itemsByOwner.get(owner);
      if (owned) owned.push(item);
      else itemsByOwner.set(owner, [item]);
    }
    offset += page.items.length;
    exhausted = !page.hasMore || page.items.length === 0;
  }
  const windows = new Map<K, Window<T>>();
  for (const key of keys) {
    if (!exhausted && !filled(key)) continue;
    const items = itemsByOwner.get(key.owner) ?? [];
    windows.set(key, { items: items.slice(key.offset, key.offset + key.limit), hasMore: items.length > key.offset + key.limit });
  }
  return windows;
}
