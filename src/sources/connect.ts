import { credentialId } from '../cache/key.js';
import { RateBudget } from '../budgets/rate-budget.js';
import { VendorCallBudget } from '../budgets/vendor.js';
import type { Config } from '../config.js';
import type { SharedRedis } from '../redis.js';
import type { Simulator } from '../simulator/server.js';
import type { SharedServices } from '../upstream/http.js';
import type { AnswerCache } from '../upstream/read-through.js';
import { sourceDefinitions, sourceNames, type Clients, type SourceName } from './registry.js';
import type { SourceClient, SourceDefinition } from './source.js';

/** What every vendor's upstreams share: the read cache (when on), and Redis for budgets across replicas. */
export interface SharedState {
  cache?: AnswerCache | undefined;
  redis?: SharedRedis | undefined;
}

/** One credential's budget with one vendor, as metrics and `/ready` read it. */
export interface VendorBudgetView {
  source: SourceName;
  remaining(): Promise<number | undefined>;
}

export interface ConnectedSources {
  clients: Clients;
  /** Simulators started in-process for sources the configuration gives no base URL. */
  simulators: Simulator[];
  /** The call budget of every credential in use. */
  budgets: VendorBudgetView[];
  close(): Promise<void>;
}

/** Builds every vendor's client, starting an embedded simulator (free loopback port, demo credentials) for each unconfigured one. */
export async function connectSources(config: Config, shared: SharedState = {}): Promise<ConnectedSources> {
  const simulators: Simulator[] = [];
  const budgets: VendorBudgetView[] = [];
  const connect = async (name: SourceName): Promise<[SourceName, SourceClient]> => {
    const definition: SourceDefinition<unknown, SourceClient, unknown> = sourceDefinitions[name];
    const configured: unknown = config.sources[name];
    let settings = configured;
    if (configured === undefined) {
      const simulator = definition.createSimulator(config.simulator);
      simulators.push(simulator);
      settings = definition.simulatedSettings(await simulator.start());
    }
    const limit = config.rateLimits[name];
    const rateBudget = new RateBudget({ name, limit, ...(shared.redis ? { redis: shared.redis } : {}) });
    const sharing = (credential: string): SharedServices => {
      const identity = credentialId(credential);
      const budget = new VendorCallBudget(rateBudget, identity, limit, config.http.retryAfterCapMs);
      budgets.push({ source: name, remaining: () => budget.remaining() });
      return { identity, budget, ...(shared.cache ? { cache: shared.cache } : {}) };
    };
    return [name, definition.createClient(settings, config.http, { sharing })];
  };
  // Each entry is its own source's client: the mapped type says what the loop cannot.
  const clients = Object.fromEntries(await Promise.all(sourceNames.map(connect))) as Clients;
  return {
    clients,
    simulators,
    budgets,
    async close() {
      await Promise.all(Object.values<SourceClient>(clients).map((client) => client.close()));
      await Promise.all(simulators.map((simulator) => simulator.stop()));
    },
  };
}
