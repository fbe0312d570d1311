import { randomBytes } from 'node:crypto';
import { VendorAnswerCache } from './cache/answers.js';
import { ReadCache } from './cache/read-cache.js';
import type { Config } from './config.js';
import { createHttpServer, graphqlUrl } from './http-server.js';
import { loadTrustedDocuments } from './http/trusted-documents.js';
import { createLogger, type Logger } from './log.js';
import { Readiness, type DependencyCheck } from './readiness.js';
import { SharedRedis } from './redis.js';
import { schema } from './schema/index.js';
import { CursorCodec } from './schema/paging/cursor.js';
import { connectSources, type ConnectedSources } from './sources/connect.js';
import { sourceDefinitions, type SourceName, type SourceSettings } from './sources/registry.js';
import { Telemetry } from './telemetry/telemetry.js';
import { collectUpstreams, type Upstream } from './upstream/http.js';
import { createApp, type App } from './yoga.js';

/** What a cluster worker gets from its primary, so that every worker behaves as one gateway. */
export interface GatewayOptions {
  /** The primary's simulators, by source: sources the configuration leaves unset use these instead of their own. */
  simulators?: Partial<Record<SourceName, string>>;
  /** Signs cursors when `CURSOR_SECRET` is unset, so that a cursor from one worker pages on every other. */
  cursorSecret?: Buffer;
  /** The primary serves the metrics of every worker: this process answers it instead of listening on `METRICS_PORT`. */
  metricsInPrimary?: boolean;
}

export interface Gateway {
  /** `http://host:port/graphql` */
  url: string;
  /** `http://host:port/metrics` on the metrics listener; `undefined` when off or served by the cluster primary. */
  metricsUrl: string | undefined;
  app: App;
  connected: ConnectedSources;
  /** Sources answered by simulators with demo data (embedded, or the primary's). */
  simulated: string[];
  /** The process logger. */
  log: Logger;
  /**
   * The SIGTERM sequence: `/ready` turns 503, the listener closes, requests in flight finish within `graceMs`, then
   * the vendor pools close. Resolves `true` when nothing had to be cut off.
   */
  shutdown(graceMs: number): Promise<boolean>;
  /** Closes at once (tests). */
  close(): Promise<void>;
}

/** Connects the sources, builds the app and listens; `/ready` answers 200 from then on. */
export async function startGateway(config: Config, options: GatewayOptions = {}, log: Logger = createLogger(config.log)): Promise<Gateway> {
  const trustedDocuments = config.trustedDocuments === undefined ? undefined : await loadTrustedDocuments(config.trustedDocuments, schema);
  const shared = options.simulators ?? {};
  const redis = config.redis && new SharedRedis({ url: config.redis.url, commandTimeoutMs: config.redis.commandTimeoutMs, logger: log });
  const cache = config.cache.enabled
    ? new VendorAnswerCache(new ReadCache({ maxBytes: config.cache.maxBytes, ...(redis ? { redis } : {}) }), config.cache.ttl)
    : undefined;
  let upstreams: Upstream[] = [];
  const telemetry = new Telemetry(
    { metrics: config.metrics, tracing: config.tracing, budgetLimits: budgetLimits(config) },
    {
      upstreams: () => upstreams.map((upstream) => upstream.health),
      operationNames: trustedDocuments !== undefined,
      metricsInPrimary: options.metricsInPrimary ?? false,
    },
    log,
  );
  const collected = await collectUpstreams(
    () => connectSources({ ...config, sources: withSimulators(config.sources, shared) }, { cache, redis }),
    telemetry.upstreamObserver,
  );
  const connected = collected.result;
  upstreams = collected.upstreams;
  for (const budget of connected.budgets) telemetry.metrics?.registerBudgetGauge(budget.source, () => budget.remaining());
  const simulated = [...connected.simulators.map((simulator) => simulator.source), ...Object.keys(shared)];
  // What /ready checks besides the process's own phase: Redis is reported, never required (each process can go on alone).
  const dependencies: DependencyCheck[] = redis ? [{ name: 'redis', required: false, check: () => redisAnswers(redis) }] : [];
  const readiness = new Readiness({
    upstreams: () => upstreams.map((upstream) => upstream.health),
    simulated: new Set(simulated),
    dependencies,
  });
  // Without a configured secret, cursors are signed with one of this process's own: valid until it restarts.
  const cursors = new CursorCodec(config.cursorSecret ?? options.cursorSecret ?? randomBytes(32));
  const app = createApp(connected.clients, config, {
    log,
    paging: { limits: config.paging, cursors },
    trustedDocuments,
    readiness,
    ...(redis ? { redis } : {}),
    telemetry,
  });
  const http = createHttpServer(app, { compressionThresholdBytes: config.compressionThresholdBytes });
  let port: number;
  let metricsUrl: string | undefined;
  try {
    ({ port } = await http.listen(config.port, config.host));
    metricsUrl = await telemetry.start();
  } catch (error) {
    await http.close();
    await Promise.all([connected.close(), telemetry.close()]);
    redis?.close();
    throw error;
  }
  readiness.markReady();
  return {
    url: graphqlUrl(config.host, port),
    metricsUrl,
    app,
    connected,
    simulated,
    log,
    async shutdown(graceMs) {
      readiness.markDraining();
      const finished = await http.drain(graceMs);
      if (!finished) {
        log.warn({ graceMs }, 'shutdown grace ran out: requests still in flight were cut off');
        // Pools would wait for the vendor calls of the requests just cut off; the process is about to exit anyway.
        return false;
      }
      await Promise.all([connected.close(), telemetry.close()]);
      redis?.close();
      return true;
    },
    async close() {
      await http.close();
      await Promise.all([connected.close(), telemetry.close()]);
      redis?.close();
    },
  };
}

async function redisAnswers(redis: SharedRedis): Promise<void> {
  if (!(await redis.ping())) throw new Error('unreachable: the cache, single flight and budgets are per process until it is back');
}

/** Our own call budget per vendor, in calls per window. */
function budgetLimits(config: Config): Record<string, number | undefined> {
  return Object.fromEntries(Object.entries(config.rateLimits).map(([source, limit]) => [source, limit?.calls]));
}

/** The configured sources, plus the shared simulators' settings for those left unset. */
function withSimulators(configured: SourceSettings, simulators: Partial<Record<SourceName, string>>): SourceSettings {
  const sources: Record<string, unknown> = { ...configured };
  for (const [name, url] of Object.entries(simulators) as [SourceName, string][]) {
    sources[name] ??= sourceDefinitions[name].simulatedSettings(url);
  }
  // Each entry is its own source's settings: the mapped type says what the loop cannot.
  return sources as SourceSettings;
}
