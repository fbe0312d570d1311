import { z } from 'zod';

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

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

export const usageItemSchema = z.object({
  count: z.number().int().nonnegative(),
  /** Seen: `"completed"`. */
  state: z.string(),
  period: z.object({ start: isoDate, end: isoDate }),
  /** An SRN such as `srn:sue:1:authbroker:nbid:auth:bidbax`. */
  usageType: z.string(),
  unitOfMeasure: z.string(),
  invoiced: z.boolean(),
  productName: z.string(),
  organizationId: z.string(),
  /** Null on rows aggregated at organisation level. */
  accountId: z.string().nullable(),
  /** Present only when `includeExternalReference=true`. */
  externalReference: z.string().nullable().optional(),
});
export type SignicatUsageItem = z.infer<typeof usageItemSchema>;

/** A paging link; the client reads its `offset` query parameter, so a link must carry a readable one (or none: 0). */
const offsetLinkSchema = z.url().refine((link) => /^\d+$/.test(new URL(link).searchParams.get('offset') ?? '0'), {
  message: 'expected a link whose offset is a non-negative integer',
});

export const usagePageSchema = z.object({
  previous: offsetLinkSchema.nullable(),
  /** Ours: the vendor's sample shows only `previous`, so a real answer may lack it. */
  next: offsetLinkSchema.nullable().optional(),
  data: z.array(usageItemSchema),
});
export type SignicatUsagePageBody = z.infer<typeof usagePageSchema>;

export const accountOrganizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  entityId: z.string(),
  entityLegalName: z.string(),
  country: z.string(),
});

export const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdDate: isoDateTime,
  lastModifiedDate: isoDateTime,
  isSandbox: z.boolean(),
  /** Seen: `"EU"`. */
  region: z.string(),
  cloud: z.enum(['GCP', 'OTC']),
  enabled: z.boolean(),
  isDeleteProtected: z.boolean(),
  organization: accountOrganizationSchema.nullable(),
});
export type SignicatAccount = z.infer<typeof accountSchema>;

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  entityId: z.string(),
  country: z.string(),
  parentId: z.string().nullable(),
});
export type SignicatOrganization = z.infer<typeof organizationSchema>;

/** Account Management lists: `next` is an opaque page token. */
export const accountListSchema = z.object({ data: z.array(accountSchema), next: z.string().nullable() });
export type SignicatAccountListBody = z.infer<typeof accountListSchema>;

export const organizationListSchema = z.object({ data: z.array(organizationSchema), next: z.string().nullable() });
export type SignicatOrganizationListBody = z.infer<typeof organizationListSchema>;
