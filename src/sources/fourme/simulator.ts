import type { FourmeSettings } from '../../config.js';
import { Simulator, type Route, type SimRequest, type SimResponse, type VendorProfile } from '../../simulator/server.js';
import {
  fourmePersonSchema,
  fourmeUsageStatementDefaultFields,
  fourmeUsageStatementDetailSchema,
  type FourmePerson,
  type FourmeUsageStatementDetail,
} from './schemas.js';
import { seedFourme, type FourmeSeed } from './seed.js';

/** Credentials the simulator knows. `otherUserToken` is a valid token of someone who is not the account owner. */
export const fourmeDemoCredentials = {
  token: 'demo-4me-token',
  account: 'demo',
  otherUserToken: 'other-4me-token',
} as const;

export interface FourmeSimulatorOptions {
  /** `YYYY-MM-DD` the seed is anchored to. @default today (UTC) */
  today?: string;
  /** @default 0 */
  latencyMs?: number;
  /** Requests per hour. @default 3600 */
  rateLimit?: number;
}

const RATE_LIMIT_PER_HOUR = 3600;
const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;
const MAX_IDS = 100;

const STATEMENT_FIELDS = Object.keys(fourmeUsageStatementDetailSchema.shape) as (keyof FourmeUsageStatementDetail)[];
const PERSON_FIELDS = Object.keys(fourmePersonSchema.shape) as (keyof FourmePerson)[];

/** The 4me API on loopback, serving a seeded account under `/v1`. */
export function createFourmeSimulator(options: FourmeSimulatorOptions = {}): Simulator {
  const seed = seedFourme(options.today);
  return new Simulator(fourmeProfile, fourmeRoutes(seed), { latencyMs: options.latencyMs, rateLimit: options.rateLimit });
}

/** Settings that point a 4me client at a started simulator, with the demo credentials. */
export function fourmeSimulatedSettings(baseUrl: string): FourmeSettings {
  return {
    baseUrl: `${baseUrl.replace(/\/+$/, '')}/v1`,
    token: fourmeDemoCredentials.token,
    account: fourmeDemoCredentials.account,
  };
}

const fourmeProfile: VendorProfile = {
  source: 'fourme',
  authenticate,
  error: (status, _code, message) => fourmeError(status, message),
  rateLimit: {
    limit: RATE_LIMIT_PER_HOUR,
    windowMs: 3_600_000,
    headers: (state) => ({
      'X-RateLimit-Limit': String(state.limit),
      'X-RateLimit-Remaining': String(state.remaining),
      'X-RateLimit-Reset': String(Math.ceil(state.resetAt / 1000)),
    }),
  },
};

function fourmeRoutes(seed: FourmeSeed): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/account/usage_statements',
      handle: (request) =>
        ownerOnly(request) ??
        collection(request, seed.statements, {
          fields: STATEMENT_FIELDS,
          defaultFields: fourmeUsageStatementDefaultFields,
          matcher: statementMatcher,
        }),
    },
    {
      method: 'GET',
      path: '/v1/account/usage_statements/:id',
      handle: (request) => ownerOnly(request) ?? record(request, seed.statementsById, STATEMENT_FIELDS),
    },
    {
      method: 'GET',
      path: '/v1/people',
      handle: (request) => collection(request, seed.people, { fields: PERSON_FIELDS, defaultFields: PERSON_FIELDS, matcher: idMatcher }),
    },
    { method: 'GET', path: '/v1/people/:id', handle: (request) => record(request, seed.peopleById, PERSON_FIELDS) },
  ];
}

function fourmeError(status: number, message: string, errors?: string[]): SimResponse {
  return { status, body: errors ? { message, errors } : { message } };
}

/** A rejected query parameter; becomes a 400 with 4me's `{message, errors}` body. */
class InvalidParameter extends Error {}

// A wrong account is answered like a wrong token (ours): the credentials do not open this account.
function authenticate(request: SimRequest): SimResponse | undefined {
  const token = bearerToken(request);
  if (token === undefined) return fourmeError(401, 'Unauthorized: missing Bearer token in the Authorization header');
  if (token !== fourmeDemoCredentials.token && token !== fourmeDemoCredentials.otherUserToken) {
    return fourmeError(401, 'Unauthorized: invalid access token');
  }
  const account = request.headers['x-4me-account'];
  if (account === undefined) return fourmeError(401, 'Unauthorized: missing X-4me-Account header');
  if (account !== fourmeDemoCredentials.account) return fourmeError(401, 'Unauthorized: unknown account');
  return undefined;
}

function bearerToken(request: SimRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

function ownerOnly(request: SimRequest): SimResponse | undefined {
  if (bearerToken(request) === fourmeDemoCredentials.token) return undefined;
  return fourmeError(403, 'Forbidden: only the account owner may access usage statements');
}

interface CollectionSpec<T> {
  /** Every field a request may name in `fields=`, in the order records are written. */
  fields: readonly (keyof T & string)[];
  defaultFields: readonly (keyof T & string)[];
  /** Reads the request's filters (throwing {@link InvalidParameter}) into a test for one record. */
  matcher: (query: URLSearchParams) => (record: T) => boolean;
}

/** A paged collection, exactly as 4me pages: `X-Pagination-*` headers and a `Link` header. */
function collection<T extends { id: number }>(request: SimRequest, records: readonly T[], spec: CollectionSpec<T>): SimResponse {
  return answerParameters(() => {
    const selected = fieldSelection(request.query, spec.fields, spec.defaultFields);
    const { page, perPage } = paging(request.query);
    const matches = records.filter(spec.matcher(request.query));
    const totalPages = Math.max(1, Math.ceil(matches.length / perPage));
    const body = matches.slice((page - 1) * perPage, page * perPage).map((item) => project(item, selected));
    const link = linkHeader(request, page, perPage, totalPages);
    return {
      status: 200,
      body,
      headers: {
        'X-Pagination-Per-Page': String(perPage),
        'X-Pagination-Current-Page': String(page),
        'X-Pagination-Total-Pages': String(totalPages),
        'X-Pagination-Total-Entries': String(matches.length),
        ...(link ? { Link: link } : {}),
      },
    };
  });
}

function record<T extends { id: number }>(
  request: SimRequest,
  byId: ReadonlyMap<number, T>,
  fields: readonly (keyof T & string)[],
): SimResponse {
  const id = request.params['id'] ?? '';
  const found = /^\d+$/.test(id) ? byId.get(Number(id)) : undefined;
  if (!found) return fourmeError(404, 'Not Found');
  return answerParameters(() => ({ status: 200, body: project(found, fieldSelection(request.query, fields, fields)) }));
}

function answerParameters(answer: () => SimResponse): SimResponse {
  try {
    return answer();
  } catch (error) {
    if (error instanceof InvalidParameter) return fourmeError(400, 'Invalid parameters', [error.message]);
    throw error;
  }
}

function paging(query: URLSearchParams): { page: number; perPage: number } {
  return {
    page: integerParameter(query, 'page', 1, Number.MAX_SAFE_INTEGER) ?? 1,
    perPage: integerParameter(query, 'per_page', 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE,
  };
}

function integerParameter(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) throw new InvalidParameter(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** `id=1,2,3` and `ids=1,2,3` name the same filter; their ids are pooled. */
function idFilter(query: URLSearchParams): Set<number> | undefined {
  const lists = [...query.getAll('id'), ...query.getAll('ids')];
  if (lists.length === 0) return undefined;
  const items = lists.flatMap((list) => list.split(',')).map((item) => item.trim());
  if (items.some((item) => !/^[1-9]\d*$/.test(item))) throw new InvalidParameter('id must be a comma-separated list of ids');
  const ids = new Set(items.map(Number));
  if (ids.size > MAX_IDS) throw new InvalidParameter(`id accepts at most ${MAX_IDS} ids`);
  return ids;
}

function idMatcher(query: URLSearchParams): (record: { id: number }) => boolean {
  const ids = idFilter(query);
  return (record) => ids === undefined || ids.has(record.id);
}

/** Filters are ANDed. */
function statementMatcher(query: URLSearchParams): (statement: FourmeUsageStatementDetail) => boolean {
  const matchesIds = idMatcher(query);
  const year = integerParameter(query, 'year', 1970, 9999);
  const month = integerParameter(query, 'month', 1, 12);
  return (statement) =>
    matchesIds(statement) && (year === undefined || statement.year === year) && (month === undefined || statement.month === month);
}

/** `fields=a,b` replaces the default set; `id` always comes along; an unknown field is rejected. */
function fieldSelection<K extends string>(query: URLSearchParams, fields: readonly K[], defaults: readonly K[]): readonly K[] {
  const raw = query.get('fields');
  if (raw === null) return defaults;
  const asked = new Set(
    raw
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  const unknown = [...asked].filter((name) => !(fields as readonly string[]).includes(name));
  if (unknown.length > 0) throw new InvalidParameter(`fields has unknown field(s): ${unknown.join(', ')}`);
  return fields.filter((field) => field === 'id' || asked.has(field));
}

function project<T>(item: T, fields: readonly (keyof T & string)[]): Partial<T> {
  const projected: Partial<T> = {};
  for (const field of fields) projected[field] = item[field];
  return projected;
}

/** `Link` relations only where they apply (ours: first/prev off page 1, next up to the last page, last off it). */
function linkHeader(request: SimRequest, page: number, perPage: number, totalPages: number): string | undefined {
  const relations: [string, number][] = [];
  if (page > 1) relations.push(['first', 1], ['prev', Math.min(page - 1, totalPages)]);
  if (page < totalPages) relations.push(['next', page + 1]);
  if (page !== totalPages) relations.push(['last', totalPages]);
  if (relations.length === 0) return undefined;
  return relations.map(([rel, target]) => `<${pageUrl(request, target, perPage)}>; rel="${rel}"`).join(', ');
}

function pageUrl(request: SimRequest, page: number, perPage: number): string {
  const query = new URLSearchParams(request.query);
  query.set('page', String(page));
  query.set('per_page', String(perPage));
  return `${request.baseUrl}${request.path}?${query.toString().replaceAll('%2C', ',')}`;
}
