import { z } from 'zod';
import { isoDate } from '../../simulator/random.js';
import { usageLevelSchema, usagePeriodSchema, type SignicatUsageItemWire, type SignicatUsagePeriod } from './schemas.js';
import type { SignicatSeed, SignicatUsageSeries } from './seed.js';

const DAY_MS = 86_400_000;
const INT32_MAX = 2 ** 31 - 1;
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** The usage read's query as the simulator accepts it; anything else is a 400. */
export const usageQuerySchema = z
  .object({
    fromDate: z.iso.date().optional(),
    toDate: z.iso.date().optional(),
    includeExternalReference: flag.default(false),
    aggregateByPeriod: usagePeriodSchema.default('daily'),
    aggregateByLevel: usageLevelSchema.default('account'),
    includeChildOrganizations: flag.default(false),
    offset: z.coerce.number().int().min(0).max(INT32_MAX).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .refine((query) => !query.fromDate || !query.toDate || query.fromDate <= query.toDate, {
    message: 'fromDate must not be after toDate',
    path: ['fromDate'],
  });
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export interface UsageRows {
  rows: SignicatUsageItemWire[];
  /** Whether rows follow the returned ones. */
  hasMore: boolean;
}

/**
 * One page of usage rows over `series` (already in account/organisation then usage-type order): per period in
 * date order, one row per series with a non-zero total. Only the page's rows are built; earlier ones are counted.
 */
export function usageRows(seed: SignicatSeed, series: readonly SignicatUsageSeries[], query: UsageQuery): UsageRows {
  const calendar = seedCalendar(seed);
  const rows: SignicatUsageItemWire[] = [];
  let skipped = 0;
  for (const [start, end] of periods(calendar, query)) {
    for (const entry of series) {
      const count = (entry.cumulative[end + 1] ?? 0) - (entry.cumulative[start] ?? 0);
      if (count === 0) continue;
      if (skipped < query.offset) {
        skipped += 1;
        continue;
      }
      if (rows.length === query.limit) return { rows, hasMore: true };
      rows.push(usageItem(calendar, entry, count, [start, end], query));
    }
  }
  return { rows, hasMore: false };
}

interface Calendar {
  firstDayMs: number;
  dayCount: number;
  /** Index of the first day of `today`'s month: earlier days are invoiced. */
  currentMonthStart: number;
}

function seedCalendar(seed: SignicatSeed): Calendar {
  const firstDayMs = dayMs(seed.firstDay);
  const today = new Date(dayMs(seed.today));
  const monthStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1);
  return { firstDayMs, dayCount: seed.dayCount, currentMonthStart: Math.round((monthStart - firstDayMs) / DAY_MS) };
}

/** `[first, last]` day indexes of every period in the requested range, each clipped to it. */
function* periods(calendar: Calendar, query: UsageQuery): Generator<[number, number]> {
  const from = Math.max(0, query.fromDate ? dayIndex(calendar, query.fromDate) : 0);
  const to = Math.min(calendar.dayCount - 1, query.toDate ? dayIndex(calendar, query.toDate) : calendar.dayCount - 1);
  for (let start = from; start <= to;) {
    const lastDay = periodLastDay(new Date(calendar.firstDayMs + start * DAY_MS), query.aggregateByPeriod);
    const end = Math.min(to, Math.round((lastDay - calendar.firstDayMs) / DAY_MS));
    yield [start, end];
    start = end + 1;
  }
}

/** Epoch ms of the last day of the period that `day` falls in. */
function periodLastDay(day: Date, period: SignicatUsagePeriod): number {
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth();
  switch (period) {
    case 'daily':
      return day.getTime();
    case 'monthly':
      return Date.UTC(year, month + 1, 0);
    case 'quarterly':
      return Date.UTC(year, month - (month % 3) + 3, 0);
    case 'yearly':
      return Date.UTC(year, 12, 0);
  }
}

function usageItem(
  calendar: Calendar,
  series: SignicatUsageSeries,
  count: number,
  [start, end]: [number, number],
  query: UsageQuery,
): SignicatUsageItemWire {
  const byAccount = query.aggregateByLevel === 'account';
  return {
    count,
    state: series.state,
    period: { start: dateOf(calendar, start), end: dateOf(calendar, end) },
    usageType: series.product.usageType,
    unitOfMeasure: series.product.unitOfMeasure,
    // Completed usage of past months is invoiced; failed (and unfinished) usage is reported but never invoiced.
    invoiced: series.state === 'completed' && end < calendar.currentMonthStart,
    productName: series.product.productName,
    organizationId: series.organizationId,
    accountId: byAccount ? series.accountId : null,
    ...(query.includeExternalReference ? { externalReference: byAccount ? series.externalReference : null } : {}),
  };
}

function dayMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function dayIndex(calendar: Calendar, date: string): number {
  return Math.round((dayMs(date) - calendar.firstDayMs) / DAY_MS);
}

function dateOf(calendar: Calendar, index: number): string {
  return isoDate(new Date(calendar.firstDayMs + index * DAY_MS));
}
