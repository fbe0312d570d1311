import { z } from 'zod';

const id = z.number().int().positive();

export const fourmePlanSchema = z.enum(['basic', 'premium', 'premium_plus']);
export type FourmePlan = z.infer<typeof fourmePlanSchema>;

/** A usage statement as collections list it: the default fields, plus `billable_user_ids` when asked for. */
export const fourmeUsageStatementSchema = z.object({
  id,
  plan: fourmePlanSchema,
  year: z.number().int().min(1970),
  month: z.number().int().min(1).max(12),
  start_date: z.iso.date(),
  end_date: z.iso.date(),
  user_months: z.number().int().nonnegative(),
  billable_user_ids: z.array(id).optional(),
});
export type FourmeUsageStatement = z.infer<typeof fourmeUsageStatementSchema>;

/** `GET /account/usage_statements/{id}`: every field, `billable_user_ids` (Person ids) included. */
export const fourmeUsageStatementDetailSchema = fourmeUsageStatementSchema.extend({
  billable_user_ids: z.array(id),
});
export type FourmeUsageStatementDetail = z.infer<typeof fourmeUsageStatementDetailSchema>;

export const fourmeUsageStatementListSchema = z.array(fourmeUsageStatementSchema);

/** Every field a usage statement request may name in `fields=`. */
export type FourmeUsageStatementField = keyof FourmeUsageStatementDetail;

/** The fields 4me puts in a usage statement collection when `fields=` is absent. */
export const fourmeUsageStatementDefaultFields = [
  'id',
  'plan',
  'year',
  'month',
  'start_date',
  'end_date',
  'user_months',
] as const satisfies readonly FourmeUsageStatementField[];

export const fourmeReferenceSchema = z.object({ id, name: z.string() });
export type FourmeReference = z.infer<typeof fourmeReferenceSchema>;

export const fourmePersonSchema = z.object({
  id,
  name: z.string(),
  primary_email: z.string(),
  organization: fourmeReferenceSchema,
  site: fourmeReferenceSchema.nullable(),
  disabled: z.boolean(),
  created_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});
export type FourmePerson = z.infer<typeof fourmePersonSchema>;

export const fourmePersonListSchema = z.array(fourmePersonSchema);

/** 4me's error body; `errors` items are whatever the endpoint reports (strings or `[field, problem]` pairs). */
export const fourmeErrorSchema = z.object({
  message: z.string(),
  errors: z.array(z.unknown()).optional(),
});
export type FourmeError = z.infer<typeof fourmeErrorSchema>;
