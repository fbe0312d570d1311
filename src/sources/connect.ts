import type { Config } from '../config.js';
import type { Sources } from '../schema/context.js';
import type { Simulator } from '../simulator/server.js';
import { createFourmeClient } from './fourme/client.js';
import { createFourmeSimulator, fourmeSimulatedSettings } from './fourme/simulator.js';
import { createOnomondoClient } from './onomondo/client.js';
import { createOnomondoSimulator, onomondoSimulatedSettings } from './onomondo/simulator.js';
import { createSignicatClient } from './signicat/client.js';
import { createSignicatSimulator, signicatSimulatedSettings } from './signicat/simulator.js';

export interface ConnectedSources {
  sources: Sources;
  /** Simulators started in-process for sources the configuration gives no base URL. */
  simulators: Simulator[];
  close(): Promise<void>;
}

/** Builds the three clients, starting an embedded simulator (free loopback port, demo credentials) for each unconfigured source. */
export async function connectSources(config: Config): Promise<ConnectedSources> {
  const simulators: Simulator[] = [];
  const simulatorOptions = { latencyMs: config.simulator.latencyMs, ...(config.simulator.today ? { today: config.simulator.today } : {}) };
  const embedded = async <S>(simulator: Simulator, settingsFor: (url: string) => S): Promise<S> => {
    simulators.push(simulator);
    return settingsFor(await simulator.start());
  };

  const [signicat, onomondo, fourme] = await Promise.all([
    config.signicat ?? embedded(createSignicatSimulator(simulatorOptions), signicatSimulatedSettings),
    config.onomondo ?? embedded(createOnomondoSimulator(simulatorOptions), onomondoSimulatedSettings),
    config.fourme ?? embedded(createFourmeSimulator(simulatorOptions), fourmeSimulatedSettings),
  ]);
  const sources: Sources = {
    signicat: createSignicatClient(signicat, config.http),
    onomondo: createOnomondoClient(onomondo, config.http),
    fourme: createFourmeClient(fourme, config.http),
  };
  return {
    sources,
    simulators,
    async close() {
      await Promise.all([sources.signicat.close(), sources.onomondo.close(), sources.fourme.close()]);
      await Promise.all(simulators.map((simulator) => simulator.stop()));
    },
  };
}
