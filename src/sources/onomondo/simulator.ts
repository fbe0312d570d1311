import { z } from 'zod';
import type { OnomondoSettings } from './source.js';
import { Simulator, type Route, type SimRequest, type SimResponse, type VendorProfile } from '../../simulator/server.js';
import type { OnomondoSim, OnomondoUsageRecordWire } from './schemas.js';
import { compareUsage, seedOnomondo, type OnomondoSeed } from './seed.js';

/** The API key the simulator accepts, raw or as `Bearer <key>`. */
export const onomondoDemoCredentials = { apiKey: 'demo-onomondo-key' } as const;

/** Settings that point the client at a started simulator with the demo key. */
export function onomondoSimulatedSettings(baseUrl: string): OnomondoSettings {
  return { baseUrl, apiKey: onomondoDemoCredentials.apiKey };
}

const MAX_LIMIT = 1000;
const TAG_SEARCH_DEFAULT_LIMIT = 100;
const MEMO_SIZE = 64;

/** An answer in Onomondo's error format, thrown from deep in a handler. */
class VendorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

const vendorError = (status: number, code: string): SimResponse => ({ status, body: { error: code } });

const onomondoProfile: VendorProfile = {
  source: 'onomondo',
  authenticate(request) {
    // The documented scheme is the raw key; the doc samples show `Bearer <key>`, so both pass.
    const key = request.headers.authorization?.replace(/^Bearer\s+/i, '');
    return key === onomondoDemoCredentials.apiKey ? undefined : vendorError(401, 'unauthorized');
  },
  error: (status, code) => vendorError(status, code),
  rateLimit: {
    limit: 600,
    windowMs: 60_000,
    headers: (state) => ({
      'x-ratelimit-limit': String(state.limit),
      'x-ratelimit-remaining': String(state.remaining),
      'x-ratelimit-reset': String(Math.ceil(state.resetAt / 1000)),
    }),
  },
  variants: {
    // Live-tested clients page `/sims` by cursor; the doc's older sample is an offset envelope. Both are seen.
    simsEnvelope: ['cursor', 'offset'],
  },
};

/**
 * Onomondo on loopback, serving a seeded fleet of SIMs with 90 days of usage.
 *
 * Choices of ours: `next_page` is base64url JSON of the endpoint, the next position and the query (filters and
 * grouping). Repeating the query with a cursor is optional, but a different one is `400 invalid_next_page`.
 * With both `next_page` and `offset`, the cursor sets the start and `offset` skips on from there.
 */
export function createOnomondoSimulator(
  options: { today?: string; latencyMs?: number; rateLimit?: number; variants?: Record<string, string> } = {},
): Simulator {
  const seed = seedOnomondo(options.today);
  const usage = createMemo(MEMO_SIZE);
  const routes: Route[] = [
    get('/usage', (request) => usagePage(request, seed, usage, undefined)),
    get('/usage/tag-total/:tagId', (request) => tagTotal(request, seed)),
    get('/usage/:simId', (request) => usagePage(request, seed, usage, findSim(seed, request.params.simId))),
    get('/sims', (request) => simsPage(request, seed)),
    get('/sims/:simId', (request) => ({ status: 200, body: findSim(seed, request.params.simId) })),
    get('/tags/search/tags', (request) => tagSearch(request, seed)),
  ];
  return new Simulator(onomondoProfile, routes, { latencyMs: options.latencyMs, rateLimit: options.rateLimit, variants: options.variants });
}

function get(path: string, handle: (request: SimRequest) => SimResponse): Route {
  return {
    method: 'GET',
    path,
    handle(request) {
      try {
        return handle(request);
      } catch (error) {
        if (error instanceof VendorError) return vendorError(error.status, error.code);
        throw error;
      }
    },
  };
}

function findSim(seed: OnomondoSeed, idOrIccid: string | undefined): OnomondoSim {
  const sim = idOrIccid === undefined ? undefined : (seed.simById.get(idOrIccid) ?? seed.simByIccid.get(idOrIccid));
  if (!sim) throw new VendorError(404, 'sim_not_found');
  return sim;
}

// ---- usage ----

interface UsageFilter {
  time?: string;
  sim_id?: string;
  country_code?: string;
}

type Memo = (key: string, select: () => OnomondoUsageRecordWire[]) => OnomondoUsageRecordWire[];

function usagePage(request: SimRequest, seed: OnomondoSeed, memo: Memo, sim: OnomondoSim | undefined): SimResponse {
  const scope = sim ? `usage/${sim.id}` : 'usage';
  const parseFilters = (raw: readonly string[]) => parseUsageFilters(raw, sim === undefined);
  const paging = readCursorPaging(request.query, scope, parseFilters, true);
  const records = memo(`${scope}?${fingerprint(paging.query)}`, () => {
    const selected = selectUsage(seed, paging.filter, sim);
    return paging.query.group ? groupByHour(selected) : selected;
  });
  const { pagination, items } = cursorPage(records, paging, scope);
  return { status: 200, body: { pagination, usage: items } };
}

function parseUsageFilters(raw: readonly string[], allowSimId: boolean): UsageFilter {
  const filter: UsageFilter = {};
  for (const [key, value] of splitFilters(raw)) {
    if (key === 'time' && isTimeFilter(value)) filter.time = value;
    else if (key === 'sim_id' && allowSimId && /^\d{9}$/.test(value)) filter.sim_id = value;
    else if (key === 'country_code' && /^[a-z]{2}$/.test(value)) filter.country_code = value;
    else throw new VendorError(400, 'invalid_filter');
  }
  return filter;
}

/** `2024`, `2024-03` or a real calendar day `2024-03-01`. */
function isTimeFilter(value: string): boolean {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match) return false;
  const [, year, month, day] = match;
  if (month === undefined) return true;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day ?? 1)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day ?? 1);
}

/** Starts from the smallest precomputed index that fits, then narrows the time range by binary search. */
function selectUsage(seed: OnomondoSeed, filter: UsageFilter, sim: OnomondoSim | undefined): OnomondoUsageRecordWire[] {
  const simId = sim?.id ?? filter.sim_id;
  const base =
    simId !== undefined
      ? (seed.usageBySim.get(simId) ?? [])
      : filter.country_code !== undefined
        ? (seed.usageByCountry.get(filter.country_code) ?? [])
        : seed.usage;
  const inTime = filter.time === undefined ? base : timeSlice(base, filter.time);
  const country = filter.country_code;
  return country === undefined ? inTime : inTime.filter((record) => record.country_code === country);
}

/** Records whose time starts with `prefix`; `~` sorts after every character of a usage time. */
function timeSlice(records: OnomondoUsageRecordWire[], prefix: string): OnomondoUsageRecordWire[] {
  return records.slice(lowerBound(records, prefix), lowerBound(records, `${prefix}~`));
}

function lowerBound(records: OnomondoUsageRecordWire[], time: string): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((records[middle]?.time ?? '') < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Sums records of one SIM, country and network in the same hour into the first one, stamped with the hour. */
function groupByHour(records: readonly OnomondoUsageRecordWire[]): OnomondoUsageRecordWire[] {
  const groups = new Map<string, OnomondoUsageRecordWire>();
  for (const record of records) {
    const hour = record.time.slice(0, 13);
    const key = `${record.sim_id}|${record.country_code}|${record.network.mcc}|${record.network.mnc}|${hour}`;
    const group = groups.get(key);
    if (group) group.bytes += record.bytes;
    else groups.set(key, { ...record, time: `${hour}:00:00`, network: { ...record.network } });
  }
  return [...groups.values()].sort(compareUsage);
}

function tagTotal(request: SimRequest, seed: OnomondoSeed): SimResponse {
  const tagId = request.params.tagId ?? '';
  const total = seed.tagTotals.get(tagId);
  if (!total) throw new VendorError(404, 'tag_not_found');
  return { status: 200, body: { tag_id: tagId, bytes: total.bytes, sims: total.sims } };
}

// ---- sims ----

interface SimFilter {
  online?: boolean;
  activated?: boolean;
  connector?: string;
  network_whitelist?: string;
}

function simsPage(request: SimRequest, seed: OnomondoSeed): SimResponse {
  const offsetEnvelope = request.variants['simsEnvelope'] === 'offset';
  const paging = offsetEnvelope
    ? { filter: parseSimFilters(filterParams(request.query)), start: readOffset(request.query), limit: readLimit(request.query, MAX_LIMIT) }
    : readCursorPaging(request.query, 'sims', parseSimFilters, false);
  const { online, activated, connector, network_whitelist } = paging.filter;
  const sims = seed.sims.filter(
    (sim) =>
      (online === undefined || sim.online === online) &&
      (activated === undefined || sim.activated === activated) &&
      (connector === undefined || sim.connector === connector) &&
      (network_whitelist === undefined || sim.network_whitelist === network_whitelist),
  );
  if (!('query' in paging)) {
    const items = sims.slice(paging.start, paging.start + paging.limit);
    return { status: 200, body: { count: items.length, limit: paging.limit, offset: paging.start, total: sims.length, sims: items } };
  }
  const { pagination, items } = cursorPage(sims, paging, 'sims');
  return { status: 200, body: { pagination, sims: items } };
}

function parseSimFilters(raw: readonly string[]): SimFilter {
  const filter: SimFilter = {};
  for (const [key, value] of splitFilters(raw)) {
    if ((key === 'online' || key === 'activated') && (value === 'true' || value === 'false')) filter[key] = value === 'true';
    else if ((key === 'connector' || key === 'network_whitelist') && value !== '') filter[key] = value;
    else throw new VendorError(400, 'invalid_filter');
  }
  return filter;
}

// ---- tags ----

function tagSearch(request: SimRequest, seed: OnomondoSeed): SimResponse {
  const offset = readOffset(request.query);
  const limit = readLimit(request.query, TAG_SEARCH_DEFAULT_LIMIT);
  const result = seed.tags.slice(offset, offset + limit);
  return { status: 200, body: { count: result.length, limit, offset, total: seed.tags.length, result } };
}

// ---- shared query handling ----

/** The filters and grouping of a cursor-paged query, canonical so equal queries compare equal. */
interface QueryFingerprint {
  filters: string[];
  group: boolean;
}

interface CursorPaging<F> {
  filter: F;
  query: QueryFingerprint;
  start: number;
  limit: number;
}

const cursorSchema = z.object({
  scope: z.string(),
  position: z.number().int().nonnegative(),
  filters: z.array(z.string()),
  group: z.boolean(),
});
type Cursor = z.infer<typeof cursorSchema>;

function readCursorPaging<F extends object>(
  params: URLSearchParams,
  scope: string,
  parseFilters: (raw: readonly string[]) => F,
  groupable: boolean,
): CursorPaging<F> {
  const limit = readLimit(params, MAX_LIMIT);
  const offset = readOffset(params);
  const requested = fingerprinted(parseFilters(filterParams(params)), groupable && readGroup(params));
  const nextPage = params.get('next_page');
  if (nextPage === null) return { ...requested, start: offset, limit };
  const cursor = decodeCursor(nextPage, scope);
  const repeatsQuery = filterParams(params).length > 0 || params.has('group');
  if (repeatsQuery && fingerprint(requested.query) !== fingerprint(cursor)) throw new VendorError(400, 'invalid_next_page');
  return { ...fingerprinted(parseFilters(cursor.filters), cursor.group), start: cursor.position + offset, limit };
}

function fingerprinted<F extends object>(filter: F, group: boolean): { filter: F; query: QueryFingerprint } {
  const filters = Object.entries(filter)
    .map(([key, value]) => `${key}:${String(value)}`)
    .sort();
  return { filter, query: { filters, group } };
}

function fingerprint(query: QueryFingerprint): string {
  return JSON.stringify([query.filters, query.group]);
}

function cursorPage<T>(
  items: readonly T[],
  paging: CursorPaging<object>,
  scope: string,
): { pagination: { has_more: boolean; next_page?: string }; items: T[] } {
  const end = paging.start + paging.limit;
  const hasMore = end < items.length;
  const cursor: Cursor = { scope, position: end, ...paging.query };
  return {
    pagination: hasMore ? { has_more: true, next_page: Buffer.from(JSON.stringify(cursor)).toString('base64url') } : { has_more: false },
    items: items.slice(paging.start, end),
  };
}

function decodeCursor(text: string, scope: string): Cursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new VendorError(400, 'invalid_next_page');
  }
  const cursor = cursorSchema.safeParse(decoded);
  if (!cursor.success || cursor.data.scope !== scope) throw new VendorError(400, 'invalid_next_page');
  return cursor.data;
}

/** Both the single `filter=key:value` form and repeated `filter[]=key:value`. */
function filterParams(params: URLSearchParams): string[] {
  return [...params.getAll('filter'), ...params.getAll('filter[]')];
}

/** `key:value` pairs, split at the first colon; a key given twice is ambiguous and rejected. */
function splitFilters(raw: readonly string[]): [string, string][] {
  const pairs = raw.map((text): [string, string] => {
    const colon = text.indexOf(':');
    if (colon <= 0) throw new VendorError(400, 'invalid_filter');
    return [text.slice(0, colon), text.slice(colon + 1)];
  });
  if (new Set(pairs.map(([key]) => key)).size !== pairs.length) throw new VendorError(400, 'invalid_filter');
  return pairs;
}

function readGroup(params: URLSearchParams): boolean {
  const group = params.get('group');
  if (group === null) return false;
  if (group !== 'hours') throw new VendorError(400, 'invalid_group');
  return true;
}

function readLimit(params: URLSearchParams, fallback: number): number {
  const text = params.get('limit');
  if (text === null) return fallback;
  const limit = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new VendorError(400, 'invalid_limit');
  return limit;
}

function readOffset(params: URLSearchParams): number {
  const text = params.get('offset');
  if (text === null) return 0;
  if (!/^\d{1,9}$/.test(text)) throw new VendorError(400, 'invalid_offset');
  return Number(text);
}

/** Remembers the last few selections, so walking a large grouped result page by page stays linear. */
function createMemo(size: number): Memo {
  const entries = new Map<string, OnomondoUsageRecordWire[]>();
  return (key, select) => {
    const known = entries.get(key);
    if (known) return known;
    const selected = select();
    if (entries.size >= size) entries.delete(entries.keys().next().value ?? '');
    entries.set(key, selected);
    return selected;
  };
}
