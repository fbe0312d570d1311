import type { RejectedRecord } from '../upstream/http.js';

/**
 * The vendor lists of every source, each paging style described once. The batching loaders and the Relay
 * connections both read lists through these shapes; neither knows which vendor is behind one.
 *
 * A read returns the records that passed validation plus those that did not (`rejected`, by their index in the
 * vendor's answer), so positions after a rejected record stay the vendor's positions.
 */
export interface Chunk<T> {
  items: T[];
  rejected: readonly RejectedRecord[];
}

/** One read of the items at `[offset, offset + limit)`. */
export interface OffsetChunk<T> extends Chunk<T> {
  /** Whether items follow this chunk, as the same read reported it (next link, `has_more`, total). */
  hasMore: boolean;
  /** The list's length, where the vendor reports it. */
  total?: number;
}

/** A list readable at any offset: Signicat usage, Onomondo usage and tags, or an array in memory. */
export interface OffsetList<T> {
  read(offset: number, limit: number): Promise<OffsetChunk<T>>;
  /** Largest `limit` one vendor call accepts; longer reads are split. */
  maxChunk: number;
}

/** Where a cursor read starts: the list's start, after a page (its next token), or before one (its previous token). */
export type CursorFrom = null | { after: string } | { before: string };

/** One read of a cursor list. */
export interface CursorChunk<T> extends Chunk<T> {
  /** Token that reads on after this chunk; null where the list ends. */
  next: string | null;
  /** Token that reads the items before this chunk; null at the start, absent where the vendor pages forwards only. */
  prev?: string | null;
  /** The list's length, where the vendor reports it. */
  total?: number;
}

/**
 * A list read from opaque vendor tokens: forwards only (Onomondo `next_page`, Signicat Account Management `page`) or
 * in both directions (4me's `Link` relations with `search_after` / `search_before`). No random access.
 */
export interface CursorList<T> {
  /** Reads up to `limit` items from `from`; a `before` read returns the last `limit` items before its token. */
  read(from: CursorFrom, limit: number): Promise<CursorChunk<T>>;
  maxChunk: number;
  /** Whether `before` tokens exist (`prev` is reported). */
  backward: boolean;
  /** The item's stable id, to find it again. */
  key(item: T): string;
}

/** A list already in memory (ids a record carries, a filtered list read whole): costs no vendor call. */
export function arrayList<T>(items: readonly T[]): OffsetList<T> {
  return {
    maxChunk: Math.max(1, items.length),
    read: async (offset, limit) => ({
      items: items.slice(offset, offset + limit),
      rejected: [],
      hasMore: offset + limit < items.length,
      total: items.length,
    }),
  };
}

/** Each kept item with its index in the vendor's answer (rejected records hold their own indexes). */
export function positioned<T>(chunk: Chunk<T>): { item: T; index: number }[] {
  if (chunk.rejected.length === 0) return chunk.items.map((item, index) => ({ item, index }));
  const skipped = new Set(chunk.rejected.map((record) => record.index));
  const located: { item: T; index: number }[] = [];
  let index = 0;
  for (const item of chunk.items) {
    while (skipped.has(index)) index += 1;
    located.push({ item, index });
    index += 1;
  }
  return located;
}

/** How many vendor positions a chunk spans: its kept and its rejected records. */
export function chunkLength(chunk: Chunk<unknown>): number {
  return chunk.items.length + chunk.rejected.length;
}

/** An offset list read as a forward cursor list (tokens are offsets), for mechanisms that read listings from the start. */
export function offsetsAsCursors<T>(list: OffsetList<T>, key: (item: T) => string): CursorList<T> {
  return {
    maxChunk: list.maxChunk,
    backward: false,
    key,
    read: async (from, limit) => {
      const offset = from !== null && 'after' in from ? Number(from.after) : 0;
      const chunk = await list.read(offset, limit);
      const next = offset + chunkLength(chunk);
      return { ...chunk, next: chunk.hasMore && chunkLength(chunk) > 0 ? String(next) : null };
    },
  };
}
