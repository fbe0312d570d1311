import { offsetsAsCursors, type CursorList, type OffsetChunk, type OffsetList } from '../lists.js';
import {
  listedRecordsLoader,
  lookupsById,
  memoizedRequests,
  sharedWindowLoader,
  stableKey,
  wholeList,
  type LoaderCall,
  type OwnedWindowKey,
} from '../loaders.js';
import type { OnomondoClient, OnomondoCursorPage, OnomondoSimFilter, OnomondoSimsQuery, OnomondoUsageQuery } from './client.js';
import type { OnomondoSim, OnomondoTag, OnomondoUsageRecord } from './schemas.js';

/** The largest page of `/usage`, `/sims` and the tag search. */
export const PAGE_LIMIT = 1000;

/** Usage of every SIM (`/usage`), or of one SIM (`/usage/{simId}`, where the query carries no SIM filter). */
interface UsageRequest {
  simId?: string;
  query: OnomondoUsageQuery;
}

/** The filters and grouping of a usage read: what the shared and the own lists of usage have in common. */
export type UsageSelection = Omit<OnomondoUsageQuery, 'offset' | 'limit' | 'nextPage'>;

/** Usage of one SIM: the records at `[offset, offset + limit)` of its own list. */
interface SimUsageKey extends OwnedWindowKey {
  /** The SIM id. */
  owner: string;
  query: UsageSelection;
}

/** Per-request DataLoaders and lists over the Onomondo client; every call carries the operation's `call` options. */
export function createOnomondoLoaders(client: OnomondoClient, call: LoaderCall) {
  const usagePage = memoizedRequests((request: UsageRequest) =>
    request.simId === undefined ? client.usage(request.query, call) : client.simUsage(request.simId, request.query, call),
  );
  const simsPage = memoizedRequests((query: OnomondoSimsQuery) => client.listSims(query, call));
  const tagsPage = memoizedRequests((query: { offset: number; limit: number }) => client.searchTags(query, call));

  /** `/sims` (`next_page` tokens, or offsets in the older envelope), forwards only. */
  const sims = (filter: OnomondoSimFilter = {}): CursorList<OnomondoSim> => ({
    maxChunk: PAGE_LIMIT,
    backward: false,
    key: (sim) => sim.id,
    read: async (from, limit) => {
      const nextPage = from !== null && 'after' in from ? from.after : undefined;
      const page = await simsPage.load({ limit, filter, ...(nextPage === undefined ? {} : { nextPage }) });
      return { items: page.items, rejected: page.rejected, next: page.nextPage };
    },
  });
  /** The tag search, by offset; its total makes `totalCount`. */
  const tags: OffsetList<OnomondoTag> = {
    maxChunk: PAGE_LIMIT,
    read: async (offset, limit) => {
      const page = await tagsPage.load({ offset, limit });
      const end = offset + page.items.length + page.rejected.length;
      return { items: page.items, rejected: page.rejected, hasMore: end < page.total && end > offset, total: page.total };
    },
  };
  /** Every SIM's usage records matching `query` (`/usage`), by offset. */
  const fleetUsage = (query: UsageSelection): OffsetList<OnomondoUsageRecord> => ({
    maxChunk: PAGE_LIMIT,
    read: (offset, limit) => usagePage.load({ query: { ...query, offset, limit } }).then(usageChunk),
  });

  // Many SIMs asking for the same filter share pages of the fleet's usage list (`/usage`), which holds
  // every SIM's records in the same time order as each SIM's own list.
  const simUsage = sharedWindowLoader<SimUsageKey, OnomondoUsageRecord>({
    rounds: call.inFlight,
    share: ({ query }) => ({
      group: stableKey(query),
      shared: { list: fleetUsage(query), ownerOf: (record) => record.sim_id, ownerOfRaw: rawSimId },
    }),
    readOwn: (key) => usagePage.load({ simId: key.owner, query: { ...key.query, offset: key.offset, limit: key.limit } }).then(usageChunk),
  });

  return {
    // A fleet of up to 1,000 SIMs comes in one list call, cheaper than one `GET /sims/{id}` per SIM.
    sim: listedRecordsLoader({ rounds: call.inFlight, listing: sims(), complete: true, fetchOne: (id) => client.getSim(id, call) }),
    simByIccid: lookupsById((iccid) => client.getSim(iccid, call)),
    // The vendor has no single-tag read: tags are found in the tag search.
    tag: listedRecordsLoader({ rounds: call.inFlight, listing: offsetsAsCursors(tags, (tag) => tag.id), complete: true }),
    tagUsageTotal: lookupsById((tagId) => client.tagUsageTotal(tagId, call)),
    sims,
    tags,
    /** Every SIM, read once per operation (for filtering by what a caller may see). */
    everySim: wholeList(sims()),
    /** Every tag, read once per operation. */
    everyTag: wholeList(offsetsAsCursors(tags, (tag) => tag.id)),
    fleetUsage,
    /** One SIM's usage records as an offset list, batched with other SIMs' windows. */
    simUsage: (simId: string, query: UsageSelection): OffsetList<OnomondoUsageRecord> => ({
      maxChunk: PAGE_LIMIT,
      read: (offset, limit) => simUsage.load({ owner: simId, query, offset, limit }),
    }),
  };
}

export type OnomondoLoaders = ReturnType<typeof createOnomondoLoaders>;

function usageChunk(page: OnomondoCursorPage<OnomondoUsageRecord>): OffsetChunk<OnomondoUsageRecord> {
  return { items: page.items, rejected: page.rejected, hasMore: page.hasMore };
}

function rawSimId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('sim_id' in raw)) return null;
  return typeof raw.sim_id === 'string' ? raw.sim_id : null;
}
