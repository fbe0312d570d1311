import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors.js';
import type { SharedRedis } from '../redis.js';
import type { BudgetDecision } from './budget.js';
import { RateBudget } from './rate-budget.js';

const MINUTE_MS = 60_000;

/** One client's allowance while its operation runs: asked once per vendor call. */
export interface ClientAllowance {
  take(): Promise<BudgetDecision>;
}

/**
 * Vendor calls per client per minute (`MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE`), so that no client spends the
 * vendors' quotas that every other client shares. A client is the token's subject, or the address of an anonymous
 * caller. Cache hits cost nothing: only calls that reach a vendor count. Shared by every replica on the same Redis.
 */
export class ClientBudget {
  readonly #budget: RateBudget;

  constructor(callsPerMinute: number, redis?: SharedRedis) {
    this.#budget = new RateBudget({
      name: 'client',
      limit: { calls: callsPerMinute, windowMs: MINUTE_MS },
      ...(redis === undefined ? {} : { redis }),
    });
  }

  /** How long until the client may make a vendor call again: 0 while it has calls left this minute. */
  wait(client: string): Promise<number> {
    return this.#budget.wait(client);
  }

  allowance(client: string): ClientAllowance {
    return { take: () => this.#budget.take(client) };
  }
}

/** The client spent its vendor calls for this minute: the fields that needed another fail, the rest stands. */
export class ClientRateLimitedError extends GatewayError {
  readonly code = 'CLIENT_RATE_LIMITED';
  override name = 'ClientRateLimitedError';

  constructor(readonly retryAfterMs: number) {
    super(`this client has used its vendor calls for this minute; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
  }

  override get details(): Record<string, number> {
    return { retryAfterMs: this.retryAfterMs };
  }
}

/**
 * Refuses, before it runs, an operation that needs vendor calls (by the planner's estimate) from a client with none
 * left this minute: HTTP 429 with `Retry-After` and `CLIENT_RATE_LIMITED`, and no vendor call.
 */
export function useClientBudget(budget: ClientBudget): Plugin<{ client: string; budget: { estimated: number } }> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      if (args.contextValue.budget.estimated === 0) return;
      const retryAfterMs = await budget.wait(args.contextValue.client);
      if (retryAfterMs <= 0) return;
      const refused = new ClientRateLimitedError(retryAfterMs);
      setResultAndStopExecution({
        errors: [
          createGraphQLError(refused.message, {
            extensions: {
              code: refused.code,
              ...refused.details,
              http: { status: 429, headers: { 'Retry-After': String(Math.ceil(retryAfterMs / 1000)) } },
            },
          }),
        ],
      });
    },
  };
}
