import DataLoader from 'dataloader';
import { lookupsById, memoizedRequests, stableKey } from '../loaders.js';
import type { TokenList } from '../../schema/paging/token.js';
import type { SignicatClient, SignicatList, SignicatPageQuery, SignicatUsagePage, SignicatUsageQuery, SignicatUsageScope } from './client.js';
import type { SignicatUsageItem } from './schemas.js';

/** The largest usage page the vendor serves. */
export const USAGE_PAGE_LIMIT = 1000;
/** The largest Account Management page (ours: the simulator's bound; the vendor documents only the default). */
export const ACCOUNT_PAGE_LIMIT = 100;
/** Organisation-level pages one batch may read before it falls back to per-account reads. */
const MAX_SHARED_PAGES = 10;

/** Usage of one account: the rows at `[offset, offset + limit)` of that account's own list. */
export interface AccountUsageKey {
  accountId: string;
  /** The account's organisation, when known: lets many accounts share organisation-level pages. */
  organizationId: string | null;
  query: Omit<SignicatUsageQuery, 'offset' | 'limit' | 'aggregateByLevel' | 'includeChildOrganizations'>;
  offset: number;
  limit: number;
}

export interface UsageRequest {
  scope: SignicatUsageScope;
  query: SignicatUsageQuery;
}
type UsagePageLoader = DataLoader<UsageRequest, SignicatUsagePage, string>;

export interface UsageSlice {
  items: SignicatUsageItem[];
  hasMore: boolean;
}

/** Per-request DataLoaders over the Signicat client. */
export function createSignicatLoaders(client: SignicatClient) {
  const usagePage: UsagePageLoader = memoizedRequests((key: UsageRequest) => client.usage(key.scope, key.query));
  return {
    organization: lookupsById((id) => client.getOrganization(id)),
    account: lookupsById((id) => client.getAccount(id)),
    usagePage,
    organizationsPage: memoizedRequests((query: SignicatPageQuery) => client.listOrganizations(query)),
    accountsPage: memoizedRequests((query: SignicatPageQuery) => client.listAccounts(query)),
    childOrganizationsPage: memoizedRequests((key: { organizationId: string; query: SignicatPageQuery }) =>
      client.listChildOrganizations(key.organizationId, key.query),
    ),
    organizationAccountsPage: memoizedRequests((key: { organizationId: string; query: SignicatPageQuery }) =>
      client.listOrganizationAccounts(key.organizationId, key.query),
    ),
    accountUsage: new DataLoader<AccountUsageKey, UsageSlice, string>((keys) => loadAccountUsage(keys, usagePage), {
      cacheKeyFn: stableKey,
    }),
  };
}

export type SignicatLoaders = ReturnType<typeof createSignicatLoaders>;

/**
 * Accounts of one organisation asking for the same period and aggregation share organisation-level pages
 * (`aggregateByLevel=account`), read until every account's window is filled, instead of one call per account.
 * The vendor sorts rows by period, account and usage type, so an account's rows keep their own order.
 */
async function loadAccountUsage(keys: readonly AccountUsageKey[], usagePage: UsagePageLoader): Promise<(UsageSlice | Error)[]> {
  const groups = new Map<string, AccountUsageKey[]>();
  for (const key of keys) {
    const groupKey = key.organizationId === null ? `account:${key.accountId}` : stableKey([key.organizationId, key.query]);
    groups.set(groupKey, [...(groups.get(groupKey) ?? []), key]);
  }
  const results = new Map<AccountUsageKey, UsageSlice | Error>();
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const accounts = new Set(group.map((key) => key.accountId));
      const shared = accounts.size > 1 ? await readSharedPages(group, usagePage).catch((error: unknown) => error as Error) : undefined;
      await Promise.all(
        group.map(async (key) => {
          const slice = shared instanceof Error ? shared : shared?.get(key);
          results.set(key, slice ?? (await readOwnPage(key, usagePage).catch((error: unknown) => error as Error)));
        }),
      );
    }),
  );
  return keys.map((key) => results.get(key) ?? new Error('account usage not loaded'));
}

function readOwnPage(key: AccountUsageKey, usagePage: UsagePageLoader): Promise<UsageSlice> {
  return usagePage
    .load({ scope: { accountId: key.accountId }, query: { ...key.query, offset: key.offset, limit: key.limit } })
    .then((page) => ({ items: page.items, hasMore: page.nextOffset !== null }));
}

/** Slices for the keys the shared organisation pages could fill; the rest are left to per-account reads. */
async function readSharedPages(group: AccountUsageKey[], usagePage: UsagePageLoader): Promise<Map<AccountUsageKey, UsageSlice>> {
  const [first] = group;
  if (!first?.organizationId) return new Map();
  const rowsByAccount = new Map<string, SignicatUsageItem[]>();
  const filled = (key: AccountUsageKey) => (rowsByAccount.get(key.accountId)?.length ?? 0) > key.offset + key.limit;
  let offset = 0;
  let exhausted = false;
  for (let pages = 0; pages < MAX_SHARED_PAGES && !exhausted && !group.every(filled); pages++) {
    const page = await usagePage.load({
      scope: { organizationId: first.organizationId },
      query: { ...first.query, aggregateByLevel: 'account', offset, limit: USAGE_PAGE_LIMIT },
    });
    for (const row of page.items) {
      if (row.accountId !== null) rowsByAccount.set(row.accountId, [...(rowsByAccount.get(row.accountId) ?? []), row]);
    }
    offset += page.items.length;
    exhausted = page.nextOffset === null || page.items.length === 0;
  }
  const slices = new Map<AccountUsageKey, UsageSlice>();
  for (const key of group) {
    if (!exhausted && !filled(key)) continue;
    const rows = rowsByAccount.get(key.accountId) ?? [];
    slices.set(key, { items: rows.slice(key.offset, key.offset + key.limit), hasMore: rows.length > key.offset + key.limit });
  }
  return slices;
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
