import { ConfigError, loadConfig } from './config.js';
import { startGateway } from './gateway.js';
import { createLogger, type Logger } from './log.js';

let log: Logger | undefined;
try {
  const config = loadConfig();
  log = createLogger(config.log);
  const gateway = await startGateway(config, log);
  const simulated = gateway.connected.simulators.map((simulator) => simulator.source);
  console.log(
    config.browser.graphiql ? `usage-graph: GraphiQL at ${gateway.url}` : `usage-graph: GraphQL at ${gateway.url} (GraphiQL off)`,
  );
  if (simulated.length > 0) console.log(`  simulated upstreams (demo data): ${simulated.join(', ')}`);
  if (config.auth.mode === 'anonymous') {
    log.warn(
      simulated.length === 3
        ? 'no client authentication: anyone who reaches this port reads the demo data (set AUTH_JWT_SECRET or AUTH_JWKS_URL to require tokens)'
        : 'AUTH_MODE=anonymous: no client authentication, anyone who reaches this port reads the configured vendors’ data',
    );
  }
  const shutdown = () => void gateway.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else if (log) log.error({ err: error }, 'start-up failed');
  else console.error(`start-up failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exit(1);
}
