import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from './log.js';
import type { HttpPolicy } from './upstream/http.js';

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

export interface OnomondoSettings {
  baseUrl: string;
  apiKey: string;
}

export interface FourmeSettings {
  baseUrl: string;
  token: string;
  account: string;
}

export interface Config {
  port: number;
  host: string;
  logLevel: LogLevel;
  /** GraphQL requests executed at once; more wait in line (bounds memory under load). */
  maxConcurrentOperations: number;
  /** Processes serving the port (`node:cluster`); 1 runs the gateway in this process alone. */
  workers: number;
  /** How long requests in flight may run on after SIGTERM or SIGINT before the process exits anyway. */
  shutdownGraceMs: number;
  /** Responses at least this large are compressed (brotli or gzip, by `accept-encoding`). */
  compressionThresholdBytes: number;
  http: HttpPolicy;
  paging: { defaultSize: number; maxSize: number };
  /** `undefined` for a source means: start its simulator in-process with demo credentials. */
  signicat: SignicatSettings | undefined;
  onomondo: OnomondoSettings | undefined;
  fourme: FourmeSettings | undefined;
  simulator: {
    /** Day the seeded data ends on; the real date when unset. */
    today: string | undefined;
    latencyMs: number;
    /** Interface `npm run simulate` listens on (`0.0.0.0` in a container, for the gateways in others). */
    host: string;
    /** Ports `npm run simulate` listens on. */
    ports: { signicat: number; onomondo: number; fourme: number };
  };
}

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
const secret = z.string().min(1);
const isoDate = z.iso.date();

const environmentSchema = z
  .object({
    PORT: int(4000).pipe(z.number().max(65535)),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    MAX_CONCURRENT_OPERATIONS: int(4, 1),
    WORKERS: z
      .string()
      .regex(/^(auto|[1-9]\d{0,2})$/, 'must be "auto" or a whole number from 1 to 999')
      .default('1')
      .transform((value) => (value === 'auto' ? availableParallelism() : Number(value))),
    SHUTDOWN_GRACE_MS: int(10000),
    COMPRESSION_THRESHOLD_BYTES: int(1024),

    SIGNICAT_BASE_URL: url.optional(),
    SIGNICAT_TOKEN_URL: url.optional(),
    SIGNICAT_ACCOUNT_MANAGEMENT_URL: url.optional(),
    SIGNICAT_USAGE_PATH: z.string().startsWith('/').default('/usage/transactions'),
    SIGNICAT_CLIENT_ID: secret.optional(),
    SIGNICAT_CLIENT_SECRET: secret.optional(),
    SIGNICAT_SCOPE: z.string().min(1).default('signicat-api'),

    ONOMONDO_BASE_URL: url.optional(),
    ONOMONDO_API_KEY: secret.optional(),

    FOURME_BASE_URL: url.optional(),
    FOURME_TOKEN: secret.optional(),
    FOURME_ACCOUNT: secret.optional(),

    UPSTREAM_CONNECT_TIMEOUT_MS: int(2000, 1),
    UPSTREAM_RESPONSE_TIMEOUT_MS: int(8000, 1),
    UPSTREAM_DEADLINE_MS: int(15000, 1),
    UPSTREAM_MAX_ATTEMPTS: int(3, 1).pipe(z.number().max(10)),
    UPSTREAM_RETRY_AFTER_CAP_MS: int(5000),
    UPSTREAM_MAX_CONNECTIONS: int(16, 1),
    UPSTREAM_BREAKER_THRESHOLD: int(5, 1),
    UPSTREAM_BREAKER_COOLDOWN_MS: int(10000, 1),

    PAGE_SIZE_DEFAULT: int(20, 1),
    PAGE_SIZE_MAX: int(100, 1),

    SIMULATOR_TODAY: isoDate.optional(),
    SIMULATOR_LATENCY_MS: int(0),
    SIMULATOR_HOST: z.string().trim().min(1).default('127.0.0.1'),
    SIGNICAT_SIMULATOR_PORT: int(4101).pipe(z.number().max(65535)),
    ONOMONDO_SIMULATOR_PORT: int(4102).pipe(z.number().max(65535)),
    FOURME_SIMULATOR_PORT: int(4103).pipe(z.number().max(65535)),
  })
  .refine((env) => env.PAGE_SIZE_DEFAULT <= env.PAGE_SIZE_MAX, { path: ['PAGE_SIZE_DEFAULT'], message: 'must not exceed PAGE_SIZE_MAX' });

/** A source is either simulated (no variables) or real (base URL plus every credential): never half of each. */
const SOURCE_VARIABLES = [
  { base: 'SIGNICAT_BASE_URL', credentials: ['SIGNICAT_CLIENT_ID', 'SIGNICAT_CLIENT_SECRET'] },
  { base: 'ONOMONDO_BASE_URL', credentials: ['ONOMONDO_API_KEY'] },
  { base: 'FOURME_BASE_URL', credentials: ['FOURME_TOKEN', 'FOURME_ACCOUNT'] },
] as const;

function incompleteSources(env: Record<string, string>): string[] {
  return SOURCE_VARIABLES.flatMap(({ base, credentials }) => {
    if (env[base] !== undefined)
      return credentials.filter((name) => env[name] === undefined).map((name) => `  ${name}: is required when ${base} is set`);
    const stray = credentials.filter((name) => env[name] !== undefined);
    return stray.length === 0 ? [] : [`  ${base}: is required when ${stray.join(' or ')} is set (without it the source is simulated)`];
  });
}

/** Configuration that cannot be used; the message names every offending variable and never echoes a value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once; every other module takes the typed result. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const present = withoutBlanks(environment);
  const parsed = environmentSchema.safeParse(present);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)),
    ...incompleteSources(present),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const env = parsed.data;
  return {
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    maxConcurrentOperations: env.MAX_CONCURRENT_OPERATIONS,
    workers: env.WORKERS,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    compressionThresholdBytes: env.COMPRESSION_THRESHOLD_BYTES,
    http: {
      connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: env.UPSTREAM_RESPONSE_TIMEOUT_MS,
      bodyTimeoutMs: env.UPSTREAM_RESPONSE_TIMEOUT_MS,
      deadlineMs: env.UPSTREAM_DEADLINE_MS,
      maxAttempts: env.UPSTREAM_MAX_ATTEMPTS,
      backoffBaseMs: 100,
      backoffMaxMs: 2000,
      retryAfterCapMs: env.UPSTREAM_RETRY_AFTER_CAP_MS,
      maxConnections: env.UPSTREAM_MAX_CONNECTIONS,
      breaker: { failureThreshold: env.UPSTREAM_BREAKER_THRESHOLD, cooldownMs: env.UPSTREAM_BREAKER_COOLDOWN_MS },
    },
    paging: { defaultSize: env.PAGE_SIZE_DEFAULT, maxSize: env.PAGE_SIZE_MAX },
    signicat:
      env.SIGNICAT_BASE_URL === undefined
        ? undefined
        : {
            baseUrl: env.SIGNICAT_BASE_URL,
            tokenUrl: env.SIGNICAT_TOKEN_URL ?? `${env.SIGNICAT_BASE_URL}/auth/open/connect/token`,
            accountManagementUrl: env.SIGNICAT_ACCOUNT_MANAGEMENT_URL ?? `${env.SIGNICAT_BASE_URL}/account-management`,
            usagePath: env.SIGNICAT_USAGE_PATH,
            clientId: env.SIGNICAT_CLIENT_ID ?? '',
            clientSecret: env.SIGNICAT_CLIENT_SECRET ?? '',
            scope: env.SIGNICAT_SCOPE,
          },
    onomondo: env.ONOMONDO_BASE_URL === undefined ? undefined : { baseUrl: env.ONOMONDO_BASE_URL, apiKey: env.ONOMONDO_API_KEY ?? '' },
    fourme:
      env.FOURME_BASE_URL === undefined
        ? undefined
        : { baseUrl: env.FOURME_BASE_URL, token: env.FOURME_TOKEN ?? '', account: env.FOURME_ACCOUNT ?? '' },
    simulator: {
      today: env.SIMULATOR_TODAY,
      latencyMs: env.SIMULATOR_LATENCY_MS,
      host: env.SIMULATOR_HOST,
      ports: { signicat: env.SIGNICAT_SIMULATOR_PORT, onomondo: env.ONOMONDO_SIMULATOR_PORT, fourme: env.FOURME_SIMULATOR_PORT },
    },
  };
}

/** An empty variable (`FOO=`) means unset, as in most shells' habits. */
function withoutBlanks(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
