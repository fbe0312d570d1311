import { z } from 'zod';
import { openEnum, optionalDateTime, tolerantArray } from '../../upstream/tolerant.js';

const id = z.number().int().positive();

export const PLANS = ['basic', 'premium', 'premium_plus'] as const;
export type FourmePlan = (typeof PLANS)[number];

/** A usage statement as collections list it: the default fields, plus `billable_user_ids` when asked for. */
export const fourmeUsageStatementSchema = z.object({
  id,
  plan: openEnum(PLANS),
  year: z.number().int().min(1970),
  month: z.number().int().min(1).max(12),
  start_date: z.iso.date(),
  end_date: z.iso.date(),
  user_months: z.number().int().nonnegative(),
  billable_user_ids: z.array(id).optional(),
});
export type FourmeUsageStatement = z.output<typeof fourmeUsageStatementSchema>;

/** `GET /account/usage_statements/{id}`: every field, `billable_user_ids` (Person ids) included. */
export const fourmeUsageStatementDetailSchema = fourmeUsageStatementSchema.extend({
  billable_user_ids: z.array(id),
});
export type FourmeUsageStatementDetail = z.output<typeof fourmeUsageStatementDetailSchema>;
/** A statement as the vendor writes it (what the simulator serves). */
export type FourmeUsageStatementWire = z.input<typeof fourmeUsageStatementDetailSchema>;

export const fourmeUsageStatementListSchema = tolerantArray('usage_statements', fourmeUsageStatementSchema);

/** Every field a usage statement request may name in `fields=`. */
export type FourmeUsageStatementField = keyof FourmeUsageStatementWire;

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

/** A person with the fields the graph reads; collections send them only when `fields=` names them. */
export const fourmePersonSchema = z.object({
  id,
  name: z.string(),
  primary_email: z.string(),
  organization: fourmeReferenceSchema,
  site: fourmeReferenceSchema.nullable(),
  disabled: z.boolean(),
  created_at: optionalDateTime,
  updated_at: optionalDateTime,
});
export type FourmePerson = z.output<typeof fourmePersonSchema>;

/** The fields of {@link fourmePersonSchema} other than `id`: what people requests name in `fields=`. */
export const fourmePersonFields = Object.keys(fourmePersonSchema.shape).filter((field) => field !== 'id');

export const fourmePersonListSchema = tolerantArray('people', fourmePersonSchema);

/** 4me's error body; `errors` items are whatever the endpoint reports (strings or `[field, problem]` pairs). */
export const fourmeErrorSchema = z.object({
  message: z.string(),
  errors: z.array(z.unknown()).optional(),
});
export type FourmeError = z.infer<typeof fourmeErrorSchema>;
