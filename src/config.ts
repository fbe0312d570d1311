import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { RateLimit } from './budgets/budget.js';
import type { TtlPolicy } from './cache/ttl.js';
import { env as variable } from './env.js';
import type { CostLimits } from './limits/operation-cost.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { sourceDefinitions, sourceNames, type SourceName, type SourceSettings } from './sources/registry.js';
import type { SimulatorSettings } from './sources/source.js';
import type { HttpPolicy } from './upstream/http.js';

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
  /** What one operation may cost: vendor calls, answer size, list arguments. */
  costs: CostLimits;
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
  simulator: SimulatorSettings & {
    /** Interface `npm run simulate` listens on (`0.0.0.0` in a container, for the gateways in others). */
    host: string;
    /** Ports `npm run simulate` listens on. */
    ports: Record<string, number>;
  };
}

const int = variable.int;
const isoDate = z.iso.date();
/** Every source's own variables, validated in the same pass as the rest. */
const sourceEnvironmentSchema = z.object(
  Object.assign({}, ...Object.values(sourceDefinitions).map((source) => source.environment.variables)) as z.ZodRawShape,
);

const environmentSchema = z
  .object({
    PORT: variable.port(4000),
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
    MAX_RESULT_OBJECTS: int(50_000, 1),
    MAX_LIST_ARGUMENT: int(100, 1),

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
  ];
  if (!parsed.success || !sources.success || problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const env = parsed.data;
  // Each source reads its own variables from the raw environment, already validated above.
  const sourceEnv: Record<string, unknown> = present;
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
    costs: {
      defaultPageSize: env.PAGE_SIZE_DEFAULT,
      maxUpstreamCalls: env.MAX_OPERATION_UPSTREAM_CALLS,
      maxResultObjects: env.MAX_RESULT_OBJECTS,
      maxListLength: env.MAX_LIST_ARGUMENT,
    },
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
    sources: Object.fromEntries(
      sourceNames.flatMap((name) => {
        const { environment } = sourceDefinitions[name];
        return sourceEnv[environment.baseUrl] === undefined ? [] : [[name, environment.settings(sourceEnv)]];
      }),
    ),
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

/** An empty variable (`FOO=`) means unset, as in most shells' habits. */
function withoutBlanks(environment: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
