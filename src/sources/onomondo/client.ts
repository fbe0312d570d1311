import { periodEnd } from '../periods.js';
import type { OnomondoSettings } from './source.js';
import { Upstream, type CallOptions, type ClientOptions, type HttpPolicy, type Query, type RejectedRecord } from '../../upstream/http.js';
import {
  onomondoErrorSchema,
  simSchema,
  simsPageSchema,
  tagSearchSchema,
  tagUsageTotalSchema,
  usagePageSchema,
  type OnomondoPagination,
  type OnomondoSim,
  type OnomondoSimsPage,
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
  /** The `nextPage` of the previous page (the vendor's cursor, or `offset:<n>` where it pages by offset). */
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
  /** Records of the page that failed validation, by their index in the vendor's page. */
  rejected: readonly RejectedRecord[];
  hasMore: boolean;
  nextPage: string | null;
}

/** One page of an offset-paged collection. */
export interface OnomondoOffsetPage<T> {
  items: T[];
  rejected: readonly RejectedRecord[];
  total: number;
  offset: number;
  limit: number;
}

export interface OnomondoClient {
  /** `GET /usage`: usage records of every SIM, in time order. */
  usage(query?: OnomondoUsageQuery, call?: CallOptions): Promise<OnomondoCursorPage<OnomondoUsageRecord>>;
  /** `GET /usage/{sim_id}`: usage records of one SIM, by SIM id or ICCID. */
  simUsage(simIdOrIccid: string, query?: OnomondoSimUsageQuery, call?: CallOptions): Promise<OnomondoCursorPage<OnomondoUsageRecord>>;
  /** `GET /usage/tag-total/{tag_id}`: bytes and SIM count over the SIMs carrying the tag. */
  tagUsageTotal(tagId: string, call?: CallOptions): Promise<OnomondoTagUsageTotal>;
  /** `GET /sims`, sorted by id, in either of the vendor's envelopes. */
  listSims(query?: OnomondoSimsQuery, call?: CallOptions): Promise<OnomondoCursorPage<OnomondoSim>>;
  /** `GET /sims/{id}`, by SIM id or ICCID. */
  getSim(simIdOrIccid: string, call?: CallOptions): Promise<OnomondoSim>;
  /** `GET /tags/search/tags`. */
  searchTags(query?: OnomondoTagSearchQuery, call?: CallOptions): Promise<OnomondoOffsetPage<OnomondoTag>>;
  close(): Promise<void>;
}

export function createOnomondoClient(settings: OnomondoSettings, policy: HttpPolicy, options: ClientOptions = {}): OnomondoClient {
  const upstream = new Upstream({
    ...options.sharing?.(settings.apiKey),
    source: 'onomondo',
    baseUrl: settings.baseUrl,
    policy,
    // The raw key, no `Bearer`: the documented security scheme and what every real client sends.
    credentials: { headers: () => ({ authorization: settings.apiKey }) },
    errorMessage: (body) => onomondoErrorSchema.safeParse(body).data?.error,
    ...(options.clock ? { clock: options.clock } : {}),
  });

  return {
    async usage(query = {}, call) {
      const { data, rejected } = await upstream.get('/usage', {
        schema: usagePageSchema,
        query: usageQuery(query),
        periodEnd: usagePeriodEnd(query),
        ...call,
      });
      return cursorPage(data.usage, rejected, data.pagination);
    },
    async simUsage(simIdOrIccid, query = {}, call) {
      const { data, rejected } = await upstream.get('/usage/{sim_id}', {
        schema: usagePageSchema,
        params: { sim_id: simIdOrIccid },
        query: usageQuery(query),
        periodEnd: usagePeriodEnd(query),
        ...call,
      });
      return cursorPage(data.usage, rejected, data.pagination);
    },
    async tagUsageTotal(tagId, call) {
      return (await upstream.get('/usage/tag-total/{tag_id}', { schema: tagUsageTotalSchema, params: { tag_id: tagId }, ...call })).data;
    },
    async listSims(query = {}, call) {
      const { data, rejected } = await upstream.get('/sims', { schema: simsPageSchema, query: simsQuery(query), ...call });
      return simsPage(data, rejected);
    },
    async getSim(simIdOrIccid, call) {
      return (await upstream.get('/sims/{sim_id}', { schema: simSchema, params: { sim_id: simIdOrIccid }, ...call })).data;
    },
    async searchTags(query = {}, call) {
      const { data, rejected } = await upstream.get('/tags/search/tags', {
        schema: tagSearchSchema,
        query: { offset: query.offset, limit: query.limit },
        ...call,
      });
      return { items: data.result, rejected, total: data.total, offset: data.offset, limit: data.limit };
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

/** Usage filtered to a day, month or year is over when that period is; unfiltered usage grows by the minute. */
function usagePeriodEnd(query: OnomondoUsageQuery): number | undefined {
  const time = query.filter?.time;
  return time === undefined ? undefined : periodEnd(time);
}

/** Pages of the offset envelope are continued by a token of ours; the vendor's cursors hold no colon. */
const OFFSET_TOKEN = /^offset:(\d{1,9})$/;

function simsQuery(query: OnomondoSimsQuery): Query {
  const { online, activated, connector, networkWhitelist } = query.filter ?? {};
  const offset = OFFSET_TOKEN.exec(query.nextPage ?? '')?.[1];
  return {
    'filter[]': filterValues({ online, activated, connector, network_whitelist: networkWhitelist }),
    limit: query.limit,
    ...(offset === undefined ? { next_page: query.nextPage } : { offset }),
  };
}

/** Either envelope as one cursor page: the offset envelope's next position becomes an `offset:<n>` token. */
function simsPage(data: OnomondoSimsPage, rejected: readonly RejectedRecord[]): OnomondoCursorPage<OnomondoSim> {
  if ('pagination' in data) return cursorPage(data.sims, rejected, data.pagination);
  const next = data.offset + data.sims.length + rejected.length;
  const hasMore = data.sims.length + rejected.length > 0 && next < data.total;
  return { items: data.sims, rejected, hasMore, nextPage: hasMore ? `offset:${next}` : null };
}

/** `{time: '2024-03', sim_id: undefined}` → `['time:2024-03']`, sent as repeated `filter[]=`. */
function filterValues(filters: Record<string, string | boolean | undefined>): string[] {
  return Object.entries(filters)
    .filter((entry): entry is [string, string | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${key}:${String(value)}`);
}

function cursorPage<T>(items: T[], rejected: readonly RejectedRecord[], pagination: OnomondoPagination): OnomondoCursorPage<T> {
  return { items, rejected, hasMore: pagination.has_more, nextPage: pagination.next_page ?? null };
}
