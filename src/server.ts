import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { onShutdown } from './shutdown.js';

function announce(
  config: Config,
  log: Logger,
  url: string,
  simulated: readonly string[],
  workers: number,
  metricsUrl: string | undefined,
): void {
  console.log(config.browser.graphiql ? `usage-graph: GraphiQL at ${url}` : `usage-graph: GraphQL at ${url} (GraphiQL off)`);
  if (workers > 1) console.log(`  ${workers} worker processes, primary pid ${process.pid}`);
  if (metricsUrl !== undefined) console.log(`  Prometheus metrics at ${metricsUrl}`);
  if (simulated.length > 0) console.log(`  simulated upstreams (demo data): ${simulated.join(', ')}`);
  if (config.auth.mode === 'anonymous') {
    log.warn(
      Object.keys(config.sources).length === 0
        ? 'no client authentication: anyone who reaches this port reads the demo data (set AUTH_JWT_SECRET or AUTH_JWKS_URL to require tokens)'
        : 'AUTH_MODE=anonymous: no client authentication, anyone who reaches this port reads the configured vendors’ data',
    );
  }
}

let log: Logger | undefined;
try {
  const config = loadConfig();
  const logger = createLogger(config.log);
  log = logger;
  // Imported on demand: the cluster primary never loads the schema and the app, only its workers do.
  if (cluster.isPrimary && config.workers > 1) {
    const { runPrimary } = await import('./cluster.js');
    await runPrimary(config, logger, (url, simulated, metricsUrl) => announce(config, logger, url, simulated, config.workers, metricsUrl));
  } else {
    const [{ startGateway }, { workerGatewayOptions }] = await Promise.all([import('./gateway.js'), import('./cluster.js')]);
    const gateway = await startGateway(config, cluster.isWorker ? workerGatewayOptions() : {}, logger);
    if (cluster.isPrimary) announce(config, logger, gateway.url, gateway.simulated, 1, gateway.metricsUrl);
    onShutdown(async () => ((await gateway.shutdown(config.shutdownGraceMs)) ? 0 : 1), logger);
  }
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else if (log) log.error({ err: error }, 'start-up failed');
  else console.error(`start-up failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exit(1);
}
