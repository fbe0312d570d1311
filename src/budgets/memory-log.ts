import { currentObservation, tighter, type BudgetDecision, type Grant, type RateLimit, type VendorObservation } from './budget.js';

/**
 * The in-process sliding window log: the grants of the last window per key, oldest first, and the vendor's
 * latest word. Exact under concurrency since JavaScript runs one take at a time. Serves alone without Redis,
 * and remembers this process's own grants when Redis decides, for when Redis goes away.
 */
export class MemoryBudgetLog {
  readonly #grants = new Map<string, Grant[]>();
  readonly #vendor = new Map<string, VendorObservation>();

  constructor(private readonly limit: RateLimit | undefined) {}

  take(key: string, grant: Grant): BudgetDecision {
    const retryAfterMs = this.wait(key, grant.at);
    if (retryAfterMs > 0) return { granted: false, retryAfterMs };
    this.record(key, grant);
    return { granted: true };
  }

  /** Counts a call granted elsewhere (by Redis, for every replica) against this process's log too. */
  record(key: string, grant: Grant): void {
    const vendor = this.#vendorNow(key, grant.at);
    if (vendor !== undefined) vendor.remaining -= 1;
    if (this.limit === undefined) return;
    const grants = this.#window(key, grant.at);
    // Answers from Redis may come back out of order: keep the log sorted.
    grants.splice(grants.findLastIndex((earlier) => earlier.at <= grant.at) + 1, 0, grant);
    this.#grants.set(key, grants);
  }

  observe(key: string, observation: VendorObservation, now: number): void {
    if (observation.resetAt <= now) return;
    this.#vendor.set(key, { ...currentObservation(this.#vendorNow(key, now), observation) });
  }

  /** Calls left now by the tighter of our log and the vendor's word; `undefined` when neither limits. */
  remaining(key: string, now: number): number | undefined {
    const own = this.limit === undefined ? undefined : Math.max(0, this.limit.calls - this.#window(key, now).length);
    const vendor = this.#vendorNow(key, now);
    return tighter(own, vendor === undefined ? undefined : Math.max(0, vendor.remaining));
  }

  /** This process's grants within the current window. */
  grants(key: string, now: number): readonly Grant[] {
    return this.#window(key, now);
  }

  /** How long until a call may go out: 0 if now. */
  wait(key: string, now: number): number {
    let wait = 0;
    if (this.limit !== undefined) {
      const grants = this.#window(key, now);
      // The call that must leave the window before another fits: the `calls`-th newest.
      const blocking = grants[grants.length - this.limit.calls];
      if (blocking !== undefined) wait = blocking.at + this.limit.windowMs - now;
    }
    const vendor = this.#vendorNow(key, now);
    if (vendor !== undefined && vendor.remaining <= 0) wait = Math.max(wait, vendor.resetAt - now);
    return wait;
  }

  /** The grants still inside the window ending now; drops the older ones (and the key, once empty). */
  #window(key: string, now: number): Grant[] {
    const grants = this.#grants.get(key) ?? [];
    const cutoff = now - (this.limit?.windowMs ?? 0);
    const firstInside = grants.findIndex((grant) => grant.at > cutoff);
    const inside = firstInside === -1 ? [] : firstInside === 0 ? grants : grants.slice(firstInside);
    if (inside.length === 0) this.#grants.delete(key);
    else if (inside !== grants) this.#grants.set(key, inside);
    return inside;
  }

  #vendorNow(key: string, now: number): VendorObservation | undefined {
    const vendor = this.#vendor.get(key);
    if (vendor === undefined || vendor.resetAt > now) return vendor;
    this.#vendor.delete(key);
    return undefined;
  }
}
