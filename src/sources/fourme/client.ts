import type { z } from 'zod';
import type { FourmeSettings } from '../../config.js';
import type { Clock } from '../../upstream/clock.js';
import { UpstreamBadResponseError } from '../../upstream/errors.js';
import { Upstream, type HttpPolicy, type Query, type UpstreamResponse } from '../../upstream/http.js';
import {
  fourmeErrorSchema,
  fourmePersonListSchema,
  fourmePersonSchema,
  fourmeUsageStatementDefaultFields,
  fourmeUsageStatementDetailSchema,
  fourmeUsageStatementListSchema,
  type FourmePerson,
  type FourmeUsageStatement,
  type FourmeUsageStatementDetail,
  type FourmeUsageStatementField,
} from './schemas.js';

/** 4me's bulk limit: ids in one `?id=` filter, and records on one page. */
export const FOURME_MAX_PER_PAGE = 100;

/** One page of a 4me collection, with the paging facts 4me sends in headers. */
export interface FourmePage<T> {
  items: T[];
  /** From the `X-Pagination-*` headers. */
  page: { current: number; perPage: number; totalPages: number; totalEntries: number };
  /** Page numbers of the `Link` header's relations; each present only where it applies. */
  links: FourmePageLinks;
}

export interface FourmePageLinks {
  first?: number;
  prev?: number;
  next?: number;
  last?: number;
}

export interface FourmePaging {
  /** 1-based page number. @default 1 */
  page?: number;
  /** Records per page, 1 to 100. @default 20 */
  perPage?: number;
}

export interface FourmeUsageStatementQuery extends FourmePaging {
  /** Only these statements (1 to 100 ids). */
  ids?: readonly number[];
  year?: number;
  /** 1 to 12. */
  month?: number;
  /**
   * Fields wanted beyond the default set, e.g. `['billable_user_ids']`. The wire's `fields=` replaces the
   * default set, so the client always sends the defaults too and every item keeps the list shape.
   */
  fields?: readonly FourmeUsageStatementField[];
}

export interface FourmePeopleQuery extends FourmePaging {
  /** Only these people (1 to 100 ids). */
  ids?: readonly number[];
}

/** Typed calls to the 4me API; every body is validated, every failure is an `UpstreamError`. */
export interface FourmeClient {
  /** `GET /account/usage_statements`: newest first; account owner only (another token → 403). */
  listUsageStatements(query?: FourmeUsageStatementQuery, signal?: AbortSignal): Promise<FourmePage<FourmeUsageStatement>>;
  /** `GET /account/usage_statements/{id}`, with `billable_user_ids`. */
  getUsageStatement(id: number, signal?: AbortSignal): Promise<FourmeUsageStatementDetail>;
  /** `GET /people`, in 4me's own order. */
  listPeople(query?: FourmePeopleQuery, signal?: AbortSignal): Promise<FourmePage<FourmePerson>>;
  /** `GET /people/{id}`. */
  getPerson(id: number, signal?: AbortSignal): Promise<FourmePerson>;
  /**
   * The people with these ids, fetched concurrently in calls of at most 100 ids. Duplicates are asked for
   * once; unknown ids are simply absent; the order is 4me's, so callers map by id.
   */
  peopleByIds(ids: readonly number[], signal?: AbortSignal): Promise<FourmePerson[]>;
  close(): Promise<void>;
}

export interface FourmeClientOptions {
  clock?: Clock;
}

const PAGINATION_HEADERS = {
  current: 'X-Pagination-Current-Page',
  perPage: 'X-Pagination-Per-Page',
  totalPages: 'X-Pagination-Total-Pages',
  totalEntries: 'X-Pagination-Total-Entries',
} as const;

const LINK_RELATIONS = ['first', 'prev', 'next', 'last'] as const;

export function createFourmeClient(settings: FourmeSettings, policy: HttpPolicy, options: FourmeClientOptions = {}): FourmeClient {
  const upstream = new Upstream({
    source: 'fourme',
    baseUrl: settings.baseUrl,
    policy,
    credentials: { headers: () => ({ authorization: `Bearer ${settings.token}`, 'x-4me-account': settings.account }) },
    errorMessage: fourmeErrorMessage,
    clock: options.clock,
  });
  const basePath = new URL(settings.baseUrl).pathname.replace(/\/+$/, '');

  async function list<T>(path: string, schema: z.ZodType<T[]>, query: Query, signal: AbortSignal | undefined): Promise<FourmePage<T>> {
    const response = await upstream.get(path, { schema, query, signal });
    return toPage(response, `GET ${basePath}${path}`);
  }

  const listPeople: FourmeClient['listPeople'] = (query = {}, signal) =>
    list('/people', fourmePersonListSchema, { id: idFilter(query.ids), ...pagingQuery(query) }, signal);

  return {
    listUsageStatements: (query = {}, signal) =>
      list(
        '/account/usage_statements',
        fourmeUsageStatementListSchema,
        {
          id: idFilter(query.ids),
          year: query.year,
          month: query.month,
          fields: query.fields && withDefaultStatementFields(query.fields),
          ...pagingQuery(query),
        },
        signal,
      ),
    getUsageStatement: async (id, signal) =>
      (await upstream.get(`/account/usage_statements/${id}`, { schema: fourmeUsageStatementDetailSchema, signal })).data,
    listPeople,
    getPerson: async (id, signal) => (await upstream.get(`/people/${id}`, { schema: fourmePersonSchema, signal })).data,
    peopleByIds: async (ids, signal) => {
      const batches = chunk([...new Set(ids)], FOURME_MAX_PER_PAGE);
      const pages = await Promise.all(batches.map((batch) => listPeople({ ids: batch, perPage: FOURME_MAX_PER_PAGE }, signal)));
      return pages.flatMap((page) => page.items);
    },
    close: () => upstream.close(),
  };
}

function idFilter(ids: readonly number[] | undefined): string | undefined {
  return ids?.join(',');
}

function pagingQuery(paging: FourmePaging): Query {
  return { page: paging.page, per_page: paging.perPage };
}

function withDefaultStatementFields(fields: readonly FourmeUsageStatementField[]): string {
  return [...new Set([...fourmeUsageStatementDefaultFields, ...fields])].join(',');
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function toPage<T>(response: UpstreamResponse<T[]>, endpoint: string): FourmePage<T> {
  const header = (name: string) => paginationHeader(response, name, endpoint);
  return {
    items: response.data,
    page: {
      current: header(PAGINATION_HEADERS.current),
      perPage: header(PAGINATION_HEADERS.perPage),
      totalPages: header(PAGINATION_HEADERS.totalPages),
      totalEntries: header(PAGINATION_HEADERS.totalEntries),
    },
    links: parseLinkHeader(response.headers['link']),
  };
}

// Every 4me collection is paged; a page without its counts cannot be walked safely, so it is a bad response.
function paginationHeader(response: UpstreamResponse<unknown>, name: string, endpoint: string): number {
  const value = response.headers[name.toLowerCase()]?.trim();
  if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  throw new UpstreamBadResponseError(`${value === undefined ? 'missing' : 'unreadable'} ${name} header`, {
    source: 'fourme',
    endpoint,
    status: response.status,
    fieldPath: name,
  });
}

/** `<https://…?page=3&per_page=20>; rel="next", …` → `{ next: 3, … }`; a link without `page=` means page 1. */
export function parseLinkHeader(value: string | undefined): FourmePageLinks {
  const links: FourmePageLinks = {};
  for (const [, url = '', rel = ''] of (value ?? '').matchAll(/<([^>]*)>\s*;\s*rel="?([^";,]+)"?/g)) {
    const relation = LINK_RELATIONS.find((name) => name === rel.trim().toLowerCase());
    const page = pageOf(url);
    if (relation && page !== undefined) links[relation] = page;
  }
  return links;
}

function pageOf(url: string): number | undefined {
  if (!URL.canParse(url)) return undefined;
  const page = new URL(url).searchParams.get('page') ?? '1';
  return /^\d+$/.test(page) ? Number(page) : undefined;
}

function fourmeErrorMessage(body: unknown): string | undefined {
  const parsed = fourmeErrorSchema.safeParse(body);
  if (!parsed.success) return undefined;
  const details = (parsed.data.errors ?? []).map(describeErrorItem);
  return details.length > 0 ? `${parsed.data.message} (${details.join('; ')})` : parsed.data.message;
}

function describeErrorItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (Array.isArray(item)) return item.map(String).join(' ');
  return JSON.stringify(item);
}
