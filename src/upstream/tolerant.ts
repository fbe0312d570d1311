import { z } from 'zod';

/**
 * Reading vendor answers like a tolerant client: zod still validates every record, but one surprising record never
 * sinks a page of good ones, and values that vary only in form are normalised here, once, for every source.
 */

/** A record a vendor list held that failed validation: left out of the list, reported on its own. */
export interface Rejection {
  /** `sims[3]`: where the record sat in the answer. */
  recordPath: string;
  /** Index of the record in the vendor's list, so positions after it stay right. */
  index: number;
  /** Dotted path of the first offending field inside the record, e.g. `network.country_code`. */
  fieldPath: string;
  message: string;
  /** The record as the vendor sent it, so a caller can still tell whose record it was. */
  raw: unknown;
}

let collected: Rejection[] | undefined;

/** Runs a synchronous parse and gathers the records its {@link tolerantArray}s left out. */
export function collectRejections<T>(parse: () => T): { result: T; rejections: Rejection[] } {
  const outer = collected;
  const rejections: Rejection[] = [];
  collected = rejections;
  try {
    return { result: parse(), rejections };
  } finally {
    collected = outer;
  }
}

/**
 * An array of records where each record is validated on its own: good records are kept (in order), a bad one is
 * left out and reported through {@link collectRejections}. `label` names the list in reports (`sims[3]`).
 */
export function tolerantArray<S extends z.ZodType>(label: string, record: S) {
  return z.array(z.unknown()).transform((raw, context): z.output<S>[] => {
    const rejections = collected;
    if (rejections === undefined) {
      context.addIssue({ code: 'custom', message: `${label}: tolerant list parsed outside collectRejections` });
      return z.NEVER;
    }
    const kept: z.output<S>[] = [];
    raw.forEach((value, index) => {
      const parsed = record.safeParse(value);
      if (parsed.success) {
        kept.push(parsed.data);
        return;
      }
      const issue = parsed.error.issues[0];
      rejections.push({
        recordPath: `${label}[${index}]`,
        index,
        fieldPath: issue ? formatPath(issue.path) : '',
        message: issue?.message ?? 'invalid',
        raw: value,
      });
    });
    return kept;
  });
}

/** `['data', 3, 'count']` → `data[3].count` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

/** A two-letter country code in either case (vendors differ, even within one API), exposed upper case. */
export const countryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 code')
  .transform((code) => code.toUpperCase());

/** An ISO 8601 timestamp, where an empty string (some vendors' "not set") reads as absent. */
export const optionalDateTime = z.union([z.literal('').transform(() => null), z.iso.datetime({ offset: true })]).nullable();

/** A value of a vendor enumeration, kept even when the vendor adds one we do not know yet. */
export interface OpenEnumValue<K extends string> {
  /** The known value, or `null` for one this gateway does not know. */
  known: K | null;
  /** Exactly what the vendor sent. */
  raw: string;
}

/** A vendor enumeration read openly: unknown values are neither rejected nor merged into a known one. */
export function openEnum<const K extends string>(values: readonly K[]) {
  const known = new Set<string>(values);
  return z.string().transform((raw): OpenEnumValue<K> => ({ known: known.has(raw) ? (raw as K) : null, raw }));
}
