import DataLoader from 'dataloader';
import type { OffsetList } from '../../schema/paging/offset.js';
import type { TokenList } from '../../schema/paging/token.js';
import {
  lookupsById,
  memoizedRequests,
  notFoundAsNull,
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
    sim: new DataLoader<string, OnomondoSim | null>((ids) => loadSims(ids, client, simsPage)),
    simByIccid: lookupsById((iccid) => client.getSim(iccid)),
    simsPage,
    tag: new DataLoader<string, OnomondoTag | null>((ids) => loadTags(ids, tagsPage)),
    tagsPage,
    tagUsageTotal: lookupsById((tagId) => client.tagUsageTotal(tagId)),
    usagePage,
    // Many SIMs asking for the same filter share pages of the fleet's usage list (`/usage`), which holds
    // every SIM's records in the same time order as each SIM's own list.
    simUsage: sharedWindowLoader<SimUsageKey, OnomondoUsageRecord>({
      share: ({ query }) => ({
        group: stableKey(query),
        list: {
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

/**
 * SIMs by id. One id: `GET /sims/{id}`. Several: the SIM list read a page (1,000 SIMs) at a time, which finds
 * a whole fleet in one call; it stops as soon as every id is found, and never reads more pages than there are
 * ids left, so it costs at most what one call per id would.
 */
async function loadSims(
  ids: readonly string[],
  client: OnomondoClient,
  simsPage: DataLoader<OnomondoSimsQuery, Awaited<ReturnType<OnomondoClient['listSims']>>, string>,
): Promise<(OnomondoSim | null | Error)[]> {
  const found = new Map<string, OnomondoSim>();
  if (ids.length > 1) {
    let nextPage: string | null = null;
    for (let pages = 0; pages === 0 || (nextPage !== null && pages < ids.length - found.size); pages++) {
      const page: Awaited<ReturnType<OnomondoClient['listSims']>> = await simsPage.load(
        nextPage === null ? { limit: PAGE_LIMIT } : { limit: PAGE_LIMIT, nextPage },
      );
      for (const sim of page.items) found.set(sim.id, sim);
      nextPage = page.nextPage;
      if (ids.every((id) => found.has(id))) break;
    }
    // Read to the end: every id not seen is unknown to the vendor.
    if (nextPage === null) return ids.map((id) => found.get(id) ?? null);
  }
  return Promise.all(ids.map((id) => found.get(id) ?? client.getSim(id).catch(notFoundAsNull)));
}

/** Tags by id: the vendor has no single-tag read, so the tag search is read until every id is found. */
async function loadTags(
  ids: readonly string[],
  tagsPage: DataLoader<OnomondoTagSearchQuery, Awaited<ReturnType<OnomondoClient['searchTags']>>, string>,
): Promise<(OnomondoTag | null)[]> {
  const found = new Map<string, OnomondoTag>();
  for (let offset = 0; !ids.every((id) => found.has(id));) {
    const page = await tagsPage.load({ offset, limit: PAGE_LIMIT });
    for (const tag of page.items) found.set(tag.id, tag);
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) break;
  }
  return ids.map((id) => found.get(id) ?? null);
}

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
