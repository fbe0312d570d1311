import type { Config } from '../config.js';
import type { Simulator } from '../simulator/server.js';
import { sourceDefinitions, sourceNames, type Clients, type SourceName } from './registry.js';
import type { SourceClient, SourceDefinition } from './source.js';

export interface ConnectedSources {
  clients: Clients;
  /** Simulators started in-process for sources the configuration gives no base URL. */
  simulators: Simulator[];
  close(): Promise<void>;
}

/** Builds every vendor's client, starting an embedded simulator (free loopback port, demo credentials) for each unconfigured one. */
export async function connectSources(config: Config): Promise<ConnectedSources> {
  const simulators: Simulator[] = [];
  const connect = async (name: SourceName): Promise<[SourceName, SourceClient]> => {
    const definition: SourceDefinition<unknown, SourceClient, unknown> = sourceDefinitions[name];
    const configured: unknown = config.sources[name];
    let settings = configured;
    if (configured === undefined) {
      const simulator = definition.createSimulator(config.simulator);
      simulators.push(simulator);
      settings = definition.simulatedSettings(await simulator.start());
    }
    return [name, definition.createClient(settings, config.http)];
  };
  // Each entry is its own source's client: the mapped type says what the loop cannot.
  const clients = Object.fromEntries(await Promise.all(sourceNames.map(connect))) as Clients;
  return {
    clients,
    simulators,
    async close() {
      await Promise.all(Object.values<SourceClient>(clients).map((client) => client.close()));
      await Promise.all(simulators.map((simulator) => simulator.stop()));
    },
  };
}
