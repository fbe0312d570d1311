import type { CursorList, OffsetChunk, OffsetList } from '../lists.js';
import {
  listedRecordsLoader,
  memoizedRequests,
  sharedWindowLoader,
  stableKey,
  wholeList,
  type LoaderCall,
  type OwnedWindowKey,
} from '../loaders.js';
import type {
  SignicatClient,
  SignicatList,
  SignicatPageQuery,
  SignicatUsagePage,
  SignicatUsageQuery,
  SignicatUsageScope,
} from './client.js';
import type { SignicatOrganization, SignicatUsageItem } from './schemas.js';

/** The largest usage page the vendor serves. */
export const USAGE_PAGE_LIMIT = 1000;
/** The largest Account Management page (ours: the simulator's bound; the vendor documents only the default). */
export const ACCOUNT_PAGE_LIMIT = 100;

/** The range, period and references of a usage read: what an account's own list and shared lists have in common. */
export type UsageSelection = Omit<SignicatUsageQuery, 'offset' | 'limit' | 'aggregateByLevel' | 'includeChildOrganizations'>;

/** Usage of one account: the rows at `[offset, offset + limit)` of that account's own list. */
interface AccountUsageKey extends OwnedWindowKey {
  /** The account id. */
  owner: string;
  /** The account's organisation, when known: lets many accounts share organisation-level pages. */
  organizationId: string | null;
  query: UsageSelection;
}

interface UsageRequest {
  scope: SignicatUsageScope;
  query: SignicatUsageQuery;
}

/** Per-request DataLoaders and lists over the Signicat client; every call carries the operation's `call` options. */
export function createSignicatLoaders(client: SignicatClient, call: LoaderCall) {
  // Every organisation seen in this request, so an account's organisation tree is known without another call.
  const knownOrganizations = new Map<string, SignicatOrganization>();
  const remember = (organization: SignicatOrganization): SignicatOrganization => {
    knownOrganizations.set(organization.id, organization);
    return organization;
  };
  const rememberAll = (list: SignicatList<SignicatOrganization>): SignicatList<SignicatOrganization> => {
    list.items.forEach(remember);
    return list;
  };
  const accountsPage = memoizedRequests((query: SignicatPageQuery) => client.listAccounts(query, call));
  const organizationsPage = memoizedRequests((query: SignicatPageQuery) => client.listOrganizations(query, call).then(rememberAll));
  const childOrganizationsPage = memoizedRequests((key: { organizationId: string; query: SignicatPageQuery }) =>
    client.listChildOrganizations(key.organizationId, key.query, call).then(rememberAll),
  );
  const usagePage = memoizedRequests((key: UsageRequest) => client.usage(key.scope, key.query, call));

  /** Every account the credentials see (Account Management `page` tokens, forwards only). */
  const accounts = accountManagementList((query) => accountsPage.load(query));
  /** The top-level organisations. */
  const organizations = accountManagementList((query) => organizationsPage.load(query));
  /** Organisations directly below one. */
  const childOrganizations = (organizationId: string) =>
    accountManagementList((query) => childOrganizationsPage.load({ organizationId, query }));
  /** Usage of an organisation (`signicat-organizationid`), by offset. */
  const organizationUsage = (organizationId: string, query: SignicatUsageQuery): OffsetList<SignicatUsageItem> => ({
    maxChunk: USAGE_PAGE_LIMIT,
    read: (offset, limit) => usagePage.load({ scope: { organizationId }, query: { ...query, offset, limit } }).then(usageChunk),
  });

  // Accounts asking for the same range share usage pages (`aggregateByLevel=account`) of the narrowest scope
  // covering them: their organisation, or the whole organisation tree (`includeChildOrganizations`) when the
  // batch spans several organisations of one tree. The vendor sorts rows by period, account and usage type,
  // so each account's rows keep the order of its own list.
  const accountUsage = sharedWindowLoader<AccountUsageKey, SignicatUsageItem>({
    rounds: call.inFlight,
    share: (key, batch) => {
      if (key.organizationId === null) return null;
      const root = treeRoot(key.organizationId, knownOrganizations);
      const spansTree = batch.some(
        (other) =>
          other.organizationId !== null &&
          other.organizationId !== key.organizationId &&
          treeRoot(other.organizationId, knownOrganizations) === root &&
          stableKey(other.query) === stableKey(key.query),
      );
      const scope = spansTree ? root : key.organizationId;
      const query = { ...key.query, aggregateByLevel: 'account' as const, ...(spansTree ? { includeChildOrganizations: true } : {}) };
      return {
        group: stableKey([scope, query]),
        shared: { list: organizationUsage(scope, query), ownerOf: (row) => row.accountId, ownerOfRaw: rawAccountId },
      };
    },
    readOwn: (key) =>
      usagePage.load({ scope: { accountId: key.owner }, query: { ...key.query, offset: key.offset, limit: key.limit } }).then(usageChunk),
  });

  return {
    // Top-level organisations come in one list call; others (children) are read one by one.
    organization: listedRecordsLoader({
      rounds: call.inFlight,
      listing: organizations,
      complete: false,
      fetchOne: (id) => client.getOrganization(id, call).then(remember),
    }),
    // Up to 100 accounts come in one list call, cheaper than one `GET /accounts/{id}` each.
    account: listedRecordsLoader({
      rounds: call.inFlight,
      listing: accounts,
      complete: true,
      fetchOne: (id) => client.getAccount(id, call),
    }),
    accounts,
    organizations,
    childOrganizations,
    organizationUsage,
    /** Every account the credentials see, read once per operation: serves every organisation's accounts at once. */
    everyAccount: wholeList(accounts),
    /** One account's usage rows as an offset list, batched with other accounts' windows. */
    accountUsage: (accountId: string, organizationId: string | null, query: UsageSelection): OffsetList<SignicatUsageItem> => ({
      maxChunk: USAGE_PAGE_LIMIT,
      read: (offset, limit) => accountUsage.load({ owner: accountId, organizationId, query, offset, limit }),
    }),
  };
}

export type SignicatLoaders = ReturnType<typeof createSignicatLoaders>;

/** An Account Management list (opaque `page` tokens), forwards only. */
function accountManagementList<T extends { id: string }>(loadPage: (query: SignicatPageQuery) => Promise<SignicatList<T>>): CursorList<T> {
  return {
    maxChunk: ACCOUNT_PAGE_LIMIT,
    backward: false,
    key: (item) => item.id,
    read: async (from, limit) => {
      const page = await loadPage(from !== null && 'after' in from ? { limit, page: from.after } : { limit });
      return { items: page.items, rejected: page.rejected, next: page.nextPage };
    },
  };
}

/** The top of an organisation's tree as far as this request knows it (the organisation itself when its parent is unknown). */
function treeRoot(organizationId: string, known: ReadonlyMap<string, SignicatOrganization>): string {
  let current = organizationId;
  for (let parent = known.get(current)?.parentId; parent && known.has(parent); parent = known.get(current)?.parentId) current = parent;
  return current;
}

function usageChunk(page: SignicatUsagePage): OffsetChunk<SignicatUsageItem> {
  return { items: page.items, rejected: page.rejected, hasMore: page.nextOffset !== null };
}

function rawAccountId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('accountId' in raw)) return null;
  return typeof raw.accountId === 'string' ? raw.accountId : null;
}
