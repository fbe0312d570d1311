import { describe, expect, it } from 'vitest';
import { BadUserInputError, InvalidCursorError } from '../../src/errors.js';
import type { ConnectionArgs } from '../../src/schema/paging/args.js';
import { cursorScope } from '../../src/schema/paging/cursor.js';
import { arrayList, resolveOffsetConnection, type OffsetList } from '../../src/schema/paging/offset.js';
import type { ConnectionPage } from '../../src/schema/paging/page.js';
import { resolveTokenConnection, type TokenList } from '../../src/schema/paging/token.js';

const ITEMS = Array.from({ length: 57 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
const limits = { defaultSize: 20, maxSize: 100 };
const scope = cursorScope('Test.items', null);

/** An upstream list read by offset, 10 items per call at most, counting its calls. */
function offsetUpstream(): OffsetList<string> & { calls: number } {
  const list = {
    calls: 0,
    maxChunk: 10,
    read: async (offset: number, limit: number) => {
      list.calls += 1;
      return { items: ITEMS.slice(offset, offset + limit), hasMore: offset + limit < ITEMS.length };
    },
  };
  return list;
}

/** An upstream list read forwards from page tokens (the token is the start offset, opaque to the code under test). */
function tokenUpstream(): TokenList<string> & { calls: number } {
  const list = {
    calls: 0,
    maxChunk: 10,
    key: (item: string) => item,
    read: async (token: string | null, limit: number) => {
      list.calls += 1;
      const start = token === null ? 0 : Number(token);
      const end = Math.min(start + limit, ITEMS.length);
      return { items: ITEMS.slice(start, end), next: end < ITEMS.length ? String(end) : null };
    },
  };
  return list;
}

type Resolve = (args: ConnectionArgs) => Promise<ConnectionPage<string>>;
const styles: [string, Resolve][] = [
  ['offset paging', (args) => resolveOffsetConnection({ args, limits, scope }, offsetUpstream())],
  ['token paging', (args) => resolveTokenConnection({ args, limits, scope }, tokenUpstream())],
  ['an in-memory list', (args) => resolveOffsetConnection({ args, limits, scope }, arrayList(ITEMS))],
];

/** Relay's pagination algorithm over the whole list, as the reference. */
function reference(args: { first?: number; last?: number; after?: number; before?: number }) {
  const lower = args.after === undefined ? 0 : args.after + 1;
  const upper = args.before ?? ITEMS.length;
  const between = ITEMS.slice(lower, Math.max(lower, upper));
  if (args.last !== undefined) return between.slice(Math.max(0, between.length - args.last));
  return between.slice(0, args.first ?? limits.defaultSize);
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
    const page = await resolveOffsetConnection({ args: { first: 10 }, limits, scope }, upstream);
    expect(upstream.calls).toBe(1);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('continues a token list from the token its last page ended with: one call per page', async () => {
    const upstream = tokenUpstream();
    const first = await resolveTokenConnection({ args: { first: 10 }, limits, scope }, upstream);
    const second = await resolveTokenConnection({ args: { first: 10, after: first.pageInfo.endCursor }, limits, scope }, upstream);
    expect(nodes(second)).toEqual(ITEMS.slice(10, 20));
    expect(upstream.calls).toBe(2);
  });
});
