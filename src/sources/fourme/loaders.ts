import DataLoader from 'dataloader';
import type { RejectedRecord } from '../../upstream/http.js';
import type { CursorList } from '../lists.js';
import { idBatches, memoizedRequests, rawId, type LoaderCall } from '../loaders.js';
import { FOURME_MAX_PER_PAGE, type FourmeClient, type FourmeUsageStatementQuery } from './client.js';
import type { FourmePerson, FourmeUsageStatement } from './schemas.js';

/** Statement lists always carry `billable_user_ids`, so billable users of a listed statement cost no call per statement. */
const STATEMENT_FIELDS = ['billable_user_ids'] as const;

export type StatementFilter = Pick<FourmeUsageStatementQuery, 'year' | 'month'>;

/** Per-request DataLoaders and lists over the 4me client; every call carries the operation's `call` options. */
export function createFourmeLoaders(client: FourmeClient, call: LoaderCall) {
  const statementsPage = memoizedRequests((query: FourmeUsageStatementQuery) => client.listUsageStatements(query, call));
  // That a collection honours `fields=billable_user_ids` is our reading of the docs; where it does not, the single
  // statement (documented with them) is read rather than the statement served with no billable users.
  const withBillableUsers = (statement: FourmeUsageStatement) =>
    statement.billable_user_ids ? statement : client.getUsageStatement(statement.id, call);
  return {
    // 4me selects many records at once with `?id=1,2,3` (at most 100) and answers in its own order: map by id.
    // A round's ids are one batch, cut into calls in id order, so the same ids always make the same calls.
    statement: new DataLoader<number, FourmeUsageStatement | null>(
      async (ids) => {
        const pages = await Promise.all(
          idBatches(ids, FOURME_MAX_PER_PAGE).map((batch) =>
            statementsPage.load({ ids: batch, fields: STATEMENT_FIELDS, perPage: FOURME_MAX_PER_PAGE }),
          ),
        );
        const statements = await Promise.all(pages.flatMap((page) => page.items).map(withBillableUsers));
        return byId(
          ids,
          statements,
          pages.flatMap((page) => page.rejected),
        );
      },
      { batchScheduleFn: call.inFlight.schedule },
    ),
    person: new DataLoader<number, FourmePerson | null>(
      async (ids) => {
        const { items, rejected } = await client.peopleByIds(ids, call);
        return byId(ids, items, rejected);
      },
      { batchScheduleFn: call.inFlight.schedule },
    ),
    /** Statements, newest first, paged by the `Link` header's cursors in both directions. */
    statements: (filter: StatementFilter): CursorList<FourmeUsageStatement> => ({
      maxChunk: FOURME_MAX_PER_PAGE,
      backward: true,
      key: (statement) => String(statement.id),
      read: async (from, limit) => {
        const page = await statementsPage.load({ ...filter, fields: STATEMENT_FIELDS, perPage: limit, from });
        return { items: page.items, rejected: page.rejected, next: page.next, prev: page.prev, total: page.total };
      },
    }),
  };
}

export type FourmeLoaders = ReturnType<typeof createFourmeLoaders>;

/** One result per id in id order; a record that failed validation is its id's error, an absent one null. */
function byId<T extends { id: number }>(
  ids: readonly number[],
  records: readonly T[],
  rejected: readonly RejectedRecord[],
): (T | Error | null)[] {
  const found = new Map<string, T | Error>(records.map((record) => [String(record.id), record]));
  for (const record of rejected) {
    const id = rawId(record.raw);
    if (id !== undefined) found.set(id, record.error);
  }
  return ids.map((id) => found.get(String(id)) ?? null);
}
