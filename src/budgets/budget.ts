/** A quota: at most `calls` calls in any window of `windowMs`, wherever that window starts. */
export interface RateLimit {
  calls: number;
  windowMs: number;
}

/** What the vendor reported with its latest answer: `remaining` calls until `resetAt` (epoch ms). */
export interface VendorObservation {
  remaining: number;
  resetAt: number;
}

export type BudgetDecision = { granted: true } | { granted: false; retryAfterMs: number };

/** One granted call. Its `id` makes recording it twice (again in Redis, after an outage) count it once. */
export interface Grant {
  at: number;
  id: string;
}

/**
 * Which of two vendor observations holds: the one with the later reset (a new window), and within one window
 * the lower remaining (answers arrive out of order; the vendor only counts down).
 */
export function currentObservation(held: VendorObservation | undefined, next: VendorObservation): VendorObservation {
  if (held === undefined || next.resetAt > held.resetAt) return next;
  return next.resetAt === held.resetAt && next.remaining < held.remaining ? next : held;
}

/** The tighter of our own log's and the vendor's remaining calls; `undefined` when neither limits. */
export function tighter(own: number | undefined, vendor: number | undefined): number | undefined {
  if (own === undefined) return vendor;
  return vendor === undefined ? own : Math.min(own, vendor);
}
