import type { FourmeSettings } from './source.js';
import { Simulator, type Route, type SimRequest, type SimResponse, type VendorProfile } from '../../simulator/server.js';
import { fourmeUsageStatementDefaultFields, fourmeUsageStatementDetailSchema, type FourmeUsageStatementWire } from './schemas.js';
import { seedFourme, type FourmeSeed, type FourmeSeedPerson } from './seed.js';

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

const STATEMENT_FIELDS = Object.keys(fourmeUsageStatementDetailSchema.shape) as (keyof FourmeUsageStatementWire)[];
const PERSON_FIELDS = [
  'id',
  'sourceID',
  'name',
  'primary_email',
  'organization',
  'site',
  'manager',
  'disabled',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof FourmeSeedPerson)[];
/** What `GET /people` sends without `fields=` (doc): no `primary_email`, no `disabled`. */
const PERSON_DEFAULT_FIELDS = [
  'id',
  'sourceID',
  'name',
  'organization',
  'site',
  'manager',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof FourmeSeedPerson)[];

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
          // Newest first: by id descending.
          compare: (a, b) => b.id - a.id,
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
      handle: (request) =>
        collection(request, seed.people, {
          fields: PERSON_FIELDS,
          defaultFields: PERSON_DEFAULT_FIELDS,
          matcher: idMatcher,
          compare: (a, b) => a.name.localeCompare(b.name) || a.id - b.id,
        }),
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
  /** The collection's order, which cursors continue. */
  compare: (a: T, b: T) => number;
}

/**
 * A paged collection as 4me pages it now: `X-Pagination-*` headers and `Link` relations `first`, `prev` and `next`
 * (each only where it applies) whose cursors continue after (`search_after`) or before (`search_before`) a record.
 * `page=` is no longer documented and is ignored, as a server that dropped it would.
 */
function collection<T extends { id: number }>(request: SimRequest, records: readonly T[], spec: CollectionSpec<T>): SimResponse {
  return answerParameters(() => {
    const selected = fieldSelection(request.query, spec.fields, spec.defaultFields);
    const perPage = integerParameter(request.query, 'per_page', 1, MAX_PER_PAGE) ?? DEFAULT_PER_PAGE;
    const matches = records.filter(spec.matcher(request.query));
    const { start, end } = pageBounds(request.query, matches, perPage, spec.compare);
    const page = matches.slice(start, end);
    const first = page[0];
    const last = page.at(-1);
    const relations: [string, Record<string, string>][] = [];
    if (start > 0 && first) relations.push(['first', {}], ['prev', { search_before: cursorOf(first) }]);
    if (end < matches.length && last) relations.push(['next', { search_after: cursorOf(last) }]);
    return {
      status: 200,
      body: page.map((item) => project(item, selected)),
      headers: {
        'X-Pagination-Per-Page': String(perPage),
        'X-Pagination-Current-Page': String(Math.floor(start / perPage) + 1),
        'X-Pagination-Total-Pages': String(Math.max(1, Math.ceil(matches.length / perPage))),
        'X-Pagination-Total-Entries': String(matches.length),
        ...(relations.length > 0
          ? { Link: relations.map(([rel, cursor]) => `<${pageUrl(request, cursor)}>; rel="${rel}"`).join(', ') }
          : {}),
      },
    };
  });
}

/** Ours: a cursor is base64url JSON of the boundary record's id, so it survives records added elsewhere in the list. */
function cursorOf(record: { id: number }): string {
  return Buffer.from(JSON.stringify({ id: record.id })).toString('base64url');
}

/** The page: `perPage` records after `search_after`'s record, the last `perPage` before `search_before`'s, or the first. */
function pageBounds<T extends { id: number }>(
  query: URLSearchParams,
  matches: readonly T[],
  perPage: number,
  compare: (a: T, b: T) => number,
): { start: number; end: number } {
  const after = query.get('search_after');
  const before = query.get('search_before');
  if (after !== null && before !== null) throw new InvalidParameter('search_after and search_before exclude each other');
  const cursor = after ?? before;
  if (cursor === null) return { start: 0, end: perPage };
  const boundary = decodeCursorRecord(cursor, matches);
  const firstWhere = (test: (record: T) => boolean) => {
    const index = matches.findIndex(test);
    return index < 0 ? matches.length : index;
  };
  if (after !== null) {
    const start = firstWhere((record) => compare(record, boundary) > 0);
    return { start, end: start + perPage };
  }
  const end = firstWhere((record) => compare(record, boundary) >= 0);
  return { start: Math.max(0, end - perPage), end };
}

function decodeCursorRecord<T extends { id: number }>(cursor: string, matches: readonly T[]): T {
  let id: unknown;
  try {
    id = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown }).id;
  } catch {
    throw new InvalidParameter('search cursor is malformed');
  }
  const record = matches.find((candidate) => candidate.id === id);
  if (!record) throw new InvalidParameter('search cursor does not belong to this collection');
  return record;
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
function statementMatcher(query: URLSearchParams): (statement: FourmeUsageStatementWire) => boolean {
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

function pageUrl(request: SimRequest, cursor: Record<string, string>): string {
  const query = new URLSearchParams(request.query);
  for (const name of ['page', 'search_after', 'search_before']) query.delete(name);
  for (const [name, value] of Object.entries(cursor)) query.set(name, value);
  const text = query.toString().replaceAll('%2C', ',');
  return `${request.baseUrl}${request.path}${text ? `?${text}` : ''}`;
}
