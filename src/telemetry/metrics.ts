import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptOutcome, UpstreamHealth } from '../upstream/http.js';
import type { CacheStatus } from '../upstream/read-through.js';

/** Calls left in a vendor's budget right now; `undefined` when it cannot tell (its source has no budget). */
export type BudgetReader = () => Promise<number | undefined> | number | undefined;

export interface MetricsOptions {
  /** Live health of every upstream, read at each scrape for `upstream_breaker_open`. */
  upstreams: () => readonly UpstreamHealth[];
  /** Our own call budget per vendor (calls per window), reported as `upstream_budget_limit`. */
  budgetLimits: Readonly<Record<string, number | undefined>>;
  /**
   * Label GraphQL metrics with the operation's name. Clients choose names, so only where they are bounded: with
   * trusted documents. @default false
   */
  operationNames?: boolean;
}

/**
 * Refusals of a whole operation before it ran, by the `extensions.code` they answer with: authentication, request
 * and document limits, cost and budgets. A field failing while an operation runs is not a refusal.
 */
export const REFUSAL_CODES: ReadonlySet<string> = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'AUTH_UNAVAILABLE',
  'REQUEST_ENTITY_TOO_LARGE',
  'DEPTH_LIMIT_EXCEEDED',
  'ALIAS_LIMIT_EXCEEDED',
  'TOKEN_LIMIT_EXCEEDED',
  'DIRECTIVE_LIMIT_EXCEEDED',
  'UPSTREAM_CALL_LIMIT_EXCEEDED',
  'RESULT_SIZE_LIMIT_EXCEEDED',
  'LIST_LIMIT_EXCEEDED',
  'CLIENT_RATE_LIMITED',
  'TRUSTED_DOCUMENT_REQUIRED',
  'TRUSTED_DOCUMENT_NOT_FOUND',
]);

/** Vendor answers take milliseconds to the deadline's seconds. */
const UPSTREAM_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

/**
 * The gateway's Prometheus metrics, in a registry of its own: GraphQL phases (the Yoga Prometheus plugin), the
 * process (prom-client's defaults), vendor calls, cache answers, budgets, breakers and refused operations. Gauges
 * say how the cluster primary aggregates them over workers (`aggregator`).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #options: MetricsOptions;
  readonly #budgets = new Map<string, BudgetReader>();
  readonly #upstreamRequests: Counter<'source' | 'endpoint' | 'status'>;
  readonly #upstreamDuration: Histogram<'source' | 'endpoint'>;
  readonly #cacheRequests: Counter<'source' | 'result'>;
  readonly #refused: Counter<'reason'>;

  constructor(options: MetricsOptions) {
    this.#options = options;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#upstreamRequests = new Counter({
      name: 'upstream_requests_total',
      help: 'Attempts of vendor calls, retries included, by HTTP status or failure (timeout, network, cancelled, error).',
      labelNames: ['source', 'endpoint', 'status'],
      registers,
    });
    this.#upstreamDuration = new Histogram({
      name: 'upstream_request_duration_seconds',
      help: 'Time of one attempt of a vendor call, from sending to the end of the answer body (or the failure).',
      labelNames: ['source', 'endpoint'],
      buckets: UPSTREAM_DURATION_BUCKETS,
      registers,
    });
    this.#cacheRequests = new Counter({
      name: 'upstream_cache_requests_total',
      help: 'Vendor reads answered by the read cache (hit, stale) or sent on to the vendor (miss).',
      labelNames: ['source', 'result'],
      registers,
    });
    this.#refused = new Counter({
      name: 'graphql_operations_refused_total',
      help: 'Operations refused before they ran, by the extensions.code of the refusal.',
      labelNames: ['reason'],
      registers,
    });
    const budgets = this.#budgets;
    new Gauge({
      name: 'upstream_budget_remaining',
      help: 'Vendor calls left in our budget for the vendor right now (the tighter of our own count and that of the vendor).',
      labelNames: ['source'],
      registers,
      // Budgets shared through Redis read alike in every worker; per-process ones are as tight as the tightest.
      aggregator: 'min',
      async collect() {
        this.reset();
        await Promise.all(
          [...budgets].map(async ([source, read]) => {
            const remaining = await Promise.resolve()
              .then(read)
              .catch(() => undefined);
            if (remaining !== undefined) this.set({ source }, remaining);
          }),
        );
      },
    });
    const limits = Object.entries(options.budgetLimits).filter((entry): entry is [string, number] => entry[1] !== undefined);
    new Gauge({
      name: 'upstream_budget_limit',
      help: 'Vendor calls our budget for the vendor allows per window (its *_RATE_LIMIT).',
      labelNames: ['source'],
      registers,
      aggregator: 'max',
      collect() {
        for (const [source, calls] of limits) this.set({ source }, calls);
      },
    });
    const upstreams = options.upstreams;
    new Gauge({
      name: 'upstream_breaker_open',
      help: '1 while any circuit breaker of the vendor fails calls fast (in any worker), else 0.',
      labelNames: ['source'],
      registers,
      aggregator: 'max',
      collect() {
        const open = new Map<string, boolean>();
        for (const health of upstreams()) open.set(health.source, (open.get(health.source) ?? false) || health.breakerOpen);
        for (const [source, isOpen] of open) this.set({ source }, isOpen ? 1 : 0);
      },
    });
  }

  /** Counts one attempt of a vendor call and its duration. */
  recordAttempt(source: string, endpoint: string, outcome: AttemptOutcome, durationMs: number): void {
    this.#upstreamRequests.inc({ source, endpoint, status: String(outcome) });
    this.#upstreamDuration.observe({ source, endpoint }, durationMs / 1000);
  }

  /** Counts one answer of the read cache for a read of `source`. */
  recordCacheResult(source: string, result: CacheStatus): void {
    this.#cacheRequests.inc({ source, result });
  }

  /**
   * Reports `source`'s budget as `upstream_budget_remaining`: `remaining` is asked at every scrape (a failure or
   * `undefined` leaves the sample out). A second registration for a source replaces the first.
   */
  registerBudgetGauge(source: string, remaining: BudgetReader): void {
    this.#budgets.set(source, remaining);
  }

  /** The Yoga Prometheus plugin's GraphQL metrics on this registry (no endpoint of its own), and refused operations. */
  plugins(): Plugin[] {
    const prometheus = usePrometheus({
      registry: this.registry,
      endpoint: false,
      metrics: {
        // Summaries cannot be added up over workers; the duration histogram says the same.
        graphql_envelop_request_time_summary: false,
        graphql_envelop_schema_change: false,
      },
      // Raw URLs and error paths (list indices) would make a series per request.
      labels: { operationName: this.#options.operationNames ?? false, url: false, path: false },
    });
    return [prometheus, useRefusalCount(this.#refused)];
  }
}

/**
 * Counts refused operations by reason, from the code of the answer's error: every refusing plugin's answer passes
 * through here, so none of them counts itself. The body limit answers before Yoga processes any result: its 413
 * alone is known by status.
 */
function useRefusalCount(counter: Counter<'reason'>): Plugin {
  const reasons = new WeakMap<Request, string>();
  return {
    onResultProcess({ request, result }) {
      const reason = refusalReason(result);
      if (reason !== undefined) reasons.set(request, reason);
    },
    onResponse({ request, response }) {
      const reason = reasons.get(request) ?? (response.status === 413 ? 'REQUEST_ENTITY_TOO_LARGE' : undefined);
      if (reason !== undefined) counter.inc({ reason });
    },
  };
}

/** The refusal code of an answer without data (refused before execution), if it is one. */
function refusalReason(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || Symbol.asyncIterator in result) return undefined;
  // Execution always answers `data`, null when a non-null root field failed: only refusals answer none.
  if ('data' in result && result.data !== undefined) return undefined;
  const { errors } = result as { errors?: readonly { extensions?: Record<string, unknown> }[] };
  for (const error of errors ?? []) {
    const code = error.extensions?.['code'];
    if (typeof code === 'string' && REFUSAL_CODES.has(code)) return code;
  }
  return undefined;
}
