import type { OpenEnumValue } from '../upstream/tolerant.js';
import { builder } from './builder.js';

/** The internal value of every vendor enum's `UNKNOWN`: a value the vendor sent that this gateway does not know yet. */
export const UNKNOWN = '\0unknown';

/**
 * A closed set from a vendor, kept open for what the vendor adds later: its known values plus `UNKNOWN`, with the raw
 * value exposed beside it (the field named by {@link vendorValueField}), so nothing is rejected or silently merged.
 */
export function vendorEnum<const K extends string>(
  name: string,
  description: string,
  values: Record<string, { value: K; description: string }>,
) {
  return builder.enumType(name, {
    description,
    values: {
      ...values,
      UNKNOWN: { value: UNKNOWN, description: 'A value the vendor sent that this gateway does not know yet; the raw value is beside it.' },
    } as Record<string, { value: K | typeof UNKNOWN; description: string }>,
  });
}

/** The enum value for what the vendor sent. */
export function enumValue<K extends string>(value: OpenEnumValue<K>): K | typeof UNKNOWN {
  return value.known ?? UNKNOWN;
}
