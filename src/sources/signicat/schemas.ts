import { z } from 'zod';
import { openEnum, optionalDateTime, tolerantArray } from '../../upstream/tolerant.js';

const isoDate = z.iso.date();

/** `POST /auth/open/connect/token` (OAuth 2.0 client credentials). */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i, 'expected a Bearer token'),
  /** Lifetime in seconds. */
  expires_in: z.number().positive(),
});
export type SignicatTokenResponse = z.infer<typeof tokenResponseSchema>;

/** Error bodies: `application/problem+json` from the APIs, the OAuth `{error, error_description}` from the token endpoint. */
export const errorBodySchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export const usagePeriodSchema = z.enum(['daily', 'monthly', 'quarterly', 'yearly']);
export type SignicatUsagePeriod = z.infer<typeof usagePeriodSchema>;

export const usageLevelSchema = z.enum(['account', 'organization']);
export type SignicatUsageLevel = z.infer<typeof usageLevelSchema>;

/** The states the vendor's .NET SDK names; failed usage is reported but not invoiced. */
export const USAGE_STATES = ['completed', 'started', 'loaded', 'userAborted', 'failed'] as const;
export type SignicatUsageState = (typeof USAGE_STATES)[number];

export const usageItemSchema = z.object({
  /** A double in the vendor's SDK, so not necessarily whole. */
  count: z.number().nonnegative(),
  state: openEnum(USAGE_STATES),
  period: z.object({ start: isoDate, end: isoDate }),
  /** An SRN such as `srn:sue:1:authbroker:nbid:auth:bidbax`. */
  usageType: z.string(),
  unitOfMeasure: z.string().nullable(),
  invoiced: z.boolean(),
  productName: z.string().nullable(),
  organizationId: z.string(),
  /** Null on rows aggregated at organisation level, and where the vendor does not say. */
  accountId: z.string().nullable(),
  /** Present only when `includeExternalReference=true`. */
  externalReference: z.string().nullable().optional(),
});
export type SignicatUsageItem = z.output<typeof usageItemSchema>;
/** A usage row as the vendor writes it (what the simulator serves). */
export type SignicatUsageItemWire = z.input<typeof usageItemSchema>;

/** A paging link; the client reads its `offset` query parameter, so a link must carry a readable one (or none: 0). */
const offsetLinkSchema = z.url().refine((link) => /^\d+$/.test(new URL(link).searchParams.get('offset') ?? '0'), {
  message: 'expected a link whose offset is a non-negative integer',
});

export const usagePageSchema = z.object({
  /** Null, or absent, on the first page. */
  previous: offsetLinkSchema.nullable().optional(),
  /** Ours: the vendor's sample shows only `previous`, so a real answer may lack it. */
  next: offsetLinkSchema.nullable().optional(),
  data: tolerantArray('data', usageItemSchema),
});
export type SignicatUsagePageBody = z.infer<typeof usagePageSchema>;

export const accountOrganizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  entityId: z.string(),
  entityLegalName: z.string(),
  country: z.string(),
});

export const CLOUDS = ['GCP', 'OTC'] as const;

export const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The vendor's own sample account has `""` here: read as not known. */
  createdDate: optionalDateTime,
  lastModifiedDate: optionalDateTime,
  isSandbox: z.boolean(),
  /** Seen: `"EU"`. */
  region: z.string(),
  cloud: openEnum(CLOUDS),
  enabled: z.boolean(),
  isDeleteProtected: z.boolean(),
  organization: accountOrganizationSchema.nullable(),
});
export type SignicatAccount = z.output<typeof accountSchema>;
/** An account as the vendor writes it (what the simulator serves). */
export type SignicatAccountWire = z.input<typeof accountSchema>;

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  entityId: z.string(),
  country: z.string(),
  parentId: z.string().nullable(),
});
export type SignicatOrganization = z.infer<typeof organizationSchema>;

/** Account Management lists: `next` is an opaque page token. */
export const accountListSchema = z.object({ data: tolerantArray('data', accountSchema), next: z.string().nullable() });
export type SignicatAccountListBody = z.infer<typeof accountListSchema>;

export const organizationListSchema = z.object({ data: tolerantArray('data', organizationSchema), next: z.string().nullable() });
export type SignicatOrganizationListBody = z.infer<typeof organizationListSchema>;
