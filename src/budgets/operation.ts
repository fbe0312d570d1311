import { GatewayError } from '../errors.js';
import { ClientRateLimitedError, type ClientAllowance } from './client.js';

/**
 * One operation's allowance of vendor calls (`MAX_OPERATION_UPSTREAM_CALLS`): the same number the planner refused
 * operations above before execution is a hard cap while it runs, so an estimate that fell short cannot turn into a
 * flood. Every attempt counts, retries included: each is a call the vendor meters.
 */
export class OperationBudget {
  #made = 0;

  /** What the planner expected the operation to cost, for `extensions.cost`. */
  estimated = 0;

  constructor(
    /** Calls the operation may make. */
    readonly limit: number,
    /** Also counts the calls, for whoever reads it (the access log). */
    private readonly meter: { upstreamCalls: number } = { upstreamCalls: 0 },
    /** The calling client's per-minute allowance, charged after the operation's own cap. */
    private readonly client?: ClientAllowance,
  ) {}

  /** Calls made so far. */
  get made(): number {
    return this.#made;
  }

  /**
   * Takes one call, or throws (and no call is made) {@link OperationBudgetExceededError} once the operation's limit
   * is reached, or {@link ClientRateLimitedError} once the client's calls for this minute are spent.
   */
  async spend(source: string): Promise<void> {
    if (this.#made >= this.limit) throw new OperationBudgetExceededError(this.limit, source);
    // Counted before the client's answer, so concurrent calls never pass the operation's limit while they wait.
    this.#made += 1;
    const decision = this.client ? await this.client.take() : { granted: true as const };
    if (!decision.granted) {
      this.#made -= 1;
      throw new ClientRateLimitedError(decision.retryAfterMs);
    }
    this.meter.upstreamCalls += 1;
  }
}

/** An operation asked for more vendor calls than it may make: the fields past the cap fail, the rest stands. */
export class OperationBudgetExceededError extends GatewayError {
  readonly code = 'UPSTREAM_CALL_LIMIT_EXCEEDED';
  override name = 'OperationBudgetExceededError';

  constructor(
    readonly limit: number,
    readonly source: string,
  ) {
    super(`this operation reached its limit of ${limit} vendor calls; ask for less (smaller pages, fewer fields) or split it`);
  }
}
