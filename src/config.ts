import { z } from 'zod';
import type { RateLimit } from './budgets/budget.js';
import type { TtlPolicy } from './cache/ttl.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import type { SourceName } from './upstream/errors.js';
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
  http: HttpPolicy;
  paging: { defaultSize: number; maxSize: number };
  /** `undefined` for a source means: start its simulator in-process with demo credentials. */
  signicat: SignicatSettings | undefined;
  onomondo: OnomondoSettings | undefined;
  fourme: FourmeSettings | undefined;
  /** The upstream read cache; `enabled: false` sends every read to its vendor. */
  cache: { enabled: boolean; maxBytes: number; ttl: TtlPolicy };
  /** Redis shared by every replica (cache, single flight, budgets); `undefined`: each process alone. */
  redis: { url: string; commandTimeoutMs: number } | undefined;
  /** Our own call budget per vendor and credential; `undefined`: none of ours (the vendor's headers still count). */
  rateLimits: Record<SourceName, RateLimit | undefined>;
  simulator: {
    /** Day the seeded data ends on; the real date when unset. */
    today: string | undefined;
    latencyMs: number;
    /** Ports `npm run simulate` listens on. */
    ports: { signicat: number; onomondo: number; fourme: number };
  };
}

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
const secret = z.string().min(1);
const isoDate = z.iso.date();
/** `<calls>/<seconds>s`, e.g. `600/60s`. */
const rateLimit = z
  .string()
  .regex(/^[1-9]\d{0,8}\/[1-9]\d{0,8}s$/, 'must be <calls>/<seconds>s with whole numbers from 1, e.g. 600/60s')
  .transform((text): RateLimit => {
    const [calls = '', seconds = ''] = text.slice(0, -1).split('/');
    return { calls: Number(calls), windowMs: Number(seconds) * 1000 };
  });

const environmentSchema = z
  .object({
    PORT: int(4000).pipe(z.number().max(65535)),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    MAX_CONCURRENT_OPERATIONS: int(4, 1),

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

    CACHE: z.enum(['on', 'off']).default('on'),
    CACHE_MAX_MB: int(32, 1),
    CACHE_TTL_S: int(60),
    CACHE_CLOSED_TTL_S: int(30 * 86_400),
    CACHE_STALE_S: int(86_400),
    CACHE_SETTLE_DAYS: int(3),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    REDIS_TIMEOUT_MS: int(500, 1),
    SIGNICAT_RATE_LIMIT: rateLimit.optional(),
    ONOMONDO_RATE_LIMIT: rateLimit.prefault('600/60s'),
    FOURME_RATE_LIMIT: rateLimit.prefault('3600/3600s'),

    PAGE_SIZE_DEFAULT: int(20, 1),
    PAGE_SIZE_MAX: int(100, 1),

    SIMULATOR_TODAY: isoDate.optional(),
    SIMULATOR_LATENCY_MS: int(0),
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
    cache: {
      enabled: env.CACHE === 'on',
      maxBytes: env.CACHE_MAX_MB * 1024 * 1024,
      ttl: {
        openTtlMs: env.CACHE_TTL_S * 1000,
        closedTtlMs: env.CACHE_CLOSED_TTL_S * 1000,
        settleMs: env.CACHE_SETTLE_DAYS * 86_400_000,
        staleMs: env.CACHE_STALE_S * 1000,
      },
    },
    redis: env.REDIS_URL === undefined ? undefined : { url: env.REDIS_URL, commandTimeoutMs: env.REDIS_TIMEOUT_MS },
    rateLimits: { signicat: env.SIGNICAT_RATE_LIMIT, onomondo: env.ONOMONDO_RATE_LIMIT, fourme: env.FOURME_RATE_LIMIT },
    simulator: {
      today: env.SIMULATOR_TODAY,
      latencyMs: env.SIMULATOR_LATENCY_MS,
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
