import type { Clock } from './clock.js';

export interface BreakerOptions {
  /** Consecutive failed calls that open the circuit. @default 5 */
  failureThreshold: number;
  /** How long an open circuit fails fast before letting one probe through. @default 10000 */
  cooldownMs: number;
}

type State = { kind: 'closed'; failures: number } | { kind: 'open'; until: number } | { kind: 'half-open' };

/**
 * One per upstream: after repeated failures, callers fail fast instead of piling onto a vendor that is down;
 * after the cool-down a single probe decides whether to close again.
 */
export class CircuitBreaker {
  #state: State = { kind: 'closed', failures: 0 };

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {}

  /** Whether a call may go out now. Moving from open to half-open admits exactly one probe. */
  tryAcquire(): boolean {
    const state = this.#state;
    if (state.kind === 'closed') return true;
    if (state.kind === 'half-open') return false;
    if (this.clock.now() < state.until) return false;
    this.#state = { kind: 'half-open' };
    return true;
  }

  onSuccess(): void {
    this.#state = { kind: 'closed', failures: 0 };
  }

  onFailure(): void {
    const state = this.#state;
    const failures = state.kind === 'closed' ? state.failures + 1 : this.options.failureThreshold;
    this.#state =
      failures >= this.options.failureThreshold
        ? { kind: 'open', until: this.clock.now() + this.options.cooldownMs }
        : { kind: 'closed', failures };
  }

  /** A call that neither proved nor disproved health (e.g. a 404) releases a half-open probe slot. */
  onNeutral(): void {
    if (this.#state.kind === 'half-open') this.#state = { kind: 'closed', failures: 0 };
  }

  get isOpen(): boolean {
    return this.#state.kind !== 'closed';
  }
}
