import { z } from 'zod';
import { env } from '../../env.js';
import type { SourceDefinition } from '../source.js';
import { createSignicatClient, type SignicatClient } from './client.js';
import { createSignicatLoaders, type SignicatLoaders } from './loaders.js';
import { createSignicatSimulator, signicatDemoCredentials, signicatSimulatedSettings } from './simulator.js';

/** Where and how to reach Signicat: the usage API, its OAuth token endpoint and its account management API. */
export interface SignicatSettings {
  baseUrl: string;
  tokenUrl: string;
  accountManagementUrl: string;
  /** The usage read path; the OpenAPI file names `/usage/transactions`, the rendered page only `/usage/`. */
  usagePath: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

const variables = {
  SIGNICAT_BASE_URL: env.url.optional(),
  SIGNICAT_TOKEN_URL: env.url.optional(),
  SIGNICAT_ACCOUNT_MANAGEMENT_URL: env.url.optional(),
  SIGNICAT_USAGE_PATH: z.string().startsWith('/').default('/usage/transactions'),
  SIGNICAT_CLIENT_ID: env.secret.optional(),
  SIGNICAT_CLIENT_SECRET: env.secret.optional(),
  SIGNICAT_SCOPE: z.string().min(1).default('signicat-api'),
  SIGNICAT_SIMULATOR_PORT: env.port(4101),
  /** Our budget of calls against the vendor (it publishes no quota): none unless set. */
  SIGNICAT_RATE_LIMIT: env.rateLimit.optional(),
};

/** Identity-platform usage: Signicat's Usage API and Account Management API. */
export const signicatSource: SourceDefinition<SignicatSettings, SignicatClient, SignicatLoaders> = {
  name: 'signicat',
  environment: {
    variables,
    baseUrl: 'SIGNICAT_BASE_URL',
    credentials: ['SIGNICAT_CLIENT_ID', 'SIGNICAT_CLIENT_SECRET'],
    settings: (values) => {
      const read = z.object(variables).parse(values);
      const baseUrl = read.SIGNICAT_BASE_URL ?? '';
      return {
        baseUrl,
        tokenUrl: read.SIGNICAT_TOKEN_URL ?? `${baseUrl}/auth/open/connect/token`,
        accountManagementUrl: read.SIGNICAT_ACCOUNT_MANAGEMENT_URL ?? `${baseUrl}/account-management`,
        usagePath: read.SIGNICAT_USAGE_PATH,
        clientId: read.SIGNICAT_CLIENT_ID ?? '',
        clientSecret: read.SIGNICAT_CLIENT_SECRET ?? '',
        scope: read.SIGNICAT_SCOPE,
      };
    },
    rateLimit: (values) => z.object(variables).parse(values).SIGNICAT_RATE_LIMIT,
    simulatorPort: { variable: 'SIGNICAT_SIMULATOR_PORT', port: 4101 },
  },
  createSimulator: (settings) => createSignicatSimulator(settings),
  simulatedSettings: signicatSimulatedSettings,
  simulatedEnvironment: (url) => ({
    SIGNICAT_BASE_URL: url,
    SIGNICAT_CLIENT_ID: signicatDemoCredentials.clientId,
    SIGNICAT_CLIENT_SECRET: signicatDemoCredentials.clientSecret,
  }),
  createClient: (settings, policy, options) => createSignicatClient(settings, policy, options),
  createLoaders: (client, call) => createSignicatLoaders(client, call),
};
