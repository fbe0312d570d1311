import type { z } from 'zod';
import type { RateLimit } from '../budgets/budget.js';
import type { Simulator } from '../simulator/server.js';
import type { ClientOptions, HttpPolicy } from '../upstream/http.js';
import type { LoaderCall } from './loaders.js';

/** How the embedded simulators are started: seeds anchored to a day, a modelled network distance. */
export interface SimulatorSettings {
  /** Last day of the seeded data, `YYYY-MM-DD`; the real date when unset. */
  today?: string;
  latencyMs: number;
}

/** What a vendor client must offer the gateway beyond its endpoints. */
export interface SourceClient {
  /** Closes the connection pools. */
  close(): Promise<void>;
}

/**
 * Everything the gateway needs to know of one vendor: its environment variables, its simulator, its client and its
 * per-request loaders. A new vendor is a folder with one of these and one line in `sources/index.ts`.
 */
export interface SourceDefinition<Settings, Client extends SourceClient, Loaders> {
  /** The vendor's name in errors, logs and metrics. */
  name: string;
  environment: {
    /** The source's environment variables, validated with the rest of the configuration. */
    variables: z.ZodRawShape;
    /** Setting this variable points the source at the real vendor; unset, the source is simulated. */
    baseUrl: string;
    /** Variables required together with the base URL. */
    credentials: readonly string[];
    /** The settings read from the (validated) environment; called only when the base URL is set. */
    settings(environment: Record<string, unknown>): Settings;
    /** Port of the simulator under `npm run simulate`. */
    simulatorPort: { variable: string; port: number };
    /** Our budget of calls to the vendor per credential, from the source's `…_RATE_LIMIT` variable. */
    rateLimit(environment: Record<string, unknown>): RateLimit | undefined;
  };
  /** The simulator serving the vendor's API with seeded demo data. */
  createSimulator(settings: SimulatorSettings): Simulator;
  /** Settings pointing a client at a started simulator, with its demo credentials. */
  simulatedSettings(url: string): Settings;
  /** The command-line form of the settings for a started simulator (`npm run simulate` prints it). */
  simulatedEnvironment(url: string): Record<string, string>;
  createClient(settings: Settings, policy: HttpPolicy, options?: ClientOptions): Client;
  /** Fresh per-request loaders; every vendor call they make carries `call`, and their batches wait for its rounds. */
  createLoaders(client: Client, call: LoaderCall): Loaders;
}
