import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import type { SignicatSettings } from './source.js';
import {
  Simulator,
  type RateLimitState,
  type Route,
  type SimRequest,
  type SimResponse,
  type VendorProfile,
} from '../../simulator/server.js';
import type { SignicatOrganization } from './schemas.js';
import { compareText, seedSignicat, type SignicatSeed, type SignicatUsageSeries } from './seed.js';
import { usageQuerySchema, usageRows, type UsageQuery } from './usage-report.js';

export const signicatDemoCredentials = { clientId: 'demo-client', clientSecret: 'demo-secret' } as const;

/** Ours: the vendor does not publish its token lifetime. */
export const SIGNICAT_TOKEN_LIFETIME_S = 600;
const SCOPE = 'signicat-api';

export interface SignicatSimulatorOptions {
  /** Last day of the seeded usage, `YYYY-MM-DD`. @default the real date */
  today?: string;
  /** @default 0 */
  latencyMs?: number;
  /** Requests a minute; the vendor publishes no limit, so there is none unless given. */
  rateLimit?: number;
  /** Wire variants: `firstPagePrevious` (`absent` | `null`), `nextLink` (`present` | `absent`). */
  variants?: Record<string, string>;
}

/**
 * Signicat's usage API, OAuth token endpoint and Account Management API on loopback, over one seeded data set.
 * Ours: an unknown organisation or account id is a 404; both scope headers at once are a 400.
 */
export function createSignicatSimulator(options: SignicatSimulatorOptions = {}): Simulator {
  const seed = seedSignicat(options.today);
  const tokens = createTokenStore();
  const profile: VendorProfile = {
    source: 'signicat',
    authenticate: (request) =>
      tokens.isValid(bearerToken(request)) ? undefined : unauthorized('missing, unknown or expired bearer token'),
    error: problem,
    ...(options.rateLimit === undefined ? {} : { rateLimit: { limit: options.rateLimit, windowMs: 60_000, headers: rateLimitHeaders } }),
    variants: {
      // The doc sample's first page has no `previous` at all; the .NET SDK allows null.
      firstPagePrevious: ['absent', 'null'],
      // Ours: the doc sample shows no `next` link; a real answer may lack it.
      nextLink: ['present', 'absent'],
    },
  };
  return new Simulator(profile, signicatRoutes(seed, tokens), { latencyMs: options.latencyMs ?? 0, variants: options.variants });
}

/** Settings that point a client at a started simulator, with the demo credentials. */
export function signicatSimulatedSettings(baseUrl: string): SignicatSettings {
  return {
    baseUrl,
    tokenUrl: `${baseUrl}/auth/open/connect/token`,
    accountManagementUrl: `${baseUrl}/account-management`,
    usagePath: '/usage/transactions',
    clientId: signicatDemoCredentials.clientId,
    clientSecret: signicatDemoCredentials.clientSecret,
    scope: SCOPE,
  };
}

interface TokenStore {
  issue(): string;
  isValid(token: string | undefined): boolean;
}

function createTokenStore(): TokenStore {
  const expiries = new Map<string, number>();
  return {
    issue() {
      const now = Date.now();
      for (const [token, expiresAt] of expiries) if (expiresAt <= now) expiries.delete(token);
      const token = randomBytes(24).toString('base64url');
      expiries.set(token, now + SIGNICAT_TOKEN_LIFETIME_S * 1000);
      return token;
    },
    isValid(token) {
      const expiresAt = token === undefined ? undefined : expiries.get(token);
      return expiresAt !== undefined && expiresAt > Date.now();
    },
  };
}

function signicatRoutes(seed: SignicatSeed, tokens: TokenStore): Route[] {
  const usage = (request: SimRequest) => serveUsage(seed, request);
  const withOrganization = (request: SimRequest, answer: (found: SignicatOrganization) => SimResponse) => {
    const found = seed.organizationById.get(param(request, 'organizationId'));
    return found ? answer(found) : notFound('organization', param(request, 'organizationId'));
  };
  return [
    { method: 'POST', path: '/auth/open/connect/token', public: true, handle: (request) => issueToken(tokens, request) },
    { method: 'GET', path: '/usage/transactions', handle: usage },
    { method: 'GET', path: '/usage', handle: usage },
    { method: 'GET', path: '/account-management/accounts', handle: (request) => pagedList(seed.accounts, request) },
    {
      method: 'GET',
      path: '/account-management/accounts/:accountId',
      handle: (request) => {
        const account = seed.accountById.get(param(request, 'accountId'));
        return account ? ok(account) : notFound('account', param(request, 'accountId'));
      },
    },
    {
      method: 'GET',
      path: '/account-management/organizations',
      handle: (request) => pagedList(seed.childOrganizations.get(null) ?? [], request),
    },
    { method: 'GET', path: '/account-management/organizations/:organizationId', handle: (request) => withOrganization(request, ok) },
    {
      method: 'GET',
      path: '/account-management/organizations/:organizationId/organizations',
      handle: (request) => withOrganization(request, (found) => pagedList(seed.childOrganizations.get(found.id) ?? [], request)),
    },
  ];
}

/** OAuth 2.0 client credentials; the client authenticates with HTTP Basic or with `client_id`/`client_secret` in the form. */
function issueToken(tokens: TokenStore, request: SimRequest): SimResponse {
  const form = new URLSearchParams(request.body);
  const client = basicCredentials(request.headers.authorization) ?? { id: form.get('client_id'), secret: form.get('client_secret') };
  if (client.id !== signicatDemoCredentials.clientId || client.secret !== signicatDemoCredentials.clientSecret) {
    return problem(401, 'invalid_client', 'unknown client or wrong client secret');
  }
  if (form.get('grant_type') !== 'client_credentials')
    return problem(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
  const scope = form.get('scope');
  if (scope !== null && !scope.split(' ').includes(SCOPE)) return problem(400, 'invalid_scope', `scope must include ${SCOPE}`);
  return {
    status: 200,
    headers: { 'cache-control': 'no-store' },
    body: { access_token: tokens.issue(), token_type: 'Bearer', expires_in: SIGNICAT_TOKEN_LIFETIME_S, scope: SCOPE },
  };
}

type UsageScope = { organizationId: string } | { accountId: string };

function serveUsage(seed: SignicatSeed, request: SimRequest): SimResponse {
  const scope = usageScope(request);
  if (!scope) return problem(400, 'missing_scope', 'exactly one of the headers signicat-organizationid and signicat-accountid is required');
  const parsed = usageQuerySchema.safeParse(Object.fromEntries(request.query));
  if (!parsed.success) return invalidParameter(parsed.error);
  const query = parsed.data;
  const series = scopedSeries(seed, scope, query);
  if (!Array.isArray(series)) return series;

  const { rows, hasMore } = usageRows(seed, series, query);
  const firstPage = query.offset === 0;
  return ok({
    ...(firstPage && request.variants['firstPagePrevious'] === 'absent'
      ? {}
      : { previous: firstPage ? null : pageLink(request, Math.max(0, query.offset - query.limit)) }),
    ...(request.variants['nextLink'] === 'absent' ? {} : { next: hasMore ? pageLink(request, query.offset + query.limit) : null }),
    data: rows,
  });
}

function usageScope(request: SimRequest): UsageScope | undefined {
  const organizationId = header(request, 'signicat-organizationid');
  const accountId = header(request, 'signicat-accountid');
  if (organizationId !== undefined && accountId === undefined) return { organizationId };
  if (accountId !== undefined && organizationId === undefined) return { accountId };
  return undefined;
}

/** The scope's series in row order (account or organisation id, then usage type), or a 404. */
function scopedSeries(seed: SignicatSeed, scope: UsageScope, query: UsageQuery): SignicatUsageSeries[] | SimResponse {
  if ('accountId' in scope) {
    if (!seed.accountById.has(scope.accountId)) return notFound('account', scope.accountId);
    return seed.accountUsage.get(scope.accountId) ?? [];
  }
  if (!seed.organizationById.has(scope.organizationId)) return notFound('organization', scope.organizationId);
  const organizationIds = query.includeChildOrganizations ? withDescendants(seed, scope.organizationId) : [scope.organizationId];
  if (query.aggregateByLevel === 'organization') {
    return organizationIds.sort(compareText).flatMap((id) => seed.organizationUsage.get(id) ?? []);
  }
  return organizationIds
    .flatMap((id) => seed.organizationAccounts.get(id) ?? [])
    .sort((a, b) => compareText(a.id, b.id))
    .flatMap((account) => seed.accountUsage.get(account.id) ?? []);
}

function withDescendants(seed: SignicatSeed, organizationId: string): string[] {
  const ids = [organizationId];
  for (let i = 0; i < ids.length; i++) {
    for (const child of seed.childOrganizations.get(ids[i] ?? null) ?? []) ids.push(child.id);
  }
  return ids;
}

/** The same request with another offset, as an absolute URI. */
function pageLink(request: SimRequest, offset: number): string {
  const query = new URLSearchParams(request.query);
  query.set('offset', String(offset));
  return `${request.baseUrl}${request.path}?${query.toString()}`;
}

const listQuerySchema = z.object({
  /** Ours: the vendor documents only the default. */
  limit: z.coerce.number().int().min(1).max(100).default(50),
  page: z.string().optional(),
});

/** Account Management paging: `page` is an opaque token (ours: base64url of `offset:<n>`). */
function pagedList<T>(items: readonly T[], request: SimRequest): SimResponse {
  const parsed = listQuerySchema.safeParse(Object.fromEntries(request.query));
  if (!parsed.success) return invalidParameter(parsed.error);
  const { limit, page } = parsed.data;
  const offset = page === undefined ? 0 : decodePageToken(page);
  if (offset === undefined) return problem(400, 'invalid_parameter', 'page: not a page token issued by this API');
  const end = offset + limit;
  return ok({ data: items.slice(offset, end), next: end < items.length ? encodePageToken(end) : null });
}

function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodePageToken(token: string): number | undefined {
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
  const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function bearerToken(request: SimRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function param(request: SimRequest, name: string): string {
  return request.params[name] ?? '';
}

function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  // Ours: Signicat publishes no rate-limit headers; these follow the IETF RateLimit header draft.
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(Math.max(0, Math.ceil((state.resetAt - Date.now()) / 1000))),
  };
}

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

function invalidParameter(error: z.ZodError): SimResponse {
  const detail = error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  return problem(400, 'invalid_parameter', detail);
}

function notFound(kind: 'organization' | 'account', id: string): SimResponse {
  return problem(404, `${kind}_not_found`, `${kind} ${id} not found`);
}

function unauthorized(detail: string): SimResponse {
  const response = problem(401, 'unauthorized', detail);
  return { ...response, headers: { ...response.headers, 'www-authenticate': 'Bearer error="invalid_token"' } };
}

/** Signicat's error format: RFC 9457 problem details, `title` the status text and `detail` the reason. */
function problem(status: number, code: string, detail: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: { type: `https://api.signicat.com/problems/${code}`, title: STATUS_CODES[status] ?? 'Error', status, detail },
  };
}
