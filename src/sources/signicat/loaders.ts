import DataLoader from 'dataloader';
import { lookupsById, memoizedRequests, sharedWindowLoader, stableKey, type OwnedWindowKey, type Window } from '../loaders.js';
import type { TokenList } from '../../schema/paging/token.js';
import type {
  SignicatClient,
  SignicatList,
  SignicatPageQuery,
  SignicatUsagePage,
  SignicatUsageQuery,
  SignicatUsageScope,
} from './client.js';
import type { SignicatAccount, SignicatUsageItem } from './schemas.js';

/** The largest usage page the vendor serves. */
export const USAGE_PAGE_LIMIT = 1000;
/** The largest Account Management page (ours: the simulator's bound; the vendor documents only the default). */
export const ACCOUNT_PAGE_LIMIT = 100;

/** Usage of one account: the rows at `[offset, offset + limit)` of that account's own list. */
export interface AccountUsageKey extends OwnedWindowKey {
  /** The account id. */
  owner: string;
  /** The account's organisation, when known: lets many accounts share organisation-level pages. */
  organizationId: string | null;
  query: Omit<SignicatUsageQuery, 'offset' | 'limit' | 'aggregateByLevel' | 'includeChildOrganizations'>;
}

export interface UsageRequest {
  scope: SignicatUsageScope;
  query: SignicatUsageQuery;
}

/** Per-request DataLoaders over the Signicat client. */
export function createSignicatLoaders(client: SignicatClient) {
  const accountsPage = memoizedRequests((query: SignicatPageQuery) => client.listAccounts(query));
  const usagePage: DataLoader<UsageRequest, SignicatUsagePage, string> = memoizedRequests((key: UsageRequest) =>
    client.usage(key.scope, key.query),
  );
  return {
    organization: lookupsById((id) => client.getOrganization(id)),
    account: lookupsById((id) => client.getAccount(id)),
    usagePage,
    organizationsPage: memoizedRequests((query: SignicatPageQuery) => client.listOrganizations(query)),
    accountsPage,
    childOrganizationsPage: memoizedRequests((key: { organizationId: string; query: SignicatPageQuery }) =>
      client.listChildOrganizations(key.organizationId, key.query),
    ),
    /** Every account the credentials see, read once per operation: serves every organisation's accounts at once. */
    everyAccount: memoizedRequests(async (_all: 'all') => {
      const accounts: SignicatAccount[] = [];
      for (let page: string | null | undefined; page !== null;) {
        const list: SignicatList<SignicatAccount> = await accountsPage.load(
          page === undefined ? { limit: ACCOUNT_PAGE_LIMIT } : { limit: ACCOUNT_PAGE_LIMIT, page },
        );
        accounts.push(...list.items);
        page = list.nextPage;
      }
      return accounts;
    }),
    // Accounts of one organisation asking for the same range share organisation-level pages
    // (`aggregateByLevel=account`): the vendor sorts rows by period, account and usage type, so each
    // account's rows keep the order of its own list.
    accountUsage: sharedWindowLoader<AccountUsageKey, SignicatUsageItem>({
      share: ({ organizationId, query }) =>
        organizationId === null
          ? null
          : {
              group: stableKey([organizationId, query]),
              list: {
                ownerOf: (row) => row.accountId,
                readPage: (offset) =>
                  usagePage
                    .load({ scope: { organizationId }, query: { ...query, aggregateByLevel: 'account', offset, limit: USAGE_PAGE_LIMIT } })
                    .then(usageWindow),
              },
            },
      readOwn: (key) =>
        usagePage
          .load({ scope: { accountId: key.owner }, query: { ...key.query, offset: key.offset, limit: key.limit } })
          .then(usageWindow),
    }),
  };
}

export type SignicatLoaders = ReturnType<typeof createSignicatLoaders>;

function usageWindow(page: SignicatUsagePage): Window<SignicatUsageItem> {
  return { items: page.items, hasMore: page.nextOffset !== null };
}

/** An Account Management list (opaque `page` tokens) as a forward-only token list for Relay paging. */
export function accountManagementList<T extends { id: string }>(
  loadPage: (query: SignicatPageQuery) => Promise<SignicatList<T>>,
): TokenList<T> {
  return {
    maxChunk: ACCOUNT_PAGE_LIMIT,
    key: (item) => item.id,
    read: async (token, limit) => {
      const page = await loadPage(token === null ? { limit } : { limit, page: token });
      return { items: page.items, next: page.nextPage };
    },
  };
}
