import { randomUUID } from 'node:crypto';
import type { SharedRedis } from '../redis.js';
import { systemClock, type Clock } from '../upstream/clock.js';
import type { BudgetDecision, Grant, RateLimit, VendorObservation } from './budget.js';
import { MemoryBudgetLog } from './memory-log.js';
import { RedisBudgetLog } from './redis-log.js';

export interface RateBudgetOptions {
  /** Namespace of this budget's keys (the integrator names the vendor); opaque here. */
  name: string;
  /** Our own quota; `undefined`: only what the vendor reports (via `observe`) limits calls. */
  limit: RateLimit | undefined;
  /** Shares the budget with every replica on the same Redis; without it, or while it is down, per process. */
  redis?: SharedRedis;
  clock?: Clock;
}

/**
 * Call budgets of one vendor, one per key (a credential): `take()` before each call grants it or says how long
 * to wait, so that no window of the limit's length ever holds more calls than the limit, across all replicas
 * sharing Redis; `observe()` keeps it in step with what the vendor itself reports.
 */
export class RateBudget {
  readonly #name: string;
  readonly #clock: Clock;
  readonly #memory: MemoryBudgetLog;
  readonly #redis: SharedRedis | undefined;
  readonly #shared: RedisBudgetLog | undefined;
  /** Per key: the Redis connection that last saw all of this process's grants. */
  readonly #syncedConnection = new Map<string, number>();
  /** Keys with grants made in this process alone, while Redis was unavailable. */
  readonly #unsynced = new Set<string>();
  readonly #instance = randomUUID();
  #sequence = 0;

  constructor(options: RateBudgetOptions) {
    this.#name = options.name;
    this.#clock = options.clock ?? systemClock;
    this.#memory = new MemoryBudgetLog(options.limit);
    this.#redis = options.redis;
    this.#shared = options.redis === undefined ? undefined : new RedisBudgetLog(options.redis, options.limit);
  }

  /** Asks for one call now. A refusal says how long until one fits (`retryAfterMs`). */
  async take(key: string): Promise<BudgetDecision> {
    const scoped = this.#scoped(key);
    this.#sequence += 1;
    const grant: Grant = { at: this.#clock.now(), id: `${this.#instance}:${this.#sequence}` };
    if (this.#redis !== undefined && this.#shared !== undefined) {
      const connection = this.#redis.connections;
      // After an outage, or when Redis came back empty, it learns this process's recent calls first.
      const stale = this.#unsynced.has(scoped) || this.#syncedConnection.get(scoped) !== connection;
      const answer = await this.#shared.take(scoped, grant, stale ? this.#memory.grants(scoped, grant.at) : []);
      if (answer.available) {
        this.#syncedConnection.set(scoped, connection);
        this.#unsynced.delete(scoped);
        if (answer.value.granted) this.#memory.record(scoped, grant);
        return answer.value;
      }
    }
    const decision = this.#memory.take(scoped, grant);
    if (decision.granted && this.#shared !== undefined) this.#unsynced.add(scoped);
    return decision;
  }

  /**
   * `take`, waiting for a call to fit when that is at most `maxWaitMs` away (`UPSTREAM_RETRY_AFTER_CAP_MS`);
   * a longer wait answers the refusal at once, for the caller to serve stale or fail with `retryAfterMs`.
   */
  async acquire(key: string, maxWaitMs: number, signal?: AbortSignal): Promise<BudgetDecision> {
    const giveUpAt = this.#clock.now() + maxWaitMs;
    for (;;) {
      const decision = await this.take(key);
      if (decision.granted || this.#clock.now() + decision.retryAfterMs > giveUpAt) return decision;
      // Concurrent waiters wake together and take again: the losers wait for the next free call.
      await this.#clock.sleep(decision.retryAfterMs, signal);
    }
  }

  /** The vendor's own count (`x-ratelimit-remaining` / `-reset`): once it is used up, takes wait for its reset. */
  async observe(key: string, observation: VendorObservation): Promise<void> {
    const scoped = this.#scoped(key);
    const now = this.#clock.now();
    this.#memory.observe(scoped, observation, now);
    await this.#shared?.observe(scoped, observation, now);
  }

  /** How long until `take` would grant a call, taking none: 0 when it would now. */
  async wait(key: string): Promise<number> {
    const scoped = this.#scoped(key);
    const now = this.#clock.now();
    const own = this.#memory.wait(scoped, now);
    const shared = await this.#shared?.wait(scoped, now);
    // This process's own grants may not have reached Redis yet (made while it was away): the longer wait holds.
    return shared?.available === true ? Math.max(shared.value, own) : own;
  }

  /** Calls left now, by the tighter of our log and the vendor's word; `undefined` when neither limits. */
  async remaining(key: string): Promise<number | undefined> {
    const scoped = this.#scoped(key);
    const now = this.#clock.now();
    const shared = await this.#shared?.remaining(scoped, now);
    return shared?.available === true ? shared.value : this.#memory.remaining(scoped, now);
  }

  #scoped(key: string): string {
    return `${this.#name}:${key}`;
  }
}
