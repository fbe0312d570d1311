import type { OffsetList } from '../../schema/paging/offset.js';
import type { TokenList } from '../../schema/paging/token.js';
import {
  listedRecordsLoader,
  lookupsById,
  memoizedRequests,
  sharedWindowLoader,
  stableKey,
  type OwnedWindowKey,
  type Window,
} from '../loaders.js';
import type { OnomondoClient, OnomondoCursorPage, OnomondoSimsQuery, OnomondoTagSearchQuery, OnomondoUsageQuery } from './client.js';
import type { OnomondoSim, OnomondoTag, OnomondoUsageRecord } from './schemas.js';

/** The largest page of `/usage`, `/sims` and the tag search. */
export const PAGE_LIMIT = 1000;

/** Usage of every SIM (`/usage`), or of one SIM (`/usage/{simId}`, where the query carries no SIM filter). */
export interface UsageRequest {
  simId?: string;
  query: OnomondoUsageQuery;
}

/** Usage of one SIM: the records at `[offset, offset + limit)` of its own list. */
export interface SimUsageKey extends OwnedWindowKey {
  /** The SIM id. */
  owner: string;
  query: Omit<OnomondoUsageQuery, 'offset' | 'limit' | 'nextPage'>;
}

/** Per-request DataLoaders over the Onomondo client. */
export function createOnomondoLoaders(client: OnomondoClient) {
  const usagePage = memoizedRequests((request: UsageRequest) =>
    request.simId === undefined ? client.usage(request.query) : client.simUsage(request.simId, request.query),
  );
  const simsPage = memoizedRequests((query: OnomondoSimsQuery) => client.listSims(query));
  const tagsPage = memoizedRequests((query: OnomondoTagSearchQuery) => client.searchTags(query));
  return {
    // A fleet of up to 1,000 SIMs comes in one list call, cheaper than one `GET /sims/{id}` per SIM.
    sim: listedRecordsLoader<OnomondoSim>(
      {
        key: (sim) => sim.id,
        complete: true,
        readPage: (token) => simsPage.load(token === null ? { limit: PAGE_LIMIT } : { limit: PAGE_LIMIT, nextPage: token }).then(tokenPage),
      },
      (id) => client.getSim(id),
    ),
    simByIccid: lookupsById((iccid) => client.getSim(iccid)),
    simsPage,
    // The vendor has no single-tag read: tags are found in the tag search.
    tag: listedRecordsLoader<OnomondoTag>({
      key: (tag) => tag.id,
      complete: true,
      readPage: async (token) => {
        const offset = Number(token ?? 0);
        const page = await tagsPage.load({ offset, limit: PAGE_LIMIT });
        const next = offset + page.items.length;
        return { items: page.items, next: page.items.length > 0 && next < page.total ? String(next) : null };
      },
    }),
    tagsPage,
    tagUsageTotal: lookupsById((tagId) => client.tagUsageTotal(tagId)),
    usagePage,
    // Many SIMs asking for the same filter share pages of the fleet's usage list (`/usage`), which holds
    // every SIM's records in the same time order as each SIM's own list.
    simUsage: sharedWindowLoader<SimUsageKey, OnomondoUsageRecord>({
      share: ({ query }) => ({
        group: stableKey(query),
        list: {
          pageSize: PAGE_LIMIT,
          ownerOf: (record) => record.sim_id,
          readPage: (offset) => usagePage.load({ query: { ...query, offset, limit: PAGE_LIMIT } }).then(usageWindow),
        },
      }),
      readOwn: (key) =>
        usagePage.load({ simId: key.owner, query: { ...key.query, offset: key.offset, limit: key.limit } }).then(usageWindow),
    }),
  };
}

export type OnomondoLoaders = ReturnType<typeof createOnomondoLoaders>;

/** `/sims` (`next_page` tokens) as a forward-only token list for Relay paging. */
export function simList(loaders: OnomondoLoaders, filter: OnomondoSimsQuery['filter']): TokenList<OnomondoSim> {
  return {
    maxChunk: PAGE_LIMIT,
    key: (sim) => sim.id,
    read: async (token, limit) => {
      const page = await loaders.simsPage.load({ limit, ...(filter ? { filter } : {}), ...(token === null ? {} : { nextPage: token }) });
      return { items: page.items, next: page.nextPage };
    },
  };
}

function tokenPage<T>(page: OnomondoCursorPage<T>): { items: T[]; next: string | null } {
  return { items: page.items, next: page.nextPage };
}

function usageWindow(page: OnomondoCursorPage<OnomondoUsageRecord>): Window<OnomondoUsageRecord> {
  return { items: page.items, hasMore: page.hasMore };
}

/** The fleet's usage records as an offset list: Onomondo's `offset` reaches any position in one call. */
export function fleetUsageList(loaders: OnomondoLoaders, query: SimUsageKey['query']): OffsetList<OnomondoUsageRecord> {
  return {
    maxChunk: PAGE_LIMIT,
    read: (offset, limit) => loaders.usagePage.load({ query: { ...query, offset, limit } }).then(usageWindow),
  };
}

/** One SIM's usage records as an offset list, batched with other SIMs' windows through {@link createOnomondoLoaders}' `simUsage`. */
export function simUsageList(loaders: OnomondoLoaders, simId: string, query: SimUsageKey['query']): OffsetList<OnomondoUsageRecord> {
  return {
    maxChunk: PAGE_LIMIT,
    read: (offset, limit) => loaders.simUsage.load({ owner: simId, query, offset, limit }),
  };
}
