import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { RateLimit } from './budgets/budget.js';
import type { TtlPolicy } from './cache/ttl.js';
import { env as variable } from './env.js';
import type { CostLimits } from './limits/operation-cost.js';
import { LOG_LEVELS, type LogSettings } from './log.js';
import { sourceDefinitions, sourceNames, type SourceName, type SourceSettings } from './sources/registry.js';
import type { SimulatorSettings } from './sources/source.js';
import type { TracingSettings } from './telemetry/tracing.js';
import type { HttpPolicy } from './upstream/http.js';

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
  /** Processes serving the port (`node:cluster`); 1 runs the gateway in this process alone. */
  workers: number;
  /** How long requests in flight may run on after SIGTERM or SIGINT before the process exits anyway. */
  shutdownGraceMs: number;
  /** Responses at least this large are compressed (brotli or gzip, by `accept-encoding`). */
  compressionThresholdBytes: number;
  http: HttpPolicy;
  paging: { defaultSize: number; maxSize: number };
  /** What one operation may cost: vendor calls, answer size, list arguments. */
  costs: CostLimits;
  /** Vendor calls one client may cause per minute; `undefined`: no per-client budget (`0`). */
  clientCallsPerMinute: number | undefined;
  /** Signs cursors; replicas share it so a cursor from one works on another. Random per process when unset. */
  cursorSecret: Buffer | undefined;
  /** Each real vendor's settings; a source without settings is served by its simulator, in-process, with demo credentials. */
  sources: SourceSettings;
  /** The upstream read cache; `enabled: false` sends every read to its vendor. */
  cache: { enabled: boolean; maxBytes: number; ttl: TtlPolicy };
  /** Redis shared by every replica (cache, single flight, budgets); `undefined`: each process alone. */
  redis: { url: string; commandTimeoutMs: number } | undefined;
  /** Our own call budget per vendor and credential; `undefined`: none of ours (the vendor's headers still count). */
  rateLimits: Record<SourceName, RateLimit | undefined>;
  /** The Prometheus metrics listener, apart from the public port; `undefined`: no metrics (`METRICS_PORT=off`). */
  metrics: { port: number; host: string } | undefined;
  /** OpenTelemetry traces over OTLP/HTTP; `undefined` without an OTLP endpoint. */
  tracing: TracingSettings | undefined;
  simulator: SimulatorSettings & {
    /** Interface `npm run simulate` listens on (`0.0.0.0` in a container, for the gateways in others). */
    host: string;
    /** Ports `npm run simulate` listens on. */
    ports: Record<string, number>;
  };
}

const int = variable.int;
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

/**
 * `OTEL_EXPORTER_OTLP_HEADERS`: `key=value` pairs separated by commas, values percent-encoded (the OpenTelemetry
 * specification's form). Values are credentials: a message never quotes them.
 */
const otlpHeaders = z.string().transform((text, check) => {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=');
    const key = pair.slice(0, equals).trim();
    let value: string | undefined;
    try {
      value = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      value = undefined;
    }
    if (equals <= 0 || !/^[!#$%&'*+.^_`|~\w-]+$/.test(key) || !value) {
      check.addIssue({ code: 'custom', message: 'must be key=value pairs separated by commas (values percent-encoded)' });
      return z.NEVER;
    }
    headers[key.toLowerCase()] = value;
  }
  return headers;
});

/** Every source's own variables, validated in the same pass as the rest. */
const sourceEnvironmentSchema = z.object(
  Object.assign({}, ...Object.values(sourceDefinitions).map((source) => source.environment.variables)) as z.ZodRawShape,
);

const environmentSchema = z
  .object({
    PORT: variable.port(4000),
    HOST: z.string().trim().min(1).default('0.0.0.0'),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    LOG_ERROR_LINES: int(50, 1),
    LOG_ERROR_INTERVAL_MS: int(10_000, 1),
    MAX_CONCURRENT_OPERATIONS: int(4, 1),
    WORKERS: z
      .string()
      .regex(/^(auto|[1-9]\d{0,2})$/, 'must be "auto" or a whole number from 1 to 999')
      .default('1')
      .transform((value) => (value === 'auto' ? availableParallelism() : Number(value))),
    SHUTDOWN_GRACE_MS: int(10000),
    COMPRESSION_THRESHOLD_BYTES: int(1024),

    AUTH_MODE: z.enum(['jwt', 'anonymous']).optional(),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a 256-bit secret)').optional(),
    AUTH_JWKS_URL: variable.url
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

    PAGE_SIZE_DEFAULT: int(20, 1),
    PAGE_SIZE_MAX: int(100, 1),
    CURSOR_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    MAX_OPERATION_UPSTREAM_CALLS: int(50, 1),
    MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE: int(300),
    MAX_RESULT_OBJECTS: int(50_000, 1),
    MAX_LIST_ARGUMENT: int(100, 1),

    METRICS_PORT: z
      .string()
      .trim()
      .regex(/^(off|\d{1,5})$/, 'must be a port number (0: any free port) or off')
      .refine((value) => value === 'off' || Number(value) <= 65535, 'must be at most 65535')
      .optional(),
    METRICS_HOST: z.string().trim().min(1).optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: variable.url.optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: variable.url.optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z
      .enum(['http/protobuf', 'http/json'], { error: 'must be http/protobuf or http/json (gRPC is not supported)' })
      .default('http/protobuf'),
    OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders.optional(),
    OTEL_SERVICE_NAME: z.string().trim().min(1).default('usage-graph'),
    OTEL_BSP_SCHEDULE_DELAY: int(5000),
    OTEL_PROPAGATE_TO_UPSTREAM: z.stringbool().default(false),
    OTEL_SDK_DISABLED: z.stringbool().default(false),

    SIMULATOR_TODAY: isoDate.optional(),
    SIMULATOR_LATENCY_MS: int(0),
    SIMULATOR_HOST: z.string().trim().min(1).default('127.0.0.1'),
  })
  .refine((env) => env.PAGE_SIZE_DEFAULT <= env.PAGE_SIZE_MAX, { path: ['PAGE_SIZE_DEFAULT'], message: 'must not exceed PAGE_SIZE_MAX' });

/** A source is either simulated (no variables) or real (base URL plus every credential): never half of each. */
function incompleteSources(env: Record<string, string>): string[] {
  return Object.values(sourceDefinitions).flatMap(({ environment: { baseUrl: base, credentials } }) => {
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
  const real = Object.values(sourceDefinitions)
    .map(({ environment }) => environment.baseUrl)
    .filter((name) => env[name] !== undefined);
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
  const sources = sourceEnvironmentSchema.safeParse(present);
  const problems = [
    ...[parsed, sources]
      .flatMap((result) => (result.success ? [] : result.error.issues))
      .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`),
    ...incompleteSources(present),
    ...authProblems(present),
  ];
  if (!parsed.success || !sources.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const env = parsed.data;
  // Each source reads its own variables from the raw environment, already validated above.
  const sourceEnv: Record<string, unknown> = present;
  const sourceSettings: SourceSettings = Object.fromEntries(
    sourceNames.flatMap((name) => {
      const { environment } = sourceDefinitions[name];
      return sourceEnv[environment.baseUrl] === undefined ? [] : [[name, environment.settings(sourceEnv)]];
    }),
  );
  // The demo: every source simulated.
  const graphiql = env.GRAPHIQL ?? Object.keys(sourceSettings).length === 0;
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
    costs: {
      defaultPageSize: env.PAGE_SIZE_DEFAULT,
      maxUpstreamCalls: env.MAX_OPERATION_UPSTREAM_CALLS,
      maxResultObjects: env.MAX_RESULT_OBJECTS,
      maxListLength: env.MAX_LIST_ARGUMENT,
    },
    clientCallsPerMinute: env.MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE || undefined,
    cursorSecret: env.CURSOR_SECRET === undefined ? undefined : Buffer.from(env.CURSOR_SECRET, 'utf8'),
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
    rateLimits: Object.fromEntries(sourceNames.map((name) => [name, sourceDefinitions[name].environment.rateLimit(sourceEnv)])) as Record<
      SourceName,
      RateLimit | undefined
    >,
    sources: sourceSettings,
    metrics: metricsListener(env),
    tracing: tracingSettings(env),
    simulator: {
      ...(env.SIMULATOR_TODAY === undefined ? {} : { today: env.SIMULATOR_TODAY }),
      latencyMs: env.SIMULATOR_LATENCY_MS,
      host: env.SIMULATOR_HOST,
      ports: Object.fromEntries(
        sourceNames.map((name) => {
          const { simulatorPort } = sourceDefinitions[name].environment;
          return [name, Number(sourceEnv[simulatorPort.variable] ?? simulatorPort.port)];
        }),
      ),
    },
  };
}

/**
 * `METRICS_PORT`, by default 9464; but a gateway told to take any free port (`PORT=0`: tests, benchmarks, several
 * gateways in one process) takes any free one for its metrics too, never a fixed port it might share.
 */
function metricsListener(env: z.output<typeof environmentSchema>): Config['metrics'] {
  if (env.METRICS_PORT === 'off') return undefined;
  const port = env.METRICS_PORT === undefined ? (env.PORT === 0 ? 0 : 9464) : Number(env.METRICS_PORT);
  return { port, host: env.METRICS_HOST ?? env.HOST };
}

/** Traces go out once an OTLP endpoint is set: the traces endpoint as it is, or `/v1/traces` below the general one. */
function tracingSettings(env: z.output<typeof environmentSchema>): TracingSettings | undefined {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base === undefined ? undefined : `${base}/v1/traces`);
  if (tracesUrl === undefined || env.OTEL_SDK_DISABLED) return undefined;
  return {
    tracesUrl,
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: env.OTEL_EXPORTER_OTLP_HEADERS ?? {},
    serviceName: env.OTEL_SERVICE_NAME,
    scheduleDelayMs: env.OTEL_BSP_SCHEDULE_DELAY,
    propagateToUpstream: env.OTEL_PROPAGATE_TO_UPSTREAM,
  };
}

/** An empty variable (`FOO=`) means unset, as in most shells' habits. */
function withoutBlanks(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
