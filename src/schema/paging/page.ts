import type { RejectedRecord } from '../../upstream/http.js';
import { attachNotices, oldestStaleMark } from '../notices.js';

/** What a connection resolver returns; Pothos' relay plugin turns it into edges and `pageInfo`. */
export interface ConnectionPage<T> {
  edges: { readonly cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  /** Only where the vendor reports a total. */
  totalCount?: number;
}

/** An edge whose cursor is encoded only when read: most operations select nodes, not cursors. */
class LazyEdge<T> {
  #cursor: string | undefined;

  constructor(
    readonly node: T,
    private readonly encode: () => string,
  ) {}

  get cursor(): string {
    return (this.#cursor ??= this.encode());
  }
}

export function lazyEdge<T>(node: T, encodeCursor: () => string): { readonly cursor: string; node: T } {
  return new LazyEdge(node, encodeCursor);
}

/**
 * A page; records the vendor sent in its window that failed validation are reported as errors on the connection
 * field, and nodes served from a stale copy make the field listed as stale.
 */
export function connectionPage<T>(
  edges: { readonly cursor: string; node: T }[],
  flags: { hasNextPage: boolean; hasPreviousPage: boolean },
  extra: { totalCount?: number | undefined; rejected?: readonly RejectedRecord[] } = {},
): ConnectionPage<T> {
  const page: ConnectionPage<T> = {
    edges,
    pageInfo: {
      ...flags,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    ...(extra.totalCount === undefined ? {} : { totalCount: extra.totalCount }),
  };
  return attachNotices(page, { rejected: extra.rejected ?? [], stale: oldestStaleMark(edges.map((edge) => edge.node)) });
}

/**
 * A window of no items (`first: 0`, `last: 0`), answered without reading the list: items may lie in the direction
 * asked for (it takes a read to know), and do lie beyond a cursor the client holds.
 */
export function emptyPage<T>(
  direction: 'forward' | 'backward',
  args: { after?: string | null; before?: string | null },
): ConnectionPage<T> {
  return connectionPage<T>([], {
    hasNextPage: direction === 'forward' || args.before != null,
    hasPreviousPage: direction === 'backward' || args.after != null,
  });
}
