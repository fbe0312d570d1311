import { z } from 'zod';
import { env } from '../../env.js';
import type { SourceDefinition } from '../source.js';
import { createOnomondoClient, type OnomondoClient } from './client.js';
import { createOnomondoLoaders, type OnomondoLoaders } from './loaders.js';
import { createOnomondoSimulator, onomondoDemoCredentials, onomondoSimulatedSettings } from './simulator.js';

export interface OnomondoSettings {
  baseUrl: string;
  apiKey: string;
}

const variables = {
  ONOMONDO_BASE_URL: env.url.optional(),
  ONOMONDO_API_KEY: env.secret.optional(),
  ONOMONDO_SIMULATOR_PORT: env.port(4102),
  /** Our share of the vendor's published quota: never more in any window of that length. */
  ONOMONDO_RATE_LIMIT: env.rateLimit.prefault('600/60s'),
};

/** SIM usage: the Onomondo API. */
export const onomondoSource: SourceDefinition<OnomondoSettings, OnomondoClient, OnomondoLoaders> = {
  name: 'onomondo',
  environment: {
    variables,
    baseUrl: 'ONOMONDO_BASE_URL',
    credentials: ['ONOMONDO_API_KEY'],
    settings: (values) => {
      const read = z.object(variables).parse(values);
      return { baseUrl: read.ONOMONDO_BASE_URL ?? '', apiKey: read.ONOMONDO_API_KEY ?? '' };
    },
    rateLimit: (values) => z.object(variables).parse(values).ONOMONDO_RATE_LIMIT,
    simulatorPort: { variable: 'ONOMONDO_SIMULATOR_PORT', port: 4102 },
  },
  createSimulator: (settings) => createOnomondoSimulator(settings),
  simulatedSettings: onomondoSimulatedSettings,
  simulatedEnvironment: (url) => ({ ONOMONDO_BASE_URL: url, ONOMONDO_API_KEY: onomondoDemoCredentials.apiKey }),
  createClient: (settings, policy, options) => createOnomondoClient(settings, policy, options),
  createLoaders: (client, call) => createOnomondoLoaders(client, call),
};
