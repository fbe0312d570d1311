import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config.js';
import { log } from './log.js';
import { onShutdown } from './shutdown.js';

function announce(url: string, simulated: readonly string[], workers: number): void {
  console.log(`usage-graph: GraphiQL at ${url}`);
  if (workers > 1) console.log(`  ${workers} worker processes, primary pid ${process.pid}`);
  if (simulated.length > 0) console.log(`  simulated upstreams (demo data): ${simulated.join(', ')}`);
}

try {
  const config = loadConfig();
  // Imported on demand: the cluster primary never loads the schema and the app, only its workers do.
  if (cluster.isPrimary && config.workers > 1) {
    const { runPrimary } = await import('./cluster.js');
    await runPrimary(config, (url, simulated) => announce(url, simulated, config.workers));
  } else {
    const [{ startGateway }, { workerGatewayOptions }] = await Promise.all([import('./gateway.js'), import('./cluster.js')]);
    const gateway = await startGateway(config, cluster.isWorker ? workerGatewayOptions() : {});
    if (cluster.isPrimary) announce(gateway.url, gateway.simulated, 1);
    onShutdown(async () => ((await gateway.shutdown(config.shutdownGraceMs)) ? 0 : 1));
  }
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    log.error('start-up failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
  process.exit(1);
}
