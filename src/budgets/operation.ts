import { GatewayError } from '../errors.js';

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
  ) {}

  /** Calls made so far. */
  get made(): number {
    return this.#made;
  }

  /** Takes one call, or throws {@link OperationBudgetExceededError} (no call is made) once the limit is reached. */
  spend(source: string): void {
    if (this.#made >= this.limit) throw new OperationBudgetExceededError(this.limit, source);
    this.#made += 1;
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
