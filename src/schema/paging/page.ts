/** What a connection resolver returns; Pothos' relay plugin turns it into edges and `pageInfo`. */
export interface ConnectionPage<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  /** Only where the upstream reports a total. */
  totalCount?: number;
}

export function connectionPage<T>(
  edges: { cursor: string; node: T }[],
  flags: { hasNextPage: boolean; hasPreviousPage: boolean },
  totalCount?: number,
): ConnectionPage<T> {
  return {
    edges,
    pageInfo: { ...flags, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    ...(totalCount === undefined ? {} : { totalCount }),
  };
}
