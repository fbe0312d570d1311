import { periodEnd } from '../periods.js';
import type { SignicatSettings } from './source.js';
import { systemClock, type Clock } from '../../upstream/clock.js';
import { UpstreamBadRequestError, UpstreamUnauthorizedError } from '../../upstream/errors.js';
import {
  Upstream,
  type CallOptions,
  type ClientOptions,
  type Credentials,
  type HttpPolicy,
  type RejectedRecord,
} from '../../upstream/http.js';
import {
  accountListSchema,
  accountSchema,
  errorBodySchema,
  organizationListSchema,
  organizationSchema,
  tokenResponseSchema,
  usagePageSchema,
  type SignicatAccount,
  type SignicatOrganization,
  type SignicatUsageItem,
  type SignicatUsageLevel,
  type SignicatUsagePeriod,
} from './schemas.js';

/** Whose usage to read: sent as the `signicat-organizationid` or `signicat-accountid` header. */
export type SignicatUsageScope = { organizationId: string } | { accountId: string };

/** Query of the usage read; every field is optional, as in the vendor's API. */
export interface SignicatUsageQuery {
  /** First day, `YYYY-MM-DD`. @default the first day the vendor holds */
  fromDate?: string;
  /** Last day, `YYYY-MM-DD`. @default the last day the vendor holds */
  toDate?: string;
  /** Adds `externalReference` to every row. @default false */
  includeExternalReference?: boolean;
  /** Sums counts per period. @default 'daily' */
  aggregateByPeriod?: SignicatUsagePeriod;
  /** One row per account, or per organisation with `accountId` null. @default 'account' */
  aggregateByLevel?: SignicatUsageLevel;
  /** With an organisation scope, adds the usage of its descendants. @default false */
  includeChildOrganizations?: boolean;
  /** Rows to skip. @default 0 */
  offset?: number;
  /** Rows per page, 1..1000. @default 100 */
  limit?: number;
}

/** One page of usage rows, with the offsets of the neighbouring pages (null where there is none). */
export interface SignicatUsagePage {
  items: SignicatUsageItem[];
  /** Rows of the page that failed validation, by their index in the vendor's page. */
  rejected: readonly RejectedRecord[];
  previousOffset: number | null;
  nextOffset: number | null;
}

/** Paging of Account Management lists. */
export interface SignicatPageQuery {
  /** Items per page, 1..100. @default 50 */
  limit?: number;
  /** `nextPage` of the previous page; the first page when omitted. */
  page?: string;
}

/** One page of an Account Management list; `nextPage` is the vendor's opaque token, null on the last page. */
export interface SignicatList<T> {
  items: T[];
  rejected: readonly RejectedRecord[];
  nextPage: string | null;
}

export interface SignicatClient {
  /** `GET {usagePath}`: usage rows of an organisation or an account. */
  usage(scope: SignicatUsageScope, query?: SignicatUsageQuery, call?: CallOptions): Promise<SignicatUsagePage>;
  /** `GET /accounts`: every account the client may see. */
  listAccounts(query?: SignicatPageQuery, call?: CallOptions): Promise<SignicatList<SignicatAccount>>;
  /** `GET /accounts/{accountId}`. */
  getAccount(accountId: string, call?: CallOptions): Promise<SignicatAccount>;
  /** `GET /organizations`: the top-level organisations. */
  listOrganizations(query?: SignicatPageQuery, call?: CallOptions): Promise<SignicatList<SignicatOrganization>>;
  /** `GET /organizations/{organizationId}`. */
  getOrganization(organizationId: string, call?: CallOptions): Promise<SignicatOrganization>;
  /** `GET /organizations/{organizationId}/organizations`: direct children. */
  listChildOrganizations(
    organizationId: string,
    query?: SignicatPageQuery,
    call?: CallOptions,
  ): Promise<SignicatList<SignicatOrganization>>;
  /** Closes the connection pools. */
  close(): Promise<void>;
}

/** Signicat's usage API, its OAuth token endpoint and its Account Management API, each behind one {@link Upstream}. */
export function createSignicatClient(settings: SignicatSettings, policy: HttpPolicy, options: ClientOptions = {}): SignicatClient {
  const clock = options.clock ?? systemClock;
  const shared = options.sharing?.(`${settings.clientId}\n${settings.clientSecret}`);
  const common = { ...shared, source: 'signicat', policy, errorMessage: readErrorBody, clock } as const;
  const tokenEndpoint = new Upstream({ ...common, baseUrl: settings.tokenUrl });
  const credentials = createTokenCredentials(tokenEndpoint, settings, clock);
  const usageApi = new Upstream({ ...common, baseUrl: settings.baseUrl, credentials });
  const accountManagement = new Upstream({ ...common, baseUrl: settings.accountManagementUrl, credentials });

  const accountList = async (query: SignicatPageQuery, call?: CallOptions) => {
    const { data, rejected } = await accountManagement.get('/accounts', { schema: accountListSchema, query: pageQuery(query), ...call });
    return { items: data.data, rejected, nextPage: data.next };
  };
  const organizationList = async (
    template: string,
    params: Record<string, string>,
    query: SignicatPageQuery,
    call?: CallOptions,
  ): Promise<SignicatList<SignicatOrganization>> => {
    const { data, rejected } = await accountManagement.get(template, {
      schema: organizationListSchema,
      params,
      query: pageQuery(query),
      ...call,
    });
    return { items: data.data, rejected, nextPage: data.next };
  };

  return {
    async usage(scope, query = {}, call) {
      const { data, rejected } = await usageApi.get(settings.usagePath, {
        schema: usagePageSchema,
        query: { ...query },
        headers: scopeHeader(scope),
        // Usage through a day long past no longer changes; without an end date it grows.
        periodEnd: query.toDate === undefined ? undefined : periodEnd(query.toDate),
        ...call,
      });
      const rows = data.data.length + rejected.length;
      return {
        items: data.data,
        rejected,
        previousOffset: data.previous == null ? null : offsetOf(data.previous),
        nextOffset: nextOffset(data.next, query.offset ?? 0, rows),
      };
    },
    listAccounts: (query = {}, call) => accountList(query, call),
    async getAccount(accountId, call) {
      return (await accountManagement.get('/accounts/{account_id}', { schema: accountSchema, params: { account_id: accountId }, ...call }))
        .data;
    },
    listOrganizations: (query = {}, call) => organizationList('/organizations', {}, query, call),
    async getOrganization(organizationId, call) {
      const params = { organization_id: organizationId };
      return (await accountManagement.get('/organizations/{organization_id}', { schema: organizationSchema, params, ...call })).data;
    },
    listChildOrganizations: (organizationId, query = {}, call) =>
      organizationList('/organizations/{organization_id}/organizations', { organization_id: organizationId }, query, call),
    async close() {
      await Promise.all([tokenEndpoint.close(), usageApi.close(), accountManagement.close()]);
    },
  };
}

/**
 * OAuth 2.0 client credentials as {@link Credentials}: one token shared by all calls, fetched by one request
 * however many calls need it at once, and replaced shortly before it expires or when the API rejects it.
 */
function createTokenCredentials(tokenEndpoint: Upstream, settings: SignicatSettings, clock: Clock): Credentials {
  let token: { value: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const { data } = await requestToken(tokenEndpoint, settings);
    const lifetimeMs = data.expires_in * 1000;
    token = { value: data.access_token, refreshAt: clock.now() + lifetimeMs - Math.min(30_000, lifetimeMs / 10) };
    return data.access_token;
  };
  const currentToken = (): Promise<string> => {
    if (token && clock.now() < token.refreshAt) return Promise.resolve(token.value);
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    // The shared token request is not tied to one caller's signal, so a caller that gives up cannot fail the others.
    headers: async (signal) => ({ authorization: `Bearer ${await untilAborted(currentToken(), signal)}` }),
    invalidate: () => {
      token = undefined;
    },
  };
}

async function requestToken(tokenEndpoint: Upstream, settings: SignicatSettings) {
  const basic = Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString('base64');
  try {
    return await tokenEndpoint.postForm(
      '',
      { grant_type: 'client_credentials', scope: settings.scope },
      { schema: tokenResponseSchema, headers: { authorization: `Basic ${basic}` } },
    );
  } catch (error) {
    // OAuth answers bad client credentials with 400 (invalid_client, invalid_scope) as often as with 401.
    if (error instanceof UpstreamBadRequestError) {
      throw new UpstreamUnauthorizedError(`the token endpoint refused the client credentials (HTTP ${error.status})`, {
        source: error.source,
        endpoint: error.endpoint,
        status: error.status,
        cause: error,
      });
    }
    throw error;
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function scopeHeader(scope: SignicatUsageScope): Record<string, string> {
  return 'accountId' in scope ? { 'signicat-accountid': scope.accountId } : { 'signicat-organizationid': scope.organizationId };
}

function pageQuery(query: SignicatPageQuery): { limit?: number; page?: string } {
  return { limit: query.limit, page: query.page };
}

function nextOffset(next: string | null | undefined, offset: number, rows: number): number | null {
  if (next === null) return null;
  if (next !== undefined) return offsetOf(next);
  // Without `next` (the vendor's sample shows none), only an empty page proves the end.
  return rows > 0 ? offset + rows : null;
}

/** The schema has already checked that the link's `offset` is absent or a non-negative integer. */
function offsetOf(link: string): number {
  return Number(new URL(link).searchParams.get('offset') ?? '0');
}

function readErrorBody(body: unknown): string | undefined {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const { title, detail, error, error_description: description } = parsed.data;
  return [title ?? error, detail ?? description].filter(Boolean).join(': ') || undefined;
}
