import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Config } from './config.js';
import type { GatewayOptions } from './gateway.js';
import { graphqlUrl } from './http-server.js';
import type { Logger } from './log.js';
import { SHUTDOWN_MESSAGE, onShutdown } from './shutdown.js';
import { connectSources } from './sources/connect.js';
import { sourceNames, type SourceName } from './sources/registry.js';
import { clusterMetrics } from './telemetry/cluster-metrics.js';
import { startMetricsServer } from './telemetry/metrics-server.js';

/** Where the primary hands its workers what they share (in the environment of `cluster.fork`). */
const SHARED_VARIABLE = 'USAGE_GRAPH_WORKER_SHARE';

const workerShareSchema = z.object({
  simulators: z.partialRecord(z.enum(sourceNames as [SourceName, ...SourceName[]]), z.url()),
  cursorSecret: z.base64().optional(),
});

/** In a cluster worker: the primary's simulators, and its cursor secret when `CURSOR_SECRET` is unset. */
export function workerGatewayOptions(): GatewayOptions {
  const share = workerShareSchema.parse(JSON.parse(process.env[SHARED_VARIABLE] ?? '{"simulators":{}}'));
  return {
    simulators: share.simulators,
    ...(share.cursorSecret ? { cursorSecret: Buffer.from(share.cursorSecret, 'base64') } : {}),
    metricsInPrimary: true,
  };
}

/** A crashing worker is replaced at once, then after a doubling wait, so a crash loop cannot spin. */
const RESTART = { firstDelayMs: 250, maxDelayMs: 15_000, stableAfterMs: 30_000 };
/** How long past the workers' own grace the primary waits before it kills them. */
const GRACE_MARGIN_MS = 2000;

/**
 * The cluster primary under `WORKERS` > 1: starts the simulators of unconfigured sources once (workers share them,
 * as they share one real vendor) and makes one cursor secret when none is configured (so that a cursor from one
 * worker pages on the next), forks the workers onto one port, replaces a worker that dies, and on SIGTERM or SIGINT
 * drains every worker and exits 0 when all of them finished cleanly. It serves no GraphQL requests itself, only
 * `METRICS_PORT`, with the metrics of all its workers added up.
 */
export async function runPrimary(
  config: Config,
  log: Logger,
  onListening: (url: string, simulated: string[], metricsUrl: string | undefined) => void,
): Promise<void> {
  // The primary builds no app: its clients stay unused, its embedded simulators serve every worker.
  const connected = await connectSources(config);
  const simulators = Object.fromEntries(connected.simulators.map((simulator) => [simulator.source, simulator.url]));
  const simulated = connected.simulators.map((simulator) => simulator.source);
  const share: z.input<typeof workerShareSchema> = {
    simulators,
    ...(config.cursorSecret ? {} : { cursorSecret: randomBytes(32).toString('base64') }),
  };
  const environment = { [SHARED_VARIABLE]: JSON.stringify(share) };

  let shuttingDown = false;
  let announced = false;
  let crashes = 0;
  const listening = new Set<Worker>();
  const startedAt = new Map<Worker, number>();
  // Scraped before every worker is up, the sum covers those serving.
  const metrics =
    config.metrics &&
    (await startMetricsServer(
      clusterMetrics(() => listening),
      config.metrics.port,
      config.metrics.host,
      log,
    ));

  const fork = () => {
    const worker = cluster.fork(environment);
    startedAt.set(worker, Date.now());
    worker.once('listening', (address) => {
      listening.add(worker);
      if (!announced && listening.size === config.workers) {
        announced = true;
        onListening(graphqlUrl(config.host, address.port), simulated, metrics?.url);
      }
    });
    worker.once('exit', (code, signal) => {
      listening.delete(worker);
      const lived = Date.now() - (startedAt.get(worker) ?? 0);
      startedAt.delete(worker);
      if (shuttingDown) return;
      if (!announced) {
        // A worker that cannot start (port taken, vendor settings refused) will not start the next time either.
        log.error({ pid: worker.process.pid, code, signal }, 'worker failed to start; stopping');
        void stopAll().then(() => process.exit(1));
        return;
      }
      crashes = lived >= RESTART.stableAfterMs ? 0 : crashes + 1;
      const delayMs = crashes <= 1 ? 0 : Math.min(RESTART.firstDelayMs * 2 ** (crashes - 2), RESTART.maxDelayMs);
      log.warn({ pid: worker.process.pid, code, signal, delayMs }, 'worker exited; replacing it');
      setTimeout(() => shuttingDown || fork(), delayMs);
    });
  };

  /** Drains every worker; resolves whether all of them exited 0 in time. */
  const stopAll = async (): Promise<boolean> => {
    shuttingDown = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    const exits = workers.map((worker) => new Promise<boolean>((resolve) => worker.once('exit', (code) => resolve(code === 0))));
    for (const worker of workers) if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
    const killer = setTimeout(() => workers.forEach((worker) => worker.process.kill('SIGKILL')), config.shutdownGraceMs + GRACE_MARGIN_MS);
    const clean = (await Promise.all(exits)).every(Boolean);
    clearTimeout(killer);
    await connected.close();
    return clean;
  };

  onShutdown(async () => {
    const clean = await stopAll();
    await metrics?.close();
    return clean ? 0 : 1;
  }, log);
  for (let i = 0; i < config.workers; i++) fork();
}
