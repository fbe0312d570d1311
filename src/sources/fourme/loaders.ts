import DataLoader from 'dataloader';
import type { OffsetList } from '../../schema/paging/offset.js';
import { memoizedRequests } from '../loaders.js';
import { FOURME_MAX_PER_PAGE, type FourmeClient, type FourmeUsageStatementQuery } from './client.js';
import type { FourmePerson, FourmeUsageStatement } from './schemas.js';

/** Statement lists always carry `billable_user_ids`, so billable users of a listed statement cost no call per statement. */
const STATEMENT_FIELDS = ['billable_user_ids'] as const;

export type StatementFilter = Pick<FourmeUsageStatementQuery, 'year' | 'month'>;

/** Per-request DataLoaders over the 4me client. */
export function createFourmeLoaders(client: FourmeClient) {
  const statementsPage = memoizedRequests((query: FourmeUsageStatementQuery) => client.listUsageStatements(query));
  return {
    statementsPage,
    // 4me selects many records at once with `?id=1,2,3` (at most 100) and answers in its own order: map by id.
    statement: new DataLoader<number, FourmeUsageStatement | null>(
      async (ids) => {
        const page = await statementsPage.load({ ids, fields: STATEMENT_FIELDS, perPage: FOURME_MAX_PER_PAGE });
        return byId(ids, page.items);
      },
      { maxBatchSize: FOURME_MAX_PER_PAGE },
    ),
    person: new DataLoader<number, FourmePerson | null>(async (ids) => byId(ids, await client.peopleByIds(ids)), {
      maxBatchSize: FOURME_MAX_PER_PAGE,
    }),
  };
}

export type FourmeLoaders = ReturnType<typeof createFourmeLoaders>;

function byId<T extends { id: number }>(ids: readonly number[], records: readonly T[]): (T | null)[] {
  const found = new Map(records.map((record) => [record.id, record]));
  return ids.map((id) => found.get(id) ?? null);
}

/**
 * Statements as an offset list over 4me's pages. A window `[offset, offset + limit)` is served by one call
 * whenever some `per_page` ≤ 100 puts it inside a single page; otherwise by the fewest 100-record pages.
 */
export function statementList(loaders: FourmeLoaders, filter: StatementFilter): OffsetList<FourmeUsageStatement> {
  return {
    maxChunk: FOURME_MAX_PER_PAGE,
    read: async (offset, limit) => {
      const pages = pagesCovering(offset, limit);
      const results = await Promise.all(
        pages.pages.map((page) => loaders.statementsPage.load({ ...filter, fields: STATEMENT_FIELDS, perPage: pages.perPage, page })),
      );
      const first = (pages.pages[0] ?? 1) - 1;
      const start = offset - first * pages.perPage;
      const items = results.flatMap((result) => result.items).slice(start, start + limit);
      const total = results[0]?.page.totalEntries ?? 0;
      return { items, hasMore: offset + items.length < total, total };
    },
  };
}

/** The page size and pages that cover `[offset, offset + limit)` with the fewest calls. */
function pagesCovering(offset: number, limit: number): { perPage: number; pages: number[] } {
  const wanted = Math.max(1, limit);
  for (let perPage = wanted; perPage <= FOURME_MAX_PER_PAGE; perPage++) {
    const page = Math.floor(offset / perPage);
    if (page === Math.floor((offset + wanted - 1) / perPage)) return { perPage, pages: [page + 1] };
  }
  const firstPage = Math.floor(offset / FOURME_MAX_PER_PAGE) + 1;
  const lastPage = Math.floor((offset + wanted - 1) / FOURME_MAX_PER_PAGE) + 1;
  return { perPage: FOURME_MAX_PER_PAGE, pages: Array.from({ length: lastPage - firstPage + 1 }, (_, i) => firstPage + i) };
}
