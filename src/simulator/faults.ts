import { z } from 'zod';

/** A failure a simulator is told to produce, for tests and for frontends that want to see errors. */
export const faultSchema = z.object({
  /** Only requests whose path matches this regular expression; every request when omitted. */
  path: z.string().refine(isRegExp, 'not a valid regular expression').optional(),
  method: z.enum(['GET', 'POST']).optional(),
  /** How many matching requests it affects; every matching request until reset when omitted. */
  count: z.number().int().positive().optional(),
  /** Answer with this status in the vendor's error format instead of the real answer. */
  status: z.number().int().min(400).max(599).optional(),
  /** `Retry-After` header sent with `status` (seconds, or an HTTP date). */
  retryAfter: z.union([z.number().nonnegative(), z.string()]).optional(),
  /** Hold the answer back this long first. */
  delayMs: z.number().int().nonnegative().optional(),
  /** `malformed`: a 200 whose body is cut-off JSON; `schema`: the real body with one field of the wrong type. */
  body: z.enum(['malformed', 'schema']).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

// Checked in the schema, so a control request with several faults is refused whole rather than half applied.
function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

interface ActiveFault {
  fault: Fault;
  pattern: RegExp | undefined;
  remaining: number;
}

export class FaultPlan {
  #active: ActiveFault[] = [];

  add(fault: Fault): void {
    this.#active.push({
      fault,
      pattern: fault.path === undefined ? undefined : new RegExp(fault.path),
      remaining: fault.count ?? Number.POSITIVE_INFINITY,
    });
  }

  /** The first fault that applies to this request, consuming one of its uses. */
  take(method: string, path: string): Fault | undefined {
    const active = this.#active.find(
      (entry) =>
        entry.remaining > 0 &&
        (entry.fault.method === undefined || entry.fault.method === method) &&
        (entry.pattern === undefined || entry.pattern.test(path)),
    );
    if (!active) return undefined;
    active.remaining -= 1;
    this.#active = this.#active.filter((entry) => entry.remaining > 0);
    return active.fault;
  }

  clear(): void {
    this.#active = [];
  }
}

/**
 * Gives the first scalar inside the first record a value of the wrong type, so the client's schema must
 * reject it and name that field's path.
 */
export function breakSchema(body: unknown): unknown {
  const copy: unknown = structuredClone(body);
  const visit = (value: unknown, depth: number): boolean => {
    if (Array.isArray(value)) return value.some((item) => visit(item, depth + 1));
    if (typeof value !== 'object' || value === null) return false;
    const record = value as Record<string, unknown>;
    for (const [key, field] of Object.entries(record)) {
      if (depth >= 1 && field !== null && typeof field !== 'object') {
        record[key] = typeof field === 'number' ? 'not-a-number' : typeof field === 'string' ? 12345 : 'not-a-boolean';
        return true;
      }
    }
    return Object.values(record).some((field) => visit(field, depth + 1));
  };
  if (!visit(copy, 0) && typeof copy === 'object' && copy !== null) {
    // A flat record: break its first scalar.
    const record = copy as Record<string, unknown>;
    const key = Object.keys(record).find((name) => record[name] !== null && typeof record[name] !== 'object');
    if (key !== undefined) record[key] = typeof record[key] === 'number' ? 'not-a-number' : 12345;
  }
  return copy;
}
