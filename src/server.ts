import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './gateway.js';
import { log } from './log.js';

try {
  const config = loadConfig();
  const gateway = await startGateway(config);
  const simulated = gateway.connected.simulators.map((simulator) => simulator.source);
  console.log(`usage-graph: GraphiQL at ${gateway.url}`);
  if (simulated.length > 0) console.log(`  simulated upstreams (demo data): ${simulated.join(', ')}`);
  const shutdown = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    log.error('start-up failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
  process.exit(1);
}
