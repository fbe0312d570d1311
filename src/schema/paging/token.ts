import { z } from 'zod';
import { InvalidCursorError } from '../../errors.js';
import { pageRequest, type ConnectionArgs, type PageSizeLimits } from './args.js';
import { decodeCursor, encodeCursor, type CursorScope } from './cursor.js';
import { connectionPage, lazyEdge, type ConnectionPage } from './page.js';

/** One upstream read from a page token (`null`: the start). */
export interface TokenChunk<T> {
  items: T[];
  /** Token of the item after the last one returned; `null` when the list ends there. */
  next: string | null;
}

/**
 * A list the upstream reads forwards only, from opaque page tokens: Onomondo's `next_page`, Signicat's
 * account management `page`. Backward windows are served from remembered positions, or from a scan
 * from the start when the window reaches before the remembered page.
 */
export interface TokenList<T> {
  read(token: string | null, limit: number): Promise<TokenChunk<T>>;
  maxChunk: number;
  /** The item's stable id, used to find it again on a scan. */
  key(item: T): string;
}

/** Where an item sits: the token its read started from, its index in that read, its key, and the token after it when it ended the read. */
const positionSchema = z.object({
  t: z.string().nullable(),
  i: z.number().int().nonnegative(),
  k: z.string(),
  n: z.string().optional(),
});
type Position = z.infer<typeof positionSchema>;

interface Located<T> {
  node: T;
  position: Position;
}

export async function resolveTokenConnection<T>(
  options: { args: ConnectionArgs; limits: PageSizeLimits; scope: CursorScope },
  list: TokenList<T>,
): Promise<ConnectionPage<T>> {
  const { args, limits, scope } = options;
  const { direction, size } = pageRequest(args, limits);
  const after = args.after ? decodeCursor(args.after, scope, positionSchema) : undefined;
  const before = args.before ? decodeCursor(args.before, scope, positionSchema) : undefined;
  const toEdges = (located: Located<T>[]) => located.map(({ node, position }) => lazyEdge(node, () => encodeCursor(scope, position)));

  if (direction === 'forward') {
    const window = await readForward(list, after, size, before?.k);
    return connectionPage(toEdges(window.items), {
      hasNextPage: window.hasMore,
      hasPreviousPage: after !== undefined || window.items[0]?.position.t != null || (window.items[0]?.position.i ?? 0) > 0,
    });
  }

  if (before && !after && before.i >= size) {
    const direct = await readBeforeInPage(list, before, size);
    if (direct) return connectionPage(toEdges(direct), { hasNextPage: true, hasPreviousPage: before.i > size || before.t !== null });
  }
  const scanned = await scanUntil(list, after?.k, before?.k, size + 1);
  const items = scanned.items.slice(-size);
  return connectionPage(toEdges(items), {
    hasNextPage: before !== undefined,
    // Relay: with `last`, whether more than `last` items lie between the cursors.
    hasPreviousPage: scanned.items.length > size,
  });
}

/** Reads `size` items after `after` (or from the start), following tokens across reads. */
async function readForward<T>(
  list: TokenList<T>,
  after: Position | undefined,
  size: number,
  stopAtKey: string | undefined,
): Promise<{ items: Located<T>[]; hasMore: boolean }> {
  let token = after ? (after.n ?? after.t) : null;
  let skip = after && after.n === undefined ? after.i + 1 : 0;
  const items: Located<T>[] = [];
  for (;;) {
    const wanted = size - items.length;
    if (wanted <= 0) return { items, hasMore: true };
    const limit = Math.min(list.maxChunk, skip + wanted);
    const chunk = await list.read(token, limit);
    const located = locate(list, chunk, token);
    if (skip > 0 && after && located[skip - 1]?.position.k !== after.k) {
      throw new InvalidCursorError('cursor is stale: the list changed since it was issued');
    }
    for (const entry of located.slice(skip)) {
      if (entry.position.k === stopAtKey) return { items, hasMore: false };
      if (items.length === size) return { items, hasMore: true };
      items.push(entry);
    }
    if (chunk.next === null) return { items, hasMore: false };
    if (items.length === size) return { items, hasMore: true };
    token = chunk.next;
    skip = 0;
  }
}

/** The `size` items before `before` when they lie in the read `before` came from: one call. */
async function readBeforeInPage<T>(list: TokenList<T>, before: Position, size: number): Promise<Located<T>[] | undefined> {
  const limit = before.i + 1;
  if (limit > list.maxChunk) return undefined;
  const located = locate(list, await list.read(before.t, limit), before.t);
  if (located[before.i]?.position.k !== before.k) return undefined;
  return located.slice(before.i - size, before.i);
}

/** Scans from the start, keeping the last `keep` items after `afterKey` and before (not including) `beforeKey`. */
async function scanUntil<T>(
  list: TokenList<T>,
  afterKey: string | undefined,
  beforeKey: string | undefined,
  keep: number,
): Promise<{ items: Located<T>[] }> {
  let token: string | null = null;
  let collecting = afterKey === undefined;
  let items: Located<T>[] = [];
  for (;;) {
    const chunk = await list.read(token, list.maxChunk);
    for (const entry of locate(list, chunk, token)) {
      if (entry.position.k === beforeKey) return { items };
      if (collecting) items.push(entry);
      else if (entry.position.k === afterKey) collecting = true;
    }
    // Only the tail is answered: a scan of a long list holds no more than `keep` items.
    if (items.length > keep) items = items.slice(-keep);
    if (chunk.next === null) {
      if (beforeKey !== undefined || !collecting) throw new InvalidCursorError('cursor is stale: its item is no longer in the list');
      return { items };
    }
    token = chunk.next;
  }
}

function locate<T>(list: TokenList<T>, chunk: TokenChunk<T>, token: string | null): Located<T>[] {
  const lastIndex = chunk.items.length - 1;
  return chunk.items.map((node, i) => ({
    node,
    position: {
      t: token,
      i,
      k: list.key(node),
      ...(i === lastIndex && chunk.next !== null ? { n: chunk.next } : {}),
    },
  }));
}
