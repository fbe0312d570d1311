import type { z } from 'zod';
import { latestEnd, periodEnd } from '../periods.js';
import type { FourmeSettings } from './source.js';
import { UpstreamBadResponseError } from '../../upstream/errors.js';
import { Upstream, type CallOptions, type ClientOptions, type HttpPolicy, type Query, type RejectedRecord } from '../../upstream/http.js';
import type { CursorFrom } from '../lists.js';
import { idBatches } from '../loaders.js';
import {
  fourmeErrorSchema,
  fourmePersonFields,
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
  /** Records of the page that failed validation, by their index in the page. */
  rejected: readonly RejectedRecord[];
  /** `X-Pagination-Total-Entries`, where sent. */
  total: number | undefined;
  /** The `search_after` cursor of the `Link` header's `rel="next"`; null on the last page. */
  next: string | null;
  /** The `search_before` cursor of `rel="prev"`; null on the first page; undefined where the link names no cursor. */
  prev: string | null | undefined;
}

export interface FourmePaging {
  /** Records per page, 1 to 100. @default 20 */
  perPage?: number;
  /** Where the page starts: a cursor of a `Link` relation; the first page when null or omitted. */
  from?: CursorFrom;
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
  listUsageStatements(query?: FourmeUsageStatementQuery, call?: CallOptions): Promise<FourmePage<FourmeUsageStatement>>;
  /** `GET /account/usage_statements/{id}`, with `billable_user_ids`. */
  getUsageStatement(id: number, call?: CallOptions): Promise<FourmeUsageStatementDetail>;
  /** `GET /people`, in 4me's own order, with every field the graph reads (`fields=`). */
  listPeople(query?: FourmePeopleQuery, call?: CallOptions): Promise<FourmePage<FourmePerson>>;
  /** `GET /people/{id}`, with every field the graph reads. */
  getPerson(id: number, call?: CallOptions): Promise<FourmePerson>;
  /**
   * The people with these ids, fetched concurrently in calls of at most 100 ids. Duplicates are asked for
   * once; unknown ids are simply absent; the order is 4me's, so callers map by id.
   */
  peopleByIds(ids: readonly number[], call?: CallOptions): Promise<Pick<FourmePage<FourmePerson>, 'items' | 'rejected'>>;
  close(): Promise<void>;
}

/** Collections send only their default fields unless asked: people's defaults lack `primary_email` and `disabled`. */
const PERSON_FIELDS = fourmePersonFields.join(',');

export function createFourmeClient(settings: FourmeSettings, policy: HttpPolicy, options: ClientOptions = {}): FourmeClient {
  const upstream = new Upstream({
    ...options.sharing?.(`${settings.account}\n${settings.token}`),
    source: 'fourme',
    baseUrl: settings.baseUrl,
    policy,
    credentials: { headers: () => ({ authorization: `Bearer ${settings.token}`, 'x-4me-account': settings.account }) },
    errorMessage: fourmeErrorMessage,
    clock: options.clock,
  });

  async function list<T>(
    template: string,
    schema: z.ZodType<T[]>,
    query: Query,
    call: CallOptions | undefined,
    periodEnd?: (items: T[]) => number | undefined,
  ): Promise<FourmePage<T>> {
    const response = await upstream.get(template, { schema, query, periodEnd, ...call });
    const links = parseLinkHeader(response.headers['link']);
    if (links.next === undefined) {
      // A next page we cannot reach by cursor (an old `page=` link): stopping here would silently cut the list short.
      throw new UpstreamBadResponseError('the Link header names a next page without a search_after cursor', {
        source: 'fourme',
        endpoint: response.endpoint,
        status: response.status,
        fieldPath: 'Link',
      });
    }
    return { items: response.data, rejected: response.rejected, total: totalEntries(response.headers), next: links.next, prev: links.prev };
  }

  const listPeople: FourmeClient['listPeople'] = (query = {}, call) =>
    list('/people', fourmePersonListSchema, { id: idFilter(query.ids), fields: PERSON_FIELDS, ...pagingQuery(query) }, call);

  return {
    listUsageStatements: (query = {}, call) =>
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
        call,
        (statements) => statementsEnd(query, statements),
      ),
    getUsageStatement: async (id, call) =>
      (
        await upstream.get('/account/usage_statements/{id}', {
          schema: fourmeUsageStatementDetailSchema,
          params: { id },
          periodEnd: (statement) => periodEnd(statement.end_date),
          ...call,
        })
      ).data,
    listPeople,
    getPerson: async (id, call) =>
      (await upstream.get('/people/{id}', { schema: fourmePersonSchema, params: { id }, query: { fields: PERSON_FIELDS }, ...call })).data,
    peopleByIds: async (ids, call) => {
      const batches = idBatches(ids, FOURME_MAX_PER_PAGE);
      const pages = await Promise.all(batches.map((batch) => listPeople({ ids: batch, perPage: FOURME_MAX_PER_PAGE }, call)));
      return { items: pages.flatMap((page) => page.items), rejected: pages.flatMap((page) => page.rejected) };
    },
    close: () => upstream.close(),
  };
}

/**
 * When a list of statements stops changing: named ones once the last of their months is over, a year's or a month's
 * once that year or month is; the whole list never (a statement comes every month).
 */
function statementsEnd(query: FourmeUsageStatementQuery, statements: readonly { end_date: string }[]): number | undefined {
  if (query.ids !== undefined) return latestEnd(statements.map((statement) => statement.end_date));
  if (query.year === undefined) return undefined;
  return periodEnd(query.month === undefined ? String(query.year) : `${query.year}-${String(query.month).padStart(2, '0')}`);
}

function idFilter(ids: readonly number[] | undefined): string | undefined {
  return ids?.join(',');
}

function pagingQuery(paging: FourmePaging): Query {
  const from = paging.from ?? null;
  return {
    per_page: paging.perPage,
    ...(from === null ? {} : 'after' in from ? { search_after: from.after } : { search_before: from.before }),
  };
}

function withDefaultStatementFields(fields: readonly FourmeUsageStatementField[]): string {
  return [...new Set([...fourmeUsageStatementDefaultFields, ...fields])].join(',');
}

function totalEntries(headers: Record<string, string>): number | undefined {
  const value = headers['x-pagination-total-entries']?.trim();
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/**
 * `<https://…?search_after=abc>; rel="next", <https://…?search_before=xyz>; rel="prev"` → the cursors (undefined for
 * a relation whose link names none). Only the cursor is taken from a link, never the link itself: the gateway calls
 * the paths it knows, on the host it was given.
 */
export function parseLinkHeader(value: string | undefined): { next: string | null | undefined; prev: string | null | undefined } {
  let next: string | null | undefined = null;
  let prev: string | null | undefined = null;
  for (const [, url = '', rel = ''] of (value ?? '').matchAll(/<([^>]*)>\s*;\s*rel="?([^";,]+)"?/g)) {
    if (!URL.canParse(url)) continue;
    const params = new URL(url).searchParams;
    const relation = rel.trim().toLowerCase();
    if (relation === 'next') next = params.get('search_after') ?? undefined;
    if (relation === 'prev') prev = params.get('search_before') ?? undefined;
  }
  return { next, prev };
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
