import { z } from 'zod';
import { InvalidCursorError } from '../../errors.js';
import { positioned, type CursorChunk, type CursorFrom, type CursorList } from '../../sources/lists.js';
import type { RejectedRecord } from '../../upstream/http.js';
import { pageRequest, type ConnectionRequest } from './args.js';
import { connectionPage, emptyPage, lazyEdge, type ConnectionPage } from './page.js';

const token = z.string().max(2048);
const fromSchema = z.union([z.null(), z.object({ after: token }).strict(), z.object({ before: token }).strict()]);

/**
 * Where an item sits: the read it came from (`f`, with its limit `l`, which shapes a `before` read), its index in that
 * read, its key, and the tokens beyond the read when it was the read's last (`n`) or first (`p`) item.
 */
const positionSchema = z.object({
  f: fromSchema,
  l: z.number().int().positive().max(100_000),
  i: z.number().int().nonnegative().max(100_000),
  k: z.string().max(1024),
  n: token.nullable().optional(),
  p: token.nullable().optional(),
});
type Position = z.infer<typeof positionSchema>;

interface Located<T> {
  node: T;
  position: Position;
}

/** One read, its items located. */
interface Read<T> {
  located: Located<T>[];
  chunk: CursorChunk<T>;
}

/**
 * Maps Relay arguments onto a list read from vendor tokens. Forward windows follow `next` tokens from where the
 * cursor's read ended; backward windows follow `prev` tokens where the vendor gives them (4me), and otherwise come from
 * the cursor's own read or a scan from the start. Random access is never assumed.
 */
export async function resolveCursorConnection<T>(request: ConnectionRequest, list: CursorList<T>): Promise<ConnectionPage<T>> {
  const { args, paging, scope } = request;
  const { direction, size } = pageRequest(args, paging.limits);
  const after = args.after ? paging.cursors.decode(args.after, scope, positionSchema) : undefined;
  const before = args.before ? paging.cursors.decode(args.before, scope, positionSchema) : undefined;
  if (size === 0) return emptyPage(direction, args);
  const rejected: RejectedRecord[] = [];
  const read = async (from: CursorFrom, limit: number): Promise<Read<T>> => {
    const chunk = await list.read(from, limit);
    rejected.push(...chunk.rejected);
    return { chunk, located: locate(list, chunk, from, limit) };
  };
  const page = (items: Located<T>[], flags: { hasNextPage: boolean; hasPreviousPage: boolean }, total: number | undefined) =>
    connectionPage(
      items.map(({ node, position }) => lazyEdge(node, () => paging.cursors.encode(scope, position))),
      flags,
      { totalCount: total, rejected },
    );

  if (direction === 'forward') {
    const window = await readForward(list, read, after, size, before?.k);
    const first = window.items[0]?.position;
    const atStart = first === undefined ? after === undefined : first.f === null && first.i === 0;
    return page(window.items, { hasNextPage: window.hasMore, hasPreviousPage: after !== undefined || !atStart }, window.total);
  }
  if (before && list.backward) {
    const window = await readBackward(list, read, before, size, after?.k);
    if (window) return page(window.items, { hasNextPage: true, hasPreviousPage: window.hasMore }, window.total);
  }
  if (before && !after && before.i >= size) {
    const direct = await readBeforeInRead(read, before, size);
    if (direct) return page(direct.items, { hasNextPage: true, hasPreviousPage: before.i > size || before.f !== null }, direct.total);
  }
  const scanned = await scanUntil(list, read, after?.k, before?.k, size + 1);
  return page(
    scanned.items.slice(-size),
    // Relay: with `last`, whether more than `last` items lie between the cursors.
    { hasNextPage: before !== undefined, hasPreviousPage: scanned.items.length > size },
    scanned.total,
  );
}

type Reader<T> = (from: CursorFrom, limit: number) => Promise<Read<T>>;

/** Where reading resumes after `after`: its read's next token when it ended that read, else its read again. */
function resumeAfter(list: CursorList<unknown>, after: Position | undefined): { from: CursorFrom; skip: number; limit?: number } {
  if (after === undefined) return { from: null, skip: 0 };
  if (after.n != null) return { from: { after: after.n }, skip: 0 };
  if (after.n === null) return { from: null, skip: -1 };
  // A `before` read is shaped by its limit: read it again exactly as it was read.
  const limit = after.f !== null && 'before' in after.f ? after.l : undefined;
  return { from: after.f, skip: after.i + 1, ...(limit === undefined ? {} : { limit: Math.min(limit, list.maxChunk) }) };
}

/** Reads `size` items after `after` (or from the start), following next tokens across reads. */
async function readForward<T>(
  list: CursorList<T>,
  read: Reader<T>,
  after: Position | undefined,
  size: number,
  stopAtKey: string | undefined,
): Promise<{ items: Located<T>[]; hasMore: boolean; total: number | undefined }> {
  const resume = resumeAfter(list, after);
  const items: Located<T>[] = [];
  // The cursor's item ended the list: nothing follows it.
  if (resume.skip < 0) return { items, hasMore: false, total: undefined };
  let { from, skip } = resume;
  let fixedLimit = resume.limit;
  let total: number | undefined;
  // Positions of the window taken so far: a record that failed validation takes its position like any other.
  let taken = 0;
  for (;;) {
    const wanted = size - taken;
    const limit = fixedLimit ?? Math.min(list.maxChunk, skip + wanted);
    const { located, chunk } = await read(from, limit);
    total = chunk.total ?? total;
    if (skip > 0 && after) expectKeyAt(located, after);
    for (const slot of slots(located, chunk)) {
      if (slot.index < skip) continue;
      if (slot.entry?.position.k === stopAtKey && stopAtKey !== undefined) return { items, hasMore: false, total };
      if (taken === size) return { items, hasMore: true, total };
      if (slot.entry) items.push(slot.entry);
      taken += 1;
    }
    if (chunk.next === null) return { items, hasMore: false, total };
    if (taken === size) return { items, hasMore: true, total };
    from = { after: chunk.next };
    skip = 0;
    fixedLimit = undefined;
  }
}

/**
 * The `size` items before `before`, following prev tokens (lists that have them). One item more is read where it
 * costs no extra call, so `hasMore` says whether items precede the window (and follow `afterKey`). Undefined where
 * a read's prev link names no token: the window then comes from a scan instead.
 */
async function readBackward<T>(
  list: CursorList<T>,
  read: Reader<T>,
  before: Position,
  size: number,
  afterKey: string | undefined,
): Promise<{ items: Located<T>[]; hasMore: boolean; total: number | undefined } | undefined> {
  let collected: Located<T>[] = [];
  let prev: string | null | undefined;
  let total: number | undefined;
  if (before.p !== undefined) {
    // The cursor's item began its read: the read's own prev token reaches what lies before it.
    prev = before.p;
  } else {
    const { located, chunk } = await read(before.f, before.l);
    expectKeyAt(located, before);
    collected = located.filter((entry) => entry.position.i < before.i);
    prev = chunk.prev;
    total = chunk.total;
  }
  const trimAtAfter = () => {
    const at = collected.findIndex((entry) => entry.position.k === afterKey);
    if (at < 0) return false;
    collected = collected.slice(at + 1);
    return true;
  };
  if (trimAtAfter()) return { items: collected.slice(-size), hasMore: collected.length > size, total };
  while (collected.length <= size && prev !== null) {
    if (prev === undefined) return undefined;
    const { located, chunk } = await read({ before: prev }, Math.min(list.maxChunk, size + 1 - collected.length));
    collected = [...located, ...collected];
    prev = chunk.prev;
    total = chunk.total ?? total;
    if (trimAtAfter()) return { items: collected.slice(-size), hasMore: collected.length > size, total };
    if (located.length === 0) break;
  }
  if (collected.length <= size && prev === undefined) return undefined;
  return { items: collected.slice(-size), hasMore: collected.length > size || prev != null, total };
}

/** The `size` items before `before` when they lie in the read `before` came from: one call. */
async function readBeforeInRead<T>(
  read: Reader<T>,
  before: Position,
  size: number,
): Promise<{ items: Located<T>[]; total: number | undefined } | undefined> {
  const { located, chunk } = await read(before.f, before.l);
  const at = located.findIndex((entry) => entry.position.i === before.i);
  if (at < 0 || located[at]?.position.k !== before.k) return undefined;
  return { items: located.slice(Math.max(0, at - size), at), total: chunk.total };
}

/** Scans from the start, keeping the last `keep` items after `afterKey` and before (not including) `beforeKey`. */
async function scanUntil<T>(
  list: CursorList<T>,
  read: Reader<T>,
  afterKey: string | undefined,
  beforeKey: string | undefined,
  keep: number,
): Promise<{ items: Located<T>[]; total: number | undefined }> {
  let from: CursorFrom = null;
  let collecting = afterKey === undefined;
  let items: Located<T>[] = [];
  for (;;) {
    const { located, chunk } = await read(from, list.maxChunk);
    for (const entry of located) {
      if (entry.position.k === beforeKey) return { items, total: chunk.total };
      if (collecting) items.push(entry);
      else if (entry.position.k === afterKey) collecting = true;
    }
    // Only the tail is answered: a scan of a long list holds no more than `keep` items.
    if (items.length > keep) items = items.slice(-keep);
    if (chunk.next === null) {
      if (beforeKey !== undefined || !collecting) throw new InvalidCursorError('cursor is stale: its item is no longer in the list');
      return { items, total: chunk.total };
    }
    from = { after: chunk.next };
  }
}

/** The cursor's item must still sit where the cursor says: otherwise the list changed and the cursor is stale. */
function expectKeyAt<T>(located: Located<T>[], position: Position): void {
  const entry = located.find((candidate) => candidate.position.i === position.i);
  if (entry?.position.k !== position.k) throw new InvalidCursorError('cursor is stale: the list changed since it was issued');
}

function locate<T>(list: CursorList<T>, chunk: CursorChunk<T>, from: CursorFrom, limit: number): Located<T>[] {
  const entries = positioned(chunk);
  const firstIndex = entries[0]?.index;
  const lastIndex = entries.at(-1)?.index;
  return entries.map(({ item, index }) => ({
    node: item,
    position: {
      f: from,
      l: limit,
      i: index,
      k: list.key(item),
      ...(index === lastIndex ? { n: chunk.next } : {}),
      ...(index === firstIndex && chunk.prev !== undefined ? { p: chunk.prev } : {}),
    },
  }));
}

/** A read's positions in order: each its located item, or none where the vendor's record failed validation. */
function slots<T>(located: Located<T>[], chunk: CursorChunk<T>): { index: number; entry: Located<T> | undefined }[] {
  const all: { index: number; entry: Located<T> | undefined }[] = located.map((entry) => ({ index: entry.position.i, entry }));
  for (const record of chunk.rejected) all.push({ index: record.index, entry: undefined });
  return all.sort((a, b) => a.index - b.index);
}
