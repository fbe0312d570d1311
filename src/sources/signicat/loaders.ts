import DataLoader from 'dataloader';
import { listedRecordsLoader, memoizedRequests, sharedWindowLoader, stableKey, type OwnedWindowKey, type Window } from '../loaders.js';
import type { TokenList } from '../../schema/paging/token.js';
import type {
  SignicatClient,
  SignicatList,
  SignicatPageQuery,
  SignicatUsagePage,
  SignicatUsageQuery,
  SignicatUsageScope,
} from './client.js';
import type { SignicatAccount, SignicatOrganization, SignicatUsageItem } from './schemas.js';

/** The largest usage page the vendor serves. */
export const USAGE_PAGE_LIMIT = 1000;
/** The largest Account Management page (ours: the simulator's bound; the vendor documents only the default). */
const ACCOUNT_PAGE_LIMIT = 100;

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
  const accountsPage = memoizedRequests((query: SignicatPageQuery) => client.listAccounts(query));
  const organizationsPage = memoizedRequests((query: SignicatPageQuery) => client.listOrganizations(query).then(rememberAll));
  const usagePage: DataLoader<UsageRequest, SignicatUsagePage, string> = memoizedRequests((key: UsageRequest) =>
    client.usage(key.scope, key.query),
  );
  const everyAccount = memoizedRequests(async (_all: 'all') => {
    const accounts: SignicatAccount[] = [];
    for (let token: string | null = null; ;) {
      const page = await readAccounts(token);
      accounts.push(...page.items);
      if (page.next === null) return accounts;
      token = page.next;
    }
  });
  const readAccounts = (token: string | null) =>
    accountsPage.load(token === null ? { limit: ACCOUNT_PAGE_LIMIT } : { limit: ACCOUNT_PAGE_LIMIT, page: token }).then(tokenPage);
  return {
    // Top-level organisations come in one list call; others (children) are read one by one.
    organization: listedRecordsLoader<SignicatOrganization>(
      {
        key: (organization) => organization.id,
        complete: false,
        readPage: (token) =>
          organizationsPage
            .load(token === null ? { limit: ACCOUNT_PAGE_LIMIT } : { limit: ACCOUNT_PAGE_LIMIT, page: token })
            .then(tokenPage),
      },
      (id) => client.getOrganization(id).then(remember),
    ),
    // Up to 100 accounts come in one list call, cheaper than one `GET /accounts/{id}` each.
    account: listedRecordsLoader<SignicatAccount>({ key: (account) => account.id, readPage: readAccounts, complete: true }, (id) =>
      client.getAccount(id),
    ),
    usagePage,
    organizationsPage,
    accountsPage,
    childOrganizationsPage: memoizedRequests((key: { organizationId: string; query: SignicatPageQuery }) =>
      client.listChildOrganizations(key.organizationId, key.query).then(rememberAll),
    ),
    /** Every account the credentials see, read once per operation: serves every organisation's accounts at once. */
    everyAccount,
    // Accounts asking for the same range share usage pages (`aggregateByLevel=account`) of the narrowest scope
    // covering them: their organisation, or the whole organisation tree (`includeChildOrganizations`) when the
    // batch spans several organisations of one tree. The vendor sorts rows by period, account and usage type,
    // so each account's rows keep the order of its own list.
    accountUsage: sharedWindowLoader<AccountUsageKey, SignicatUsageItem>({
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
          list: {
            pageSize: USAGE_PAGE_LIMIT,
            ownerOf: (row) => row.accountId,
            readPage: (offset) =>
              usagePage.load({ scope: { organizationId: scope }, query: { ...query, offset, limit: USAGE_PAGE_LIMIT } }).then(usageWindow),
          },
        };
      },
      readOwn: (key) =>
        usagePage
          .load({ scope: { accountId: key.owner }, query: { ...key.query, offset: key.offset, limit: key.limit } })
          .then(usageWindow),
    }),
  };
}

/** The top of an organisation's tree as far as this request knows it (the organisation itself when its parent is unknown). */
function treeRoot(organizationId: string, known: ReadonlyMap<string, SignicatOrganization>): string {
  let current = organizationId;
  for (let parent = known.get(current)?.parentId; parent && known.has(parent); parent = known.get(current)?.parentId) current = parent;
  return current;
}

function tokenPage<T>(list: SignicatList<T>): { items: T[]; next: string | null } {
  return { items: list.items, next: list.nextPage };
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
