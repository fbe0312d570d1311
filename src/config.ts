import { z } from 'zod';
import { LOG_LEVELS, type LogSettings } from './log.js';
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

/** Who may call the gateway (see the README's "Client authentication"). */
export type AuthSettings =
  | { mode: 'anonymous' }
  | {
      mode: 'jwt';
      /** HS256 with a shared secret, or RS256/ES256 with the keys an identity provider publishes. */
      key: { secret: string } | { jwksUrl: string };
      /** Required `iss`; unchecked when undefined (only allowed with a secret). */
      issuer: string | undefined;
      /** Required `aud`; unchecked when undefined (only allowed with a secret). */
      audience: string | undefined;
    };

/** What a request must stay within before anything executes. */
export interface RequestLimits {
  /** Largest request body; larger ones get HTTP 413 unread. */
  maxBodyBytes: number;
  /** Nesting of fields with selections, fragments flattened. */
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
}

export interface BrowserSettings {
  /** Origins a browser may call from; `['*']` is any origin (never with credentials), empty none. */
  corsOrigins: readonly string[];
  graphiql: boolean;
  introspection: boolean;
}

export interface Config {
  port: number;
  host: string;
  log: LogSettings;
  auth: AuthSettings;
  requestLimits: RequestLimits;
  /** An operation's AbortSignal fires this long after its request arrived. */
  operationTimeoutMs: number;
  browser: BrowserSettings;
  /** Path of the persisted-documents manifest; when set, only those operations run. */
  trustedDocuments: string | undefined;
  /** GraphQL requests executed at once; more wait in line (bounds memory under load). */
  maxConcurrentOperations: number;
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
    /** Ports `npm run simulate` listens on. */
    ports: { signicat: number; onomondo: number; fourme: number };
  };
}

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));
const secret = z.string().min(1);
const isoDate = z.iso.date();
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** `https://app.example.com` (a trailing slash is tolerated), normalised to the form browsers send in `Origin`. */
function toOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    const bare = url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
    return bare && (url.protocol === 'https:' || url.protocol === 'http:') ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

const corsOrigins = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  )
  .refine((origins) => (origins.length === 1 && origins[0] === '*') || origins.every((origin) => toOrigin(origin) !== undefined), {
    message: 'must be comma-separated origins such as https://app.example.com (scheme and host, no path), or * alone',
  })
  .transform((origins) => origins.map((origin) => (origin === '*' ? origin : (toOrigin(origin) ?? origin))));

const environmentSchema = z
  .object({
    PORT: int(4000).pipe(z.number().max(65535)),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    LOG_ERROR_LINES: int(50, 1),
    LOG_ERROR_INTERVAL_MS: int(10_000, 1),
    MAX_CONCURRENT_OPERATIONS: int(4, 1),

    AUTH_MODE: z.enum(['jwt', 'anonymous']).optional(),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a 256-bit secret)').optional(),
    AUTH_JWKS_URL: url
      .refine((value) => new URL(value).protocol === 'https:' || LOOPBACK.test(new URL(value).hostname), {
        message: 'must use https (http only for a loopback address)',
      })
      .optional(),
    AUTH_ISSUER: z.string().trim().min(1).optional(),
    AUTH_AUDIENCE: z.string().trim().min(1).optional(),

    MAX_BODY_BYTES: int(100_000, 1),
    MAX_DEPTH: int(10, 1),
    MAX_ALIASES: int(15),
    MAX_TOKENS: int(1000, 1),
    MAX_DIRECTIVES: int(50),
    OPERATION_TIMEOUT_MS: int(30_000, 1),

    CORS_ORIGINS: corsOrigins.optional(),
    GRAPHIQL: z.stringbool().optional(),
    INTROSPECTION: z.stringbool().optional(),
    TRUSTED_DOCUMENTS: z.string().trim().min(1).optional(),

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

const SECRET_KEY = 'AUTH_JWT_SECRET';
const JWKS_KEY = 'AUTH_JWKS_URL';

/**
 * Anonymous access is the demo's (every source simulated); with a real vendor the gateway needs client tokens, or
 * `AUTH_MODE=anonymous` saying anonymous access is meant.
 */
function authProblems(env: Record<string, string>): string[] {
  const keys = [SECRET_KEY, JWKS_KEY].filter((name) => env[name] !== undefined);
  const real = SOURCE_VARIABLES.map(({ base }) => base).filter((name) => env[name] !== undefined);
  const mode = env['AUTH_MODE'];
  const problems: string[] = [];
  if (keys.length === 2) problems.push(`  ${JWKS_KEY}: set either ${SECRET_KEY} or ${JWKS_KEY}, not both`);
  if (mode === 'anonymous' && keys.length > 0) problems.push(`  AUTH_MODE: is anonymous while ${keys.join(' and ')} is set`);
  if (mode === 'jwt' && keys.length === 0) problems.push(`  AUTH_MODE: jwt needs ${SECRET_KEY} or ${JWKS_KEY}`);
  if (mode === undefined && keys.length === 0 && real.length > 0) {
    problems.push(
      `  ${SECRET_KEY}: or ${JWKS_KEY} is required when a real vendor is configured (${real.join(', ')}); ` +
        'set AUTH_MODE=anonymous to serve its data without client authentication',
    );
  }
  for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE']) {
    if (keys.length === 0 && env[name] !== undefined) problems.push(`  ${name}: has no effect without ${SECRET_KEY} or ${JWKS_KEY}`);
    // A provider's key set signs tokens for all its applications: without iss and aud any of them would do.
    if (env[JWKS_KEY] !== undefined && env[name] === undefined) problems.push(`  ${name}: is required when ${JWKS_KEY} is set`);
  }
  return problems;
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
    ...authProblems(present),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const env = parsed.data;
  const demo = env.SIGNICAT_BASE_URL === undefined && env.ONOMONDO_BASE_URL === undefined && env.FOURME_BASE_URL === undefined;
  const graphiql = env.GRAPHIQL ?? demo;
  return {
    port: env.PORT,
    host: env.HOST,
    log: {
      level: env.LOG_LEVEL,
      pretty: env.LOG_FORMAT === 'pretty',
      errorLines: env.LOG_ERROR_LINES,
      errorIntervalMs: env.LOG_ERROR_INTERVAL_MS,
    },
    auth:
      env.AUTH_JWT_SECRET !== undefined || env.AUTH_JWKS_URL !== undefined
        ? {
            mode: 'jwt',
            key: env.AUTH_JWT_SECRET !== undefined ? { secret: env.AUTH_JWT_SECRET } : { jwksUrl: env.AUTH_JWKS_URL ?? '' },
            issuer: env.AUTH_ISSUER,
            audience: env.AUTH_AUDIENCE,
          }
        : { mode: 'anonymous' },
    requestLimits: {
      maxBodyBytes: env.MAX_BODY_BYTES,
      maxDepth: env.MAX_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxTokens: env.MAX_TOKENS,
      maxDirectives: env.MAX_DIRECTIVES,
    },
    operationTimeoutMs: env.OPERATION_TIMEOUT_MS,
    browser: { corsOrigins: env.CORS_ORIGINS ?? [], graphiql, introspection: env.INTROSPECTION ?? graphiql },
    trustedDocuments: env.TRUSTED_DOCUMENTS,
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
