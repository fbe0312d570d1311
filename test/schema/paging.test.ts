import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BadUserInputError, InvalidCursorError } from '../../src/errors.js';
import type { ConnectionArgs, ConnectionRequest } from '../../src/schema/paging/args.js';
import { CursorCodec, cursorScope } from '../../src/schema/paging/cursor.js';
import { resolveOffsetConnection } from '../../src/schema/paging/offset.js';
import type { ConnectionPage } from '../../src/schema/paging/page.js';
import { resolveCursorConnection } from '../../src/schema/paging/tokens.js';
import { arrayList, type CursorList, type OffsetList } from '../../src/sources/lists.js';

const ITEMS = Array.from({ length: 57 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
const paging = { limits: { defaultSize: 20, maxSize: 100 }, cursors: new CursorCodec(randomBytes(32)) };
const scope = cursorScope('Test.items', null);
const request = (args: ConnectionArgs): ConnectionRequest => ({ args, paging, scope });

/** An upstream list read by offset, 10 items per call at most, counting its calls. */
function offsetUpstream(): OffsetList<string> & { calls: number } {
  const list = {
    calls: 0,
    maxChunk: 10,
    read: async (offset: number, limit: number) => {
      list.calls += 1;
      return { items: ITEMS.slice(offset, offset + limit), rejected: [], hasMore: offset + limit < ITEMS.length };
    },
  };
  return list;
}

/**
 * An upstream list read from page tokens (the token is a position, opaque to the code under test): forwards only,
 * or in both directions like 4me's `search_after` / `search_before`.
 */
function tokenUpstream(backward = false): CursorList<string> & { calls: number } {
  const list = {
    calls: 0,
    maxChunk: 10,
    backward,
    key: (item: string) => item,
    read: async (from: Parameters<CursorList<string>['read']>[0], limit: number) => {
      list.calls += 1;
      const end = from !== null && 'before' in from ? Number(from.before) : undefined;
      const start = end !== undefined ? Math.max(0, end - limit) : from === null || !('after' in from) ? 0 : Number(from.after);
      const stop = end ?? Math.min(start + limit, ITEMS.length);
      return {
        items: ITEMS.slice(start, stop),
        rejected: [],
        next: stop < ITEMS.length ? String(stop) : null,
        ...(backward ? { prev: start > 0 ? String(start) : null } : {}),
      };
    },
  };
  return list;
}

type Resolve = (args: ConnectionArgs) => Promise<ConnectionPage<string>>;
const styles: [string, Resolve][] = [
  ['offset paging', (args) => resolveOffsetConnection(request(args), offsetUpstream())],
  ['forward token paging', (args) => resolveCursorConnection(request(args), tokenUpstream())],
  ['token paging in both directions', (args) => resolveCursorConnection(request(args), tokenUpstream(true))],
  ['an in-memory list', (args) => resolveOffsetConnection(request(args), arrayList(ITEMS))],
];

/** Relay's pagination algorithm over the whole list, as the reference. */
function reference(args: { first?: number; last?: number; after?: number; before?: number }) {
  const lower = args.after === undefined ? 0 : args.after + 1;
  const upper = args.before ?? ITEMS.length;
  const between = ITEMS.slice(lower, Math.max(lower, upper));
  if (args.last !== undefined) return between.slice(Math.max(0, between.length - args.last));
  return between.slice(0, args.first ?? paging.limits.defaultSize);
}

const nodes = (page: ConnectionPage<string>) => page.edges.map((edge) => edge.node);

describe.each(styles)('Relay connections over %s', (_style, resolve) => {
  /** The cursor of item `index`, as the connection itself issued it. */
  async function cursorAt(index: number): Promise<string> {
    const page = await resolve({ first: index + 1 });
    const cursor = page.edges[index]?.cursor;
    if (cursor === undefined) throw new Error(`no item ${index}`);
    return cursor;
  }

  const windows: { first?: number; last?: number; after?: number; before?: number }[] = [
    { first: 5 },
    { first: 25 },
    { first: 100 },
    { first: 0 },
    { first: 5, after: 9 },
    { first: 5, after: 53 },
    { first: 5, after: 56 },
    { first: 5, after: 3, before: 6 },
    { last: 5 },
    { last: 57 },
    { last: 5, before: 30 },
    { last: 12, before: 7 },
    { last: 5, before: 0 },
    { last: 5, after: 20, before: 23 },
    { last: 30, after: 40 },
  ];

  it.each(windows)('returns the window Relay defines for %o', async (window) => {
    const args: ConnectionArgs = {
      ...(window.first !== undefined ? { first: window.first } : {}),
      ...(window.last !== undefined ? { last: window.last } : {}),
      ...(window.after !== undefined ? { after: await cursorAt(window.after) } : {}),
      ...(window.before !== undefined ? { before: await cursorAt(window.before) } : {}),
    };
    const page = await resolve(args);
    const expected = reference(window);

    expect(nodes(page)).toEqual(expected);
    expect(page.pageInfo.startCursor === null).toBe(expected.length === 0);
    if (window.last === undefined) {
      const upper = window.before ?? ITEMS.length;
      const lower = window.after === undefined ? 0 : window.after + 1;
      // Relay: with `first`, whether more than `first` items lie between the cursors.
      expect(page.pageInfo.hasNextPage).toBe(lower + expected.length < upper);
    } else {
      const lower = window.after === undefined ? 0 : window.after + 1;
      const first = expected[0] === undefined ? lower : ITEMS.indexOf(expected[0]);
      // Relay: with `last`, whether more than `last` items lie between the cursors.
      expect(page.pageInfo.hasPreviousPage).toBe(first > lower);
    }
  });

  it('walks the whole list forwards and backwards with its own cursors', async () => {
    const forward: string[] = [];
    let page = await resolve({ first: 8 });
    forward.push(...nodes(page));
    while (page.pageInfo.hasNextPage) {
      page = await resolve({ first: 8, after: page.pageInfo.endCursor });
      forward.push(...nodes(page));
    }
    const backward: string[] = [];
    page = await resolve({ last: 8 });
    backward.unshift(...nodes(page));
    while (page.pageInfo.hasPreviousPage) {
      page = await resolve({ last: 8, before: page.pageInfo.startCursor });
      backward.unshift(...nodes(page));
    }
    expect(forward).toEqual(ITEMS);
    expect(backward).toEqual(ITEMS);
  });

  it.each([
    [{ first: 1, last: 1 }, BadUserInputError],
    [{ first: -1 }, BadUserInputError],
    [{ last: 101 }, BadUserInputError],
    [{ after: 'not-a-cursor' }, InvalidCursorError],
    [{ before: Buffer.from('{"k":"Other.items","f":"x","p":{"o":1}}').toString('base64url') }, InvalidCursorError],
  ])('refuses %o', async (args, errorClass) => {
    await expect(resolve(args as ConnectionArgs)).rejects.toBeInstanceOf(errorClass);
  });
});

describe('upstream calls per window', () => {
  it('serves a forward window within the upstream page limit with one call, hasNextPage included', async () => {
    const upstream = offsetUpstream();
    const page = await resolveOffsetConnection(request({ first: 10 }), upstream);
    expect(upstream.calls).toBe(1);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('continues a token list from the token its last page ended with: one call per page', async () => {
    const upstream = tokenUpstream();
    const first = await resolveCursorConnection(request({ first: 10 }), upstream);
    const second = await resolveCursorConnection(request({ first: 10, after: first.pageInfo.endCursor }), upstream);
    expect(nodes(second)).toEqual(ITEMS.slice(10, 20));
    expect(upstream.calls).toBe(2);
  });
});
