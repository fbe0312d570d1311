import { z } from 'zod';
import { countryCode, openEnum, tolerantArray } from '../../upstream/tolerant.js';

/** `{"error": "sim_not_found"}`: the body of every Onomondo error. */
export const onomondoErrorSchema = z.object({ error: z.string() });

/** Cursor paging of `/usage` and `/sims`; `next_page` is absent on the last page. */
export const paginationSchema = z.object({
  has_more: z.boolean(),
  next_page: z.string().min(1).optional(),
});
export type OnomondoPagination = z.infer<typeof paginationSchema>;

const byteCount = z.number().int().nonnegative();
const dateTime = z.iso.datetime({ offset: true });
/** Usage times are UTC without a zone marker: `2024-03-01 13:05:59`. */
const usageTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected "YYYY-MM-DD HH:mm:ss"');

export const NETWORK_TYPES = ['2G', '3G', '4G', '5G'] as const;
export type OnomondoNetworkType = (typeof NETWORK_TYPES)[number];

export const usageRecordSchema = z.object({
  time: usageTime,
  bill_id: z.guid(),
  sim_id: z.string(),
  iccid: z.string(),
  session_id: z.guid(),
  bytes: byteCount,
  /** Lower case on the wire (`dk`); upper case once read. */
  country_code: countryCode,
  network_type: openEnum(NETWORK_TYPES),
  network: z.object({ mcc: z.string(), mnc: z.string() }),
});
export type OnomondoUsageRecord = z.output<typeof usageRecordSchema>;
/** A usage record as the vendor writes it (what the simulator serves). */
export type OnomondoUsageRecordWire = z.input<typeof usageRecordSchema>;

export const usagePageSchema = z.object({
  pagination: paginationSchema,
  usage: tolerantArray('usage', usageRecordSchema),
});
export type OnomondoUsagePage = z.infer<typeof usagePageSchema>;

export const tagSchema = z.object({
  id: z.guid(),
  name: z.string(),
  can_write: z.boolean(),
  /** Null where the tag has no colour. */
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'expected "#rrggbb"')
    .nullable(),
});
export type OnomondoTag = z.infer<typeof tagSchema>;

export const tagUsageTotalSchema = z.object({
  tag_id: z.guid(),
  bytes: byteCount,
  sims: z.number().int().nonnegative(),
});
export type OnomondoTagUsageTotal = z.infer<typeof tagUsageTotalSchema>;

export const simNetworkSchema = z.object({
  name: z.string().nullable(),
  country: z.string().nullable(),
  /** Upper case on the wire (`NO`), unlike usage records; upper case once read. */
  country_code: countryCode.nullable(),
  mcc: z.string().nullable(),
  mnc: z.string().nullable(),
});
export type OnomondoSimNetwork = z.infer<typeof simNetworkSchema>;

export const dataLimitSchema = z.object({
  used: byteCount.nullable(),
  total: byteCount,
  type: z.string(),
  period: z.string(),
  /** Percentage of `total` at which an alert fires. */
  alert_threshold: z.number().nullable(),
  resets_at: dateTime.nullable(),
});
export type OnomondoDataLimit = z.infer<typeof dataLimitSchema>;

export const technologiesSchema = z.object({
  sms: z.boolean(),
  '2g_3g': z.boolean(),
  '4g': z.boolean(),
});
export type OnomondoTechnologies = z.infer<typeof technologiesSchema>;

export const simSchema = z.object({
  id: z.string(),
  iccid: z.string(),
  imsi: z.string().nullable(),
  msisdn: z.string().nullable(),
  imei: z.string().nullable(),
  label: z.string().nullable(),
  activated: z.boolean(),
  online: z.boolean(),
  online_at: dateTime.nullable(),
  last_came_online_at: dateTime.nullable(),
  ipv4: z.string().nullable(),
  network_whitelist: z.string().nullable(),
  connector: z.string().nullable(),
  network: simNetworkSchema,
  /** Bytes used in the current period (calendar month). */
  usage: byteCount,
  tags: z.array(tagSchema),
  /** Null for a SIM without a data limit. */
  data_limit: dataLimitSchema.nullable(),
  technologies: technologiesSchema,
});
export type OnomondoSim = z.infer<typeof simSchema>;

/**
 * `GET /sims` has two envelopes in the wild: cursor paging (`{pagination, sims}`, live-tested clients) and the doc's
 * older offset paging (`{count, limit, offset, total, sims}`). Both are read. The SIM list is parsed once, beside the
 * union of the paging parts: inside each branch of a union it would be read once per branch tried, and every rejected
 * SIM of an offset-envelope page reported twice (shifting the next page's offset past a good SIM).
 */
export const simsPageSchema = z.object({ sims: tolerantArray('sims', simSchema) }).and(
  z.union([
    z.object({ pagination: paginationSchema }),
    z.object({
      count: z.number().int().nonnegative(),
      limit: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
    }),
  ]),
);
export type OnomondoSimsPage = z.output<typeof simsPageSchema>;

export const tagSearchSchema = z.object({
  count: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  result: tolerantArray('result', tagSchema),
});
export type OnomondoTagSearch = z.infer<typeof tagSearchSchema>;
