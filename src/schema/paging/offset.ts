import { z } from 'zod';
import { pageRequest, type ConnectionArgs, type PageSizeLimits } from './args.js';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor.js';
import { connectionPage, lazyEdge, type ConnectionPage } from './page.js';

/** One upstream read of the items at `[offset, offset + limit)`. */
export interface OffsetChunk<T> {
  items: T[];
  /** Whether items exist after this chunk, as the same call reported it (next link, `has_more`, total). */
  hasMore: boolean;
  /** The list's size, where the upstream reports it. */
  total?: number;
}

/**
 * A list the upstream can read at any offset: Signicat's offset/limit, Onomondo's `offset`, 4me's pages
 * (mapped onto offsets by the source), or an in-memory array.
 */
export interface OffsetList<T> {
  read(offset: number, limit: number): Promise<OffsetChunk<T>>;
  /** Largest `limit` one upstream call accepts; longer reads are split. */
  maxChunk: number;
}

/** A list already in memory (ids a record carries, a filtered list read whole): costs no upstream call. */
export function arrayList<T>(items: readonly T[]): OffsetList<T> {
  return {
    maxChunk: Math.max(1, items.length),
    read: async (offset, limit) => ({
      items: items.slice(offset, offset + limit),
      hasMore: offset + limit < items.length,
      total: items.length,
    }),
  };
}

const positionSchema = z.object({ o: z.number().int().nonnegative() });

/**
 * Maps Relay arguments onto an offset-addressable upstream list. A window costs one upstream call when it
 * fits the upstream's page limit; `hasNextPage` comes from that same call. `last` without `before` needs
 * the list's end: one call when the list fits a chunk, otherwise the total (where reported) or a scan.
 */
export async function resolveOffsetConnection<T>(
  options: { args: ConnectionArgs; limits: PageSizeLimits; scope: CursorScope },
  list: OffsetList<T>,
): Promise<ConnectionPage<T>> {
  const { args, limits, scope } = options;
  const { direction, size } = pageRequest(args, limits);
  const after = args.after ? decodeCursor(args.after, scope, positionSchema).o : undefined;
  const before = args.before ? decodeCursor(args.before, scope, positionSchema).o : undefined;
  const lower = after === undefined ? 0 : after + 1;
  const toEdges = (items: T[], start: number) => items.map((node, i) => lazyEdge(node, () => encodeCursor(scope, { o: start + i })));

  if (direction === 'forward') {
    const limit = before === undefined ? size : Math.max(0, Math.min(size, before - lower));
    const chunk = limit === 0 && before !== undefined ? { items: [], hasMore: true } : await readRange(list, lower, limit);
    const hasNextPage = before === undefined ? chunk.hasMore || chunk.items.length > limit : lower + limit < before;
    return connectionPage(toEdges(chunk.items.slice(0, limit), lower), { hasNextPage, hasPreviousPage: lower > 0 }, chunk.total);
  }

  if (before !== undefined) {
    const start = Math.max(lower, before - size);
    const chunk = await readRange(list, start, before - start);
    return connectionPage(toEdges(chunk.items, start), { hasNextPage: true, hasPreviousPage: start > lower }, chunk.total);
  }
  const tail = await readTail(list, lower, size);
  return connectionPage(toEdges(tail.items, tail.start), { hasNextPage: false, hasPreviousPage: tail.start > lower }, tail.total);
}

/** Reads `[offset, offset + limit)`, splitting into upstream-sized calls only when it must. */
async function readRange<T>(list: OffsetList<T>, offset: number, limit: number): Promise<OffsetChunk<T>> {
  const items: T[] = [];
  let chunk: OffsetChunk<T> = { items: [], hasMore: true };
  while (items.length < limit && chunk.hasMore) {
    chunk = await list.read(offset + items.length, Math.min(list.maxChunk, limit - items.length));
    items.push(...chunk.items);
    if (chunk.items.length === 0) break;
  }
  return { items, hasMore: chunk.hasMore, ...(chunk.total === undefined ? {} : { total: chunk.total }) };
}

/** The last `size` items at or after `lower`: one read when the list fits a chunk, a jump when a total is reported. */
async function readTail<T>(list: OffsetList<T>, lower: number, size: number): Promise<{ items: T[]; start: number; total?: number }> {
  let offset = lower;
  let kept: T[] = [];
  for (;;) {
    const chunk = await list.read(offset, list.maxChunk);
    if (chunk.total !== undefined && chunk.hasMore) {
      const start = Math.max(lower, chunk.total - size);
      const rest = await readRange(list, start, chunk.total - start);
      return { items: rest.items, start, total: chunk.total };
    }
    kept = [...kept, ...chunk.items].slice(-size);
    offset += chunk.items.length;
    if (!chunk.hasMore || chunk.items.length === 0) {
      return { items: kept, start: offset - kept.length, ...(chunk.total === undefined ? {} : { total: chunk.total }) };
    }
  }
}
