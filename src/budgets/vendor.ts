import type { CallBudget } from '../upstream/read-through.js';
import { systemClock, type Clock } from '../upstream/clock.js';
import type { RateLimit, VendorObservation } from './budget.js';
import type { RateBudget } from './rate-budget.js';

/**
 * One credential's budget with one vendor, as the upstream core asks for it: a call waits for a free slot at most
 * `maxWaitMs` (`UPSTREAM_RETRY_AFTER_CAP_MS`), else is refused with how long until one frees up; the vendor's own
 * `x-ratelimit-*` headers keep the count honest.
 */
export class VendorCallBudget implements CallBudget {
  constructor(
    private readonly budget: RateBudget,
    /** The credential's digest: the vendor counts per credential. */
    private readonly identity: string,
    private readonly limit: RateLimit | undefined,
    private readonly maxWaitMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  acquire(signal: AbortSignal) {
    return this.budget.acquire(this.identity, this.maxWaitMs, signal);
  }

  observe(headers: Record<string, string>): void {
    const observation = vendorObservation(headers, this.clock.now(), this.limit);
    // The count is advisory: a Redis hiccup while recording it must not fail the call that carried it.
    if (observation) void this.budget.observe(this.identity, observation).catch(() => undefined);
  }

  /** Calls left now, by the tighter of our count and the vendor's. */
  remaining(): Promise<number | undefined> {
    return this.budget.remaining(this.identity);
  }
}

/**
 * The vendor's word from `x-ratelimit-remaining` and `x-ratelimit-reset` (epoch seconds, or seconds from now when
 * small). A vendor that sends no reset (4me) is taken to reset when our own window would: the cautious guess.
 */
export function vendorObservation(
  headers: Record<string, string>,
  now: number,
  limit: RateLimit | undefined,
): VendorObservation | undefined {
  const remaining = Number(headers['x-ratelimit-remaining']);
  if (headers['x-ratelimit-remaining'] === undefined || !Number.isFinite(remaining) || remaining < 0) return undefined;
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset) && reset > 0) {
    return { remaining, resetAt: reset > 1e9 ? reset * 1000 : now + reset * 1000 };
  }
  return limit === undefined ? undefined : { remaining, resetAt: now + limit.windowMs };
}
