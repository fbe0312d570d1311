import type { Config } from './config.js';
import { createHttpServer, graphqlUrl } from './http-server.js';
import { log, setLogLevel } from './log.js';
import { Readiness, type DependencyCheck } from './readiness.js';
import { connectSources, type ConnectedSources } from './sources/connect.js';
import { fourmeSimulatedSettings } from './sources/fourme/simulator.js';
import { onomondoSimulatedSettings } from './sources/onomondo/simulator.js';
import { signicatSimulatedSettings } from './sources/signicat/simulator.js';
import type { SourceName } from './upstream/errors.js';
import { collectUpstreams } from './upstream/http.js';
import { createApp, type App } from './yoga.js';

export interface GatewayOptions {
  /**
   * Simulators another process runs (the cluster primary's), by source: sources the configuration leaves unset use
   * these instead of starting their own.
   */
  simulators?: Partial<Record<SourceName, string>>;
}

export interface Gateway {
  /** `http://host:port/graphql` */
  url: string;
  app: App;
  connected: ConnectedSources;
  /** Sources answered by simulators with demo data (embedded, or the primary's). */
  simulated: SourceName[];
  readiness: Readiness;
  /**
   * The SIGTERM sequence: `/ready` turns 503, the listener closes, requests in flight finish within `graceMs`, then
   * the vendor pools close. Resolves `true` when nothing had to be cut off.
   */
  shutdown(graceMs: number): Promise<boolean>;
  /** Closes at once (tests). */
  close(): Promise<void>;
}

/** Connects the sources, builds the app and listens; `/ready` answers 200 from then on. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  setLogLevel(config.logLevel);
  const shared = options.simulators ?? {};
  const { result: connected, upstreams } = await collectUpstreams(() =>
    connectSources({
      ...config,
      signicat: config.signicat ?? (shared.signicat === undefined ? undefined : signicatSimulatedSettings(shared.signicat)),
      onomondo: config.onomondo ?? (shared.onomondo === undefined ? undefined : onomondoSimulatedSettings(shared.onomondo)),
      fourme: config.fourme ?? (shared.fourme === undefined ? undefined : fourmeSimulatedSettings(shared.fourme)),
    }),
  );
  const simulated = [...connected.simulators.map((simulator) => simulator.source), ...(Object.keys(shared) as SourceName[])];
  // What /ready checks besides the process's own phase. Redis, once configured, adds its ping here.
  const dependencies: DependencyCheck[] = [];
  const readiness = new Readiness({
    upstreams: () => upstreams.map((upstream) => upstream.health),
    simulated: new Set(simulated),
    dependencies,
  });
  const app = createApp(connected.sources, config.paging, config.maxConcurrentOperations, readiness);
  const http = createHttpServer(app, { compressionThresholdBytes: config.compressionThresholdBytes });
  let port: number;
  try {
    ({ port } = await http.listen(config.port, config.host));
  } catch (error) {
    await connected.close();
    throw error;
  }
  readiness.markReady();
  return {
    url: graphqlUrl(config.host, port),
    app,
    connected,
    simulated,
    readiness,
    async shutdown(graceMs) {
      readiness.markDraining();
      const finished = await http.drain(graceMs);
      if (!finished) {
        log.warn('shutdown grace ran out: requests still in flight were cut off', { graceMs });
        // Pools would wait for the vendor calls of the requests just cut off; the process is about to exit anyway.
        return false;
      }
      await connected.close();
      return true;
    },
    async close() {
      await http.close();
      await connected.close();
    },
  };
}
