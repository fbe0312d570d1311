import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../log.js';
import type { UpstreamHealth, UpstreamObserver } from '../upstream/http.js';
import { answerMetricsRequests } from './cluster-metrics.js';
import { GatewayMetrics } from './metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { Tracing, type TracingSettings } from './tracing.js';

export interface TelemetrySettings {
  /** The metrics listener (`METRICS_PORT`, `METRICS_HOST`); `undefined`: no metrics at all. */
  metrics: { port: number; host: string } | undefined;
  /** `undefined`: no traces. */
  tracing: TracingSettings | undefined;
  /** Our own call budget per vendor (calls per window), reported beside what is left of it. */
  budgetLimits: Readonly<Record<string, number | undefined>>;
}

export interface TelemetryOptions {
  /** Live health of every upstream, for the breaker gauge. */
  upstreams: () => readonly UpstreamHealth[];
  /** Operation names are bounded (trusted documents): GraphQL metrics may be labelled with them. */
  operationNames: boolean;
  /** In a cluster worker: the primary serves the metrics of all workers, so this process only answers it. */
  metricsInPrimary: boolean;
}

/**
 * Metrics and traces of one gateway: what observes its vendor calls, the plugins that observe its GraphQL
 * requests, and the metrics listener. Whatever is not configured costs nothing.
 */
export class Telemetry {
  /** Prometheus metrics; `undefined` with `METRICS_PORT=off`. Budgets register their gauges here. */
  readonly metrics: GatewayMetrics | undefined;
  /** Reports every vendor call: given to `collectUpstreams`. `undefined` when neither metrics nor traces are on. */
  readonly upstreamObserver: UpstreamObserver | undefined;
  readonly #tracing: Tracing | undefined;
  readonly #settings: TelemetrySettings;
  readonly #options: TelemetryOptions;
  readonly #log: Logger;
  #server: MetricsServer | undefined;

  constructor(settings: TelemetrySettings, options: TelemetryOptions, log: Logger) {
    this.#settings = settings;
    this.#options = options;
    this.#log = log;
    this.metrics =
      settings.metrics &&
      new GatewayMetrics({ upstreams: options.upstreams, budgetLimits: settings.budgetLimits, operationNames: options.operationNames });
    this.#tracing = settings.tracing && new Tracing(settings.tracing, log);
    this.upstreamObserver = observeUpstreams(this.metrics, this.#tracing);
  }

  /** Plugins for the GraphQL app, to come before all others (the tracing span wraps their work). */
  plugins(graphqlEndpoint: string): Plugin[] {
    return [...(this.#tracing ? [this.#tracing.plugin(graphqlEndpoint)] : []), ...(this.metrics?.plugins() ?? [])];
  }

  /** Fields every log line of a request carries besides its id: its trace, when traced. */
  get logBindings(): ((request: Request) => Record<string, string>) | undefined {
    return this.#tracing?.logBindings;
  }

  /** Serves `/metrics` (or, in a cluster worker, answers the primary); resolves its URL, `undefined` without one. */
  async start(): Promise<string | undefined> {
    const { metrics } = this;
    const listener = this.#settings.metrics;
    if (metrics === undefined || listener === undefined) return undefined;
    if (this.#options.metricsInPrimary) {
      answerMetricsRequests(metrics.registry);
      return undefined;
    }
    this.#server = await startMetricsServer(metrics.registry, listener.port, listener.host, this.#log);
    return this.#server.url;
  }

  /** Closes the metrics listener and sends the spans still waiting. */
  async close(): Promise<void> {
    await Promise.all([this.#server?.close(), this.#tracing?.shutdown()]);
  }
}

/** One observer for both: each call counted in the metrics and traced as a span. */
function observeUpstreams(metrics: GatewayMetrics | undefined, tracing: Tracing | undefined): UpstreamObserver | undefined {
  if (metrics === undefined && tracing === undefined) return undefined;
  return {
    call(source, endpoint) {
      const span = tracing?.call(source, endpoint);
      return {
        headers: () => span?.headers() ?? {},
        attempt(outcome, durationMs) {
          metrics?.recordAttempt(source, endpoint, outcome, durationMs);
          span?.attempt(outcome, durationMs);
        },
        cache(result) {
          metrics?.recordCacheResult(source, result);
          span?.cache(result);
        },
        end(error) {
          span?.end(error);
        },
      };
    },
  };
}
