import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { SignicatSettings } from '../../src/sources/signicat/source.js';
import {
  createSignicatClient,
  type SignicatClient,
  type SignicatList,
  type SignicatPageQuery,
  type SignicatUsageQuery,
  type SignicatUsageScope,
} from '../../src/sources/signicat/client.js';
import { createSignicatSimulator, signicatSimulatedSettings } from '../../src/sources/signicat/simulator.js';
import type { SignicatUsageItem, SignicatUsageItemWire, SignicatUsagePeriod } from '../../src/sources/signicat/schemas.js';
import type { SignicatSeed, SignicatUsageSeries } from '../../src/sources/signicat/seed.js';
import type { RequestLogEntry, Simulator } from '../../src/simulator/server.js';
import { addDays, isoDate } from '../../src/simulator/random.js';
import { systemClock, type Clock } from '../../src/upstream/clock.js';
import { defaultHttpPolicy, type HttpPolicy } from '../../src/upstream/http.js';

/** Pinned so the seeded data, and what the tests expect of it, never move. */
export const TODAY = '2025-06-15';

/** Small waits so fault tests stay fast; a breaker that never opens, so one test's failures cannot leak into the next. */
export function fastPolicy(overrides: Partial<HttpPolicy> = {}): HttpPolicy {
  return {
    ...defaultHttpPolicy,
    connectTimeoutMs: 1000,
    headersTimeoutMs: 2000,
    bodyTimeoutMs: 2000,
    deadlineMs: 4000,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    retryAfterCapMs: 100,
    breaker: { failureThreshold: 1000, cooldownMs: 1000 },
    ...overrides,
  };
}

/** A clock the test can move forward, for token expiry; sleeping stays real. */
export function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: systemClock.sleep,
    advance: (ms) => {
      offset += ms;
    },
  };
}

/** The file's Signicat simulator (reset before each test) and a fresh client per test over it. */
export function useSignicat(policy: Partial<HttpPolicy> = {}): {
  readonly simulator: Simulator;
  readonly settings: SignicatSettings;
  readonly client: SignicatClient;
} {
  let simulator: Simulator | undefined;
  let settings: SignicatSettings | undefined;
  let client: SignicatClient | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Signicat simulator is used outside a test');
    return value;
  };
  beforeAll(async () => {
    simulator = createSignicatSimulator({ today: TODAY });
    settings = signicatSimulatedSettings(await simulator.start());
  });
  afterAll(() => simulator?.stop());
  beforeEach(() => {
    started(simulator).reset();
    client = createSignicatClient(started(settings), fastPolicy(policy));
  });
  afterEach(() => client?.close());
  return {
    get simulator() {
      return started(simulator);
    },
    get settings() {
      return started(settings);
    },
    get client() {
      return started(client);
    },
  };
}

export const TOKEN_PATH = '/auth/open/connect/token';

export function requestsTo(simulator: Simulator, method: string, pathPrefix: string): RequestLogEntry[] {
  return simulator.requests().filter((entry) => entry.method === method && entry.path.startsWith(pathPrefix));
}

/** A bearer token straight from the token endpoint, for raw `fetch` calls. */
export async function fetchToken(settings: { tokenUrl: string; clientId: string; clientSecret: string }): Promise<string> {
  const response = await fetch(settings.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: settings.clientId, client_secret: settings.clientSecret }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Follows `nextOffset` to the last page. */
export async function walkUsage(
  client: SignicatClient,
  scope: SignicatUsageScope,
  query: SignicatUsageQuery = {},
): Promise<{ items: SignicatUsageItem[]; pages: number }> {
  const items: SignicatUsageItem[] = [];
  let pages = 0;
  for (let offset: number | null = query.offset ?? 0; offset !== null; pages++) {
    const page = await client.usage(scope, { ...query, offset });
    items.push(...page.items);
    offset = page.nextOffset;
  }
  return { items, pages };
}

/** Follows `nextPage` to the last page of an Account Management list. */
export async function walkList<T>(
  list: (query: SignicatPageQuery) => Promise<SignicatList<T>>,
  limit?: number,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  let page: string | undefined;
  do {
    const result = await list({ limit, page });
    items.push(...result.items);
    page = result.nextPage ?? undefined;
    pages += 1;
  } while (page !== undefined);
  return { items, pages };
}

export interface ExpectedUsageOptions {
  fromDate?: string;
  toDate?: string;
  period?: SignicatUsagePeriod;
  includeExternalReference?: boolean;
}

/**
 * The rows the API should return for account-level series, computed the slow, obvious way: every seeded day in
 * the range, grouped by its period's name, one row per series with a non-zero sum.
 */
export function expectedAccountUsage(
  seed: SignicatSeed,
  series: readonly SignicatUsageSeries[],
  options: ExpectedUsageOptions = {},
): SignicatUsageItemWire[] {
  const currentMonth = seed.today.slice(0, 7);
  const groups = new Map<string, { start: string; end: string; days: number[] }>();
  for (let day = 0; day < seed.dayCount; day++) {
    const date = isoDate(addDays(new Date(`${seed.firstDay}T00:00:00Z`), day));
    if ((options.fromDate && date < options.fromDate) || (options.toDate && date > options.toDate)) continue;
    const key = periodName(date, options.period ?? 'daily');
    const group = groups.get(key) ?? { start: date, end: date, days: [] };
    group.end = date;
    group.days.push(day);
    groups.set(key, group);
  }
  const rows: SignicatUsageItemWire[] = [];
  for (const { start, end, days } of groups.values()) {
    for (const entry of series) {
      const count = days.reduce((sum, day) => sum + (entry.counts[day] ?? 0), 0);
      if (count === 0) continue;
      rows.push({
        count,
        state: entry.state,
        period: { start, end },
        usageType: entry.product.usageType,
        unitOfMeasure: entry.product.unitOfMeasure,
        invoiced: entry.state === 'completed' && end.slice(0, 7) < currentMonth,
        productName: entry.product.productName,
        organizationId: entry.organizationId,
        accountId: entry.accountId,
        ...(options.includeExternalReference ? { externalReference: entry.externalReference } : {}),
      });
    }
  }
  return rows;
}

function periodName(date: string, period: SignicatUsagePeriod): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  switch (period) {
    case 'daily':
      return date;
    case 'monthly':
      return date.slice(0, 7);
    case 'quarterly':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'yearly':
      return year;
  }
}
