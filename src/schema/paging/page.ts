/** What a connection resolver returns; Pothos' relay plugin turns it into edges and `pageInfo`. */
export interface ConnectionPage<T> {
  edges: { readonly cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  /** Only where the upstream reports a total. */
  totalCount?: number;
}

/** An edge whose cursor is encoded only when read: most operations select nodes, not cursors. */
export function lazyEdge<T>(node: T, encodeCursor: () => string): { readonly cursor: string; node: T } {
  return {
    node,
    get cursor() {
      return encodeCursor();
    },
  };
}

export function connectionPage<T>(
  edges: { readonly cursor: string; node: T }[],
  flags: { hasNextPage: boolean; hasPreviousPage: boolean },
  totalCount?: number,
): ConnectionPage<T> {
  return {
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
    ...(totalCount === undefined ? {} : { totalCount }),
  };
}
