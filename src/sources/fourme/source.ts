import { z } from 'zod';
import { env } from '../../env.js';
import type { SourceDefinition } from '../source.js';
import { createFourmeClient, type FourmeClient } from './client.js';
import { createFourmeLoaders, type FourmeLoaders } from './loaders.js';
import { createFourmeSimulator, fourmeDemoCredentials, fourmeSimulatedSettings } from './simulator.js';

export interface FourmeSettings {
  /** The API including its version, e.g. `https://api.4me.com/v1`. */
  baseUrl: string;
  token: string;
  account: string;
}

const variables = {
  FOURME_BASE_URL: env.url.optional(),
  FOURME_TOKEN: env.secret.optional(),
  FOURME_ACCOUNT: env.secret.optional(),
  FOURME_SIMULATOR_PORT: env.port(4103),
  /** Our share of the vendor's published quota: never more in any window of that length. */
  FOURME_RATE_LIMIT: env.rateLimit.prefault('3600/3600s'),
};

/** Account usage statements: the 4me API. */
export const fourmeSource: SourceDefinition<FourmeSettings, FourmeClient, FourmeLoaders> = {
  name: 'fourme',
  environment: {
    variables,
    baseUrl: 'FOURME_BASE_URL',
    credentials: ['FOURME_TOKEN', 'FOURME_ACCOUNT'],
    settings: (values) => {
      const read = z.object(variables).parse(values);
      return { baseUrl: read.FOURME_BASE_URL ?? '', token: read.FOURME_TOKEN ?? '', account: read.FOURME_ACCOUNT ?? '' };
    },
    rateLimit: (values) => z.object(variables).parse(values).FOURME_RATE_LIMIT,
    simulatorPort: { variable: 'FOURME_SIMULATOR_PORT', port: 4103 },
  },
  createSimulator: (settings) => createFourmeSimulator(settings),
  simulatedSettings: fourmeSimulatedSettings,
  simulatedEnvironment: (url) => ({
    FOURME_BASE_URL: fourmeSimulatedSettings(url).baseUrl,
    FOURME_TOKEN: fourmeDemoCredentials.token,
    FOURME_ACCOUNT: fourmeDemoCredentials.account,
  }),
  createClient: (settings, policy, options) => createFourmeClient(settings, policy, options),
  createLoaders: (client, call) => createFourmeLoaders(client, call),
};
