import { z } from 'zod';
import { chunkLength, positioned, type OffsetChunk, type OffsetList } from '../../sources/lists.js';
import type { RejectedRecord } from '../../upstream/http.js';
import { pageRequest, type ConnectionRequest } from './args.js';
import { connectionPage, emptyPage, lazyEdge, type ConnectionPage } from './page.js';

const positionSchema = z.object({ o: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });

/** Items read from an offset list, each at its vendor offset. */
interface Range<T> {
  entries: { item: T; offset: number }[];
  /** Offset just past the last position read. */
  end: number;
  hasMore: boolean;
  total?: number;
  /** Records of the range that failed validation, at their vendor offsets. */
  rejected: { record: RejectedRecord; offset: number }[];
}

/**
 * Maps Relay arguments onto a list readable at any offset. A window costs one vendor call when it fits the vendor's
 * page limit; `hasNextPage` comes from that same call. `last` without `before` needs the list's end: one call when
 * the list fits a chunk, otherwise the total (where reported) or a scan.
 */
export async function resolveOffsetConnection<T>(request: ConnectionRequest, list: OffsetList<T>): Promise<ConnectionPage<T>> {
  const { args, paging, scope } = request;
  const { direction, size } = pageRequest(args, paging.limits);
  const after = args.after ? paging.cursors.decode(args.after, scope, positionSchema).o : undefined;
  const before = args.before ? paging.cursors.decode(args.before, scope, positionSchema).o : undefined;
  if (size === 0) return emptyPage(direction, args);
  const lower = after === undefined ? 0 : after + 1;
  const page = (range: Range<T>, flags: { hasNextPage: boolean; hasPreviousPage: boolean }) =>
    connectionPage(
      range.entries.map(({ item, offset }) => lazyEdge(item, () => paging.cursors.encode(scope, { o: offset }))),
      flags,
      { totalCount: range.total, rejected: range.rejected.map(({ record }) => record) },
    );

  if (direction === 'forward') {
    const limit = before === undefined ? size : Math.max(0, Math.min(size, before - lower));
    if (limit === 0) return page(emptyRange<T>(lower), { hasNextPage: before !== undefined, hasPreviousPage: lower > 0 });
    const range = await readRange(list, lower, limit);
    const hasNextPage = before === undefined ? range.hasMore : lower + limit < before;
    return page(range, { hasNextPage, hasPreviousPage: lower > 0 });
  }

  if (before !== undefined) {
    const start = Math.max(lower, before - size);
    const range = start < before ? await readRange(list, start, before - start) : emptyRange<T>(start);
    return page(range, { hasNextPage: true, hasPreviousPage: start > lower });
  }
  const tail = await readTail(list, lower, size);
  return page(tail, { hasNextPage: false, hasPreviousPage: (tail.entries[0]?.offset ?? tail.end) > lower });
}

function emptyRange<T>(offset: number): Range<T> {
  return { entries: [], end: offset, hasMore: true, rejected: [] };
}

/** Reads `[offset, offset + limit)`, splitting into vendor-sized calls only when it must. */
async function readRange<T>(list: OffsetList<T>, offset: number, limit: number): Promise<Range<T>> {
  const range: Range<T> = emptyRange(offset);
  while (range.end < offset + limit && range.hasMore) {
    const chunk = await list.read(range.end, Math.min(list.maxChunk, offset + limit - range.end));
    append(range, chunk, offset + limit);
    if (chunkLength(chunk) === 0) break;
  }
  return range;
}

/** Adds a chunk read at `range.end`; a vendor answering more than asked for is cut at `bound`. */
function append<T>(range: Range<T>, chunk: OffsetChunk<T>, bound = Number.POSITIVE_INFINITY): void {
  const start = range.end;
  for (const { item, index } of positioned(chunk)) if (start + index < bound) range.entries.push({ item, offset: start + index });
  for (const record of chunk.rejected) if (start + record.index < bound) range.rejected.push({ record, offset: start + record.index });
  const end = start + chunkLength(chunk);
  range.end = Math.min(end, bound);
  range.hasMore = chunk.hasMore || end > bound;
  if (chunk.total !== undefined) range.total = chunk.total;
}

/** The last `size` positions at or after `lower`: one read when the list fits a chunk, a jump when a total is reported. */
async function readTail<T>(list: OffsetList<T>, lower: number, size: number): Promise<Range<T>> {
  const range: Range<T> = emptyRange(lower);
  for (;;) {
    const chunk = await list.read(range.end, list.maxChunk);
    if (chunk.total !== undefined && chunk.hasMore) {
      const start = Math.max(lower, chunk.total - size);
      return readRange(list, start, chunk.total - start);
    }
    append(range, chunk);
    // Only the tail is answered: a scan of a long list holds no more than `size` positions.
    const keepFrom = range.end - size;
    range.entries = range.entries.filter((entry) => entry.offset >= keepFrom);
    range.rejected = range.rejected.filter((entry) => entry.offset >= keepFrom);
    if (!chunk.hasMore || chunkLength(chunk) === 0) return range;
  }
}
