import DataLoader from 'dataloader';
import { UpstreamNotFoundError } from '../upstream/errors.js';
import type { CallOptions, RejectedRecord } from '../upstream/http.js';
import { chunkLength, positioned, type CursorFrom, type CursorList, type OffsetChunk, type OffsetList } from './lists.js';

/** JSON with object keys sorted, so equal requests give equal cache keys whatever their key order. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field && typeof field === 'object' && !Array.isArray(field)
      ? Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : field,
  );
}

/**
 * Keeps the calls an operation makes independent of timing. A batch waits until none of the operation's calls to
 * this vendor is in flight (nor about to start), so it holds every key the answers read so far can ask for: which
 * vendor reads an operation makes then depends on the operation, its variables and the answers (cached or not),
 * never on which answer landed first. Every call reports to it (`CallOptions.inFlight`); batching loaders wait
 * for it (`schedule`).
 */
export class ReadRounds {
  #inFlight = 0;
  #waiting: (() => void)[] = [];
  #checking = false;

  enter(): void {
    this.#inFlight += 1;
  }

  leave(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0) this.#check();
  }

  /** DataLoader's `batchScheduleFn`: dispatches once the round is quiet. */
  readonly schedule = (dispatch: () => void): void => {
    this.#waiting.push(dispatch);
    this.#check();
  };

  // A macrotask later: the continuations of the call that just ended, and the calls they start, come first.
  #check(): void {
    if (this.#checking || this.#waiting.length === 0) return;
    this.#checking = true;
    setImmediate(() => {
      this.#checking = false;
      if (this.#inFlight > 0) return;
      for (const dispatch of this.#waiting.splice(0)) dispatch();
    });
  }
}

/** What a vendor's loaders get for one operation: the options every call carries, the rounds batches wait for. */
export interface LoaderCall extends CallOptions {
  inFlight: ReadRounds;
}

/** Ids in ascending order, in groups of `size`: the same ids always make the same calls, whatever order they came in. */
export function idBatches<K extends string | number>(ids: readonly K[], size: number): K[][] {
  const sorted = [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const batches: K[][] = [];
  for (let start = 0; start < sorted.length; start += size) batches.push(sorted.slice(start, start + size));
  return batches;
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

/** Every item of a cursor list, read to its end at most once per operation, `maxChunk` items to a call. */
export function wholeList<T>(list: CursorList<T>): () => Promise<T[]> {
  const loader = memoizedRequests(async (_whole: 'whole') => {
    const all: T[] = [];
    for (let page = await list.read(null, list.maxChunk); ; page = await list.read({ after: page.next }, list.maxChunk)) {
      all.push(...page.items);
      if (page.next === null) return all;
    }
  });
  return () => loader.load('whole');
}

/** The `id` a record carried as the vendor sent it, even when the record failed validation. */
export function rawId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return undefined;
  const id = raw.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

export interface ListedRecordsOptions<V> {
  /** The operation's rounds: the batch decides between the single read and the listing, so it must not depend on timing. */
  rounds: ReadRounds;
  /** The vendor listing that holds the records, read from its start. */
  listing: CursorList<V>;
  /** Whether the listing holds every record there is (the SIM list), or only some (top-level organisations). */
  complete: boolean;
  /** The vendor's single read; without it the listing is read to its end. */
  fetchOne?: (id: string) => Promise<V>;
}

/**
 * Records by id where the vendor lists them in pages. One id: `fetchOne`, the vendor's single read. Several: the
 * listing, page by page, until every id is found, reading no more pages than ids are still missing, so it never
 * costs more than a call per id; ids still missing are then read one by one. A complete listing read to its end
 * settles every id it lacks as unknown (null). A record the vendor sent but that failed validation is its id's error.
 */
export function listedRecordsLoader<V>({ listing, complete, fetchOne, rounds }: ListedRecordsOptions<V>): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>(
    async (ids) => {
      if (fetchOne && ids.length === 1) return Promise.all(ids.map((id) => fetchOne(id).catch(notFoundAsNull)));
      const found = new Map<string, V | Error>();
      // A rejected record whose id cannot be read could be any id still missing: those get its error, not a silent null.
      let unattributed: Error | undefined;
      const missing = () => ids.filter((id) => !found.has(id)).length;
      let from: CursorFrom = null;
      let exhausted = false;
      for (let pages = 0; !exhausted && missing() > 0 && (!fetchOne || pages < missing()); pages++) {
        const page = await listing.read(from, listing.maxChunk);
        for (const record of page.items) found.set(listing.key(record), record);
        for (const record of page.rejected) {
          const id = rawId(record.raw);
          if (id !== undefined && ids.includes(id)) found.set(id, record.error);
          else if (id === undefined) unattributed ??= record.error;
        }
        exhausted = page.next === null;
        if (page.next !== null) from = { after: page.next };
      }
      return Promise.all(
        ids.map((id) => {
          const record = found.get(id);
          if (record !== undefined || (exhausted && complete) || !fetchOne) return record ?? unattributed ?? null;
          return fetchOne(id).catch(notFoundAsNull);
        }),
      );
    },
    { batchScheduleFn: rounds.schedule },
  );
}

/** A request for the items at `[offset, offset + limit)` of one owner's own list (an account's usage, a SIM's usage). */
export interface OwnedWindowKey {
  owner: string;
  offset: number;
  limit: number;
}

/** A list holding many owners' items, in the same relative order as each owner's own list. */
export interface SharedList<T> {
  list: OffsetList<T>;
  /** The owner of an item; of a rejected record, as far as its raw form tells. */
  ownerOf(item: T): string | null;
  ownerOfRaw(raw: unknown): string | null;
}

export interface SharedWindowOptions<K extends OwnedWindowKey, T> {
  /** The operation's rounds: the batch picks the shared lists, so it must not depend on timing. */
  rounds: ReadRounds;
  /**
   * The shared list a key can be served from, and its identity (keys with equal `group` share it); null: read on
   * its own. Sees the whole batch, so it can pick the narrowest list that covers the owners asked for together.
   */
  share(key: K, batch: readonly K[]): { group: string; shared: SharedList<T> } | null;
  readOwn(key: K): Promise<OffsetChunk<T>>;
}

/**
 * Windows of many owners' lists at the cost of a few pages of one shared list, instead of one call per owner:
 * the shared list (an organisation's usage, the whole fleet's usage) is read page by page until every owner's
 * window is filled, one item beyond it included so `hasMore` is known. A lone owner reads its own list.
 * A group reads at most half as many shared pages as it has owners, so when sharing does not pay off (sparse
 * owners in a long list) the owners left unserved read their own lists at a bounded extra cost.
 */
export function sharedWindowLoader<K extends OwnedWindowKey, T>(options: SharedWindowOptions<K, T>): DataLoader<K, OffsetChunk<T>, string> {
  return new DataLoader<K, OffsetChunk<T>, string>(
    async (keys) => {
      const groups = new Map<string, { shared: SharedList<T> | undefined; keys: K[] }>();
      for (const key of keys) {
        const sharing = options.share(key, keys);
        const group = sharing?.group ?? `own:${stableKey(key)}`;
        const members = groups.get(group);
        if (members) members.keys.push(key);
        else groups.set(group, { shared: sharing?.shared, keys: [key] });
      }
      const windows = new Map<K, OffsetChunk<T> | Error>();
      await Promise.all(
        [...groups.values()].map(async ({ shared, keys: group }) => {
          const owners = new Set(group.map((key) => key.owner));
          // A window as long as a shared page (`last` without `before` reads from the start to the end) would
          // need each owner's whole list, so sharing cannot pay off: owners read their own lists.
          const worthSharing =
            shared !== undefined && owners.size > 1 && group.every((key) => key.offset + key.limit < shared.list.maxChunk);
          const read =
            shared && worthSharing
              ? await readShared(group, shared, Math.ceil(owners.size / 2)).catch((error: unknown) => toError(error))
              : undefined;
          await Promise.all(
            group.map(async (key) => {
              const window = read instanceof Error ? read : read?.get(key);
              windows.set(key, window ?? (await options.readOwn(key).catch((error: unknown) => toError(error))));
            }),
          );
        }),
      );
      return keys.map((key) => windows.get(key) ?? new Error('window not loaded'));
    },
    { cacheKeyFn: stableKey, batchScheduleFn: options.rounds.schedule },
  );
}

/** Each owner's items, and its rejected records, in the order of the shared list. */
interface OwnedItems<T> {
  items: T[];
  /** Rejected records with the number of items of this owner before them: their position in the owner's list. */
  rejected: { record: RejectedRecord; before: number }[];
}

async function readShared<K extends OwnedWindowKey, T>(
  keys: K[],
  shared: SharedList<T>,
  maxPages: number,
): Promise<Map<K, OffsetChunk<T>>> {
  const byOwner = new Map<string, OwnedItems<T>>();
  const owned = (owner: string) => {
    let entry = byOwner.get(owner);
    if (!entry) byOwner.set(owner, (entry = { items: [], rejected: [] }));
    return entry;
  };
  const length = (entry: OwnedItems<T> | undefined) => (entry ? entry.items.length + entry.rejected.length : 0);
  const filled = (key: K) => length(byOwner.get(key.owner)) > key.offset + key.limit;
  let offset = 0;
  let exhausted = false;
  for (let pages = 0; pages < maxPages && !exhausted && !keys.every(filled); pages++) {
    const page = await shared.list.read(offset, shared.list.maxChunk);
    const rejectedAt = new Map(page.rejected.map((record) => [record.index, record]));
    const kept = positioned(page);
    for (let index = 0, next = 0; index < chunkLength(page); index++) {
      const rejected = rejectedAt.get(index);
      if (rejected) {
        const owner = shared.ownerOfRaw(rejected.raw);
        if (owner !== null) owned(owner).rejected.push({ record: rejected, before: owned(owner).items.length });
        continue;
      }
      const entry = kept[next++];
      if (entry === undefined) break;
      const owner = shared.ownerOf(entry.item);
      if (owner !== null) owned(owner).items.push(entry.item);
    }
    offset += chunkLength(page);
    exhausted = !page.hasMore || chunkLength(page) === 0;
  }
  const windows = new Map<K, OffsetChunk<T>>();
  for (const key of keys) {
    if (!exhausted && !filled(key)) continue;
    windows.set(key, ownerWindow(byOwner.get(key.owner), key));
  }
  return windows;
}

/** The owner's `[offset, offset + limit)`, counting rejected records as the positions they hold in the owner's list. */
function ownerWindow<T>(entry: OwnedItems<T> | undefined, key: OwnedWindowKey): OffsetChunk<T> {
  if (!entry) return { items: [], rejected: [], hasMore: false };
  const end = key.offset + key.limit;
  const items: T[] = [];
  const rejected: RejectedRecord[] = [];
  let position = 0;
  let rejectedIndex = 0;
  for (let itemIndex = 0; itemIndex <= entry.items.length && position < end;) {
    const pending = entry.rejected[rejectedIndex];
    if (pending && pending.before === itemIndex) {
      if (position >= key.offset) rejected.push({ ...pending.record, index: position - key.offset });
      rejectedIndex += 1;
    } else if (itemIndex < entry.items.length) {
      if (position >= key.offset) items.push(entry.items[itemIndex] as T);
      itemIndex += 1;
    } else {
      break;
    }
    position += 1;
  }
  return { items, rejected, hasMore: entry.items.length + entry.rejected.length > end };
}
