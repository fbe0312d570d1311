import type { OnomondoSettings } from '../../config.js';
import type { Clock } from '../../upstream/clock.js';
import { Upstream, type HttpPolicy, type Query } from '../../upstream/http.js';
import {
  onomondoErrorSchema,
  simSchema,
  simsPageSchema,
  tagSearchSchema,
  tagUsageTotalSchema,
  usagePageSchema,
  type OnomondoPagination,
  type OnomondoSim,
  type OnomondoTag,
  type OnomondoTagUsageTotal,
  type OnomondoUsageRecord,
} from './schemas.js';

/** Narrows usage records; several filters are ANDed. */
export interface OnomondoUsageFilter {
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (UTC). */
  time?: string;
  /** A 9-digit SIM id; only on {@link OnomondoClient.usage}. */
  simId?: string;
  /** Lower-case ISO 3166-1 alpha-2 code, e.g. `dk`. */
  countryCode?: string;
}

export interface OnomondoUsageQuery {
  filter?: OnomondoUsageFilter;
  /** Sum the records of one SIM, country and network in the same hour. @default false */
  groupByHour?: boolean;
  /** Records per page, 1..1000. @default 1000 */
  limit?: number;
  /** Records to skip; with `nextPage`, counted on from the cursor's position. @default 0 */
  offset?: number;
  /** The `nextPage` of the previous page. */
  nextPage?: string;
}

/** The query of {@link OnomondoClient.simUsage}: the SIM comes from the path, so no `simId` filter. */
export type OnomondoSimUsageQuery = Omit<OnomondoUsageQuery, 'filter'> & { filter?: Omit<OnomondoUsageFilter, 'simId'> };

export interface OnomondoSimFilter {
  online?: boolean;
  activated?: boolean;
  /** Connector name. */
  connector?: string;
  /** Network whitelist name. */
  networkWhitelist?: string;
}

export interface OnomondoSimsQuery {
  /** SIMs per page, 1..1000. @default 1000 */
  limit?: number;
  /** The `nextPage` of the previous page. */
  nextPage?: string;
  filter?: OnomondoSimFilter;
}

export interface OnomondoTagSearchQuery {
  /** @default 0 */
  offset?: number;
  /** Tags per page, 1..1000. @default 100 */
  limit?: number;
}

/** One page of a cursor-paged collection; `nextPage` is null on the last page. */
export interface OnomondoCursorPage<T> {
  items: T[];
  hasMore: boolean;
  nextPage: string | null;
}

/** One page of an offset-paged collection. */
export interface OnomondoOffsetPage<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface OnomondoClient {
  /** `GET /usage`: usage records of every SIM, in time order. */
  usage(query?: OnomondoUsageQuery, signal?: AbortSignal): Promise<OnomondoCursorPage<OnomondoUsageRecord>>;
  /** `GET /usage/{sim_id}`: usage records of one SIM, by SIM id or ICCID. */
  simUsage(simIdOrIccid: string, query?: OnomondoSimUsageQuery, signal?: AbortSignal): Promise<OnomondoCursorPage<OnomondoUsageRecord>>;
  /** `GET /usage/tag-total/{tag_id}`: bytes and SIM count over the SIMs carrying the tag. */
  tagUsageTotal(tagId: string, signal?: AbortSignal): Promise<OnomondoTagUsageTotal>;
  /** `GET /sims`, sorted by id. */
  listSims(query?: OnomondoSimsQuery, signal?: AbortSignal): Promise<OnomondoCursorPage<OnomondoSim>>;
  /** `GET /sims/{id}`, by SIM id or ICCID. */
  getSim(simIdOrIccid: string, signal?: AbortSignal): Promise<OnomondoSim>;
  /** `GET /tags/search/tags`. */
  searchTags(query?: OnomondoTagSearchQuery, signal?: AbortSignal): Promise<OnomondoOffsetPage<OnomondoTag>>;
  close(): Promise<void>;
}

export function createOnomondoClient(settings: OnomondoSettings, policy: HttpPolicy, options: { clock?: Clock } = {}): OnomondoClient {
  const upstream = new Upstream({
    source: 'onomondo',
    baseUrl: settings.baseUrl,
    policy,
    // The raw key, no `Bearer`: the documented security scheme and what every real client sends.
    credentials: { headers: () => ({ authorization: settings.apiKey }) },
    errorMessage: (body) => onomondoErrorSchema.safeParse(body).data?.error,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  return {
    async usage(query = {}, signal) {
      const { data } = await upstream.get('/usage', { schema: usagePageSchema, query: usageQuery(query), signal });
      return cursorPage(data.usage, data.pagination);
    },
    async simUsage(simIdOrIccid, query = {}, signal) {
      const path = `/usage/${encodeURIComponent(simIdOrIccid)}`;
      const { data } = await upstream.get(path, { schema: usagePageSchema, query: usageQuery(query), signal });
      return cursorPage(data.usage, data.pagination);
    },
    async tagUsageTotal(tagId, signal) {
      const path = `/usage/tag-total/${encodeURIComponent(tagId)}`;
      return (await upstream.get(path, { schema: tagUsageTotalSchema, signal })).data;
    },
    async listSims(query = {}, signal) {
      const { data } = await upstream.get('/sims', { schema: simsPageSchema, query: simsQuery(query), signal });
      return cursorPage(data.sims, data.pagination);
    },
    async getSim(simIdOrIccid, signal) {
      return (await upstream.get(`/sims/${encodeURIComponent(simIdOrIccid)}`, { schema: simSchema, signal })).data;
    },
    async searchTags(query = {}, signal) {
      const { data } = await upstream.get('/tags/search/tags', {
        schema: tagSearchSchema,
        query: { offset: query.offset, limit: query.limit },
        signal,
      });
      return { items: data.result, total: data.total, offset: data.offset, limit: data.limit };
    },
    close: () => upstream.close(),
  };
}

function usageQuery(query: OnomondoUsageQuery): Query {
  const { time, simId, countryCode } = query.filter ?? {};
  return {
    'filter[]': filterValues({ time, sim_id: simId, country_code: countryCode }),
    group: query.groupByHour ? 'hours' : undefined,
    limit: query.limit,
    offset: query.offset,
    next_page: query.nextPage,
  };
}

function simsQuery(query: OnomondoSimsQuery): Query {
  const { online, activated, connector, networkWhitelist } = query.filter ?? {};
  return {
    'filter[]': filterValues({ online, activated, connector, network_whitelist: networkWhitelist }),
    limit: query.limit,
    next_page: query.nextPage,
  };
}

/** `{time: '2024-03', sim_id: undefined}` → `['time:2024-03']`, sent as repeated `filter[]=`. */
function filterValues(filters: Record<string, string | boolean | undefined>): string[] {
  return Object.entries(filters)
    .filter((entry): entry is [string, string | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${key}:${String(value)}`);
}

function cursorPage<T>(items: T[], pagination: OnomondoPagination): OnomondoCursorPage<T> {
  return { items, hasMore: pagination.has_more, nextPage: pagination.next_page ?? null };
}
