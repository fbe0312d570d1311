import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { cleanEnvironment, spawnNpm } from './support/process.js';

/** The message of the ConfigError `environment` raises (fails the test if it raises nothing or something else). */
function configError(environment: Record<string, string>): string {
  try {
    loadConfig(environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(environment).join(', ')}`);
}

describe('loadConfig', () => {
  it('runs on defaults alone, with every source simulated', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '0.0.0.0',
      log: { level: 'info', pretty: false, errorLines: 50, errorIntervalMs: 10000 },
      auth: { mode: 'anonymous' },
      requestLimits: { maxBodyBytes: 100_000, maxDepth: 10, maxAliases: 15, maxTokens: 1000, maxDirectives: 50 },
      operationTimeoutMs: 30000,
      browser: { corsOrigins: [], graphiql: true, introspection: true },
      trustedDocuments: undefined,
      maxConcurrentOperations: 4,
      workers: 1,
      shutdownGraceMs: 10000,
      compressionThresholdBytes: 1024,
      http: {
        connectTimeoutMs: 2000,
        headersTimeoutMs: 8000,
        bodyTimeoutMs: 8000,
        deadlineMs: 15000,
        maxAttempts: 3,
        backoffBaseMs: 100,
        backoffMaxMs: 2000,
        retryAfterCapMs: 5000,
        maxConnections: 16,
        breaker: { failureThreshold: 5, cooldownMs: 10000 },
      },
      paging: { defaultSize: 20, maxSize: 100 },
      costs: { defaultPageSize: 20, maxUpstreamCalls: 50, maxResultObjects: 50_000, maxListLength: 100 },
      clientCallsPerMinute: 300,
      cursorSecret: undefined,
      sources: {},
      cache: {
        enabled: true,
        maxBytes: 32 * 1024 * 1024,
        ttl: { openTtlMs: 60_000, closedTtlMs: 30 * 86_400_000, settleMs: 3 * 86_400_000, staleMs: 86_400_000 },
      },
      redis: undefined,
      rateLimits: { signicat: undefined, onomondo: { calls: 600, windowMs: 60_000 }, fourme: { calls: 3600, windowMs: 3_600_000 } },
      metrics: { port: 9464, host: '0.0.0.0' },
      tracing: undefined,
      simulator: { latencyMs: 0, host: '127.0.0.1', ports: { signicat: 4101, onomondo: 4102, fourme: 4103 } },
    } satisfies Config);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', SIGNICAT_BASE_URL: '', PAGE_SIZE_MAX: '' })).toEqual(loadConfig({}));
  });

  // Real vendors need client authentication or an explicit AUTH_MODE=anonymous; these tests are about the vendors.
  const signicat = {
    AUTH_MODE: 'anonymous',
    SIGNICAT_BASE_URL: 'https://api.signicat.test',
    SIGNICAT_CLIENT_ID: 'client',
    SIGNICAT_CLIENT_SECRET: 'sig-secret-value',
  };
  const onomondo = { AUTH_MODE: 'anonymous', ONOMONDO_BASE_URL: 'https://api.onomondo.test', ONOMONDO_API_KEY: 'ono-key-value' };
  const fourme = {
    AUTH_MODE: 'anonymous',
    FOURME_BASE_URL: 'https://api.4me.test/v1',
    FOURME_TOKEN: 'fourme-token-value',
    FOURME_ACCOUNT: 'acme',
  };

  const secrets = ['sig-secret-value', 'ono-key-value', 'fourme-token-value'];

  it.each<[string, Record<string, string>, (config: Config) => unknown, unknown]>([
    ['PORT', { PORT: '8080' }, (c) => c.port, 8080],
    ['HOST', { HOST: '127.0.0.1' }, (c) => c.host, '127.0.0.1'],
    ['LOG_LEVEL', { LOG_LEVEL: 'warn' }, (c) => c.log.level, 'warn'],
    ['MAX_CONCURRENT_OPERATIONS', { MAX_CONCURRENT_OPERATIONS: '4' }, (c) => c.maxConcurrentOperations, 4],
    ['WORKERS', { WORKERS: '3' }, (c) => c.workers, 3],
    ['WORKERS', { WORKERS: 'auto' }, (c) => c.workers, availableParallelism()],
    ['SHUTDOWN_GRACE_MS', { SHUTDOWN_GRACE_MS: '2500' }, (c) => c.shutdownGraceMs, 2500],
    ['COMPRESSION_THRESHOLD_BYTES', { COMPRESSION_THRESHOLD_BYTES: '0' }, (c) => c.compressionThresholdBytes, 0],
    ['SIGNICAT_BASE_URL', signicat, (c) => c.sources.signicat?.baseUrl, 'https://api.signicat.test'],
    [
      'SIGNICAT_TOKEN_URL',
      { ...signicat, SIGNICAT_TOKEN_URL: 'https://id.test/token' },
      (c) => c.sources.signicat?.tokenUrl,
      'https://id.test/token',
    ],
    [
      'SIGNICAT_ACCOUNT_MANAGEMENT_URL',
      { ...signicat, SIGNICAT_ACCOUNT_MANAGEMENT_URL: 'https://am.test/' },
      (c) => c.sources.signicat?.accountManagementUrl,
      'https://am.test',
    ],
    ['SIGNICAT_USAGE_PATH', { ...signicat, SIGNICAT_USAGE_PATH: '/usage/' }, (c) => c.sources.signicat?.usagePath, '/usage/'],
    ['SIGNICAT_CLIENT_ID', signicat, (c) => c.sources.signicat?.clientId, 'client'],
    ['SIGNICAT_CLIENT_SECRET', signicat, (c) => c.sources.signicat?.clientSecret, 'sig-secret-value'],
    ['SIGNICAT_SCOPE', { ...signicat, SIGNICAT_SCOPE: 'signicat-api other' }, (c) => c.sources.signicat?.scope, 'signicat-api other'],
    ['ONOMONDO_BASE_URL', onomondo, (c) => c.sources.onomondo, { baseUrl: 'https://api.onomondo.test', apiKey: 'ono-key-value' }],
    [
      'FOURME_BASE_URL',
      fourme,
      (c) => c.sources.fourme,
      { baseUrl: 'https://api.4me.test/v1', token: 'fourme-token-value', account: 'acme' },
    ],
    ['UPSTREAM_CONNECT_TIMEOUT_MS', { UPSTREAM_CONNECT_TIMEOUT_MS: '500' }, (c) => c.http.connectTimeoutMs, 500],
    [
      'UPSTREAM_RESPONSE_TIMEOUT_MS',
      { UPSTREAM_RESPONSE_TIMEOUT_MS: '700' },
      (c) => [c.http.headersTimeoutMs, c.http.bodyTimeoutMs],
      [700, 700],
    ],
    ['UPSTREAM_DEADLINE_MS', { UPSTREAM_DEADLINE_MS: '3000' }, (c) => c.http.deadlineMs, 3000],
    ['UPSTREAM_MAX_ATTEMPTS', { UPSTREAM_MAX_ATTEMPTS: '1' }, (c) => c.http.maxAttempts, 1],
    ['UPSTREAM_RETRY_AFTER_CAP_MS', { UPSTREAM_RETRY_AFTER_CAP_MS: '0' }, (c) => c.http.retryAfterCapMs, 0],
    ['UPSTREAM_MAX_CONNECTIONS', { UPSTREAM_MAX_CONNECTIONS: '4' }, (c) => c.http.maxConnections, 4],
    ['UPSTREAM_BREAKER_THRESHOLD', { UPSTREAM_BREAKER_THRESHOLD: '2' }, (c) => c.http.breaker.failureThreshold, 2],
    ['UPSTREAM_BREAKER_COOLDOWN_MS', { UPSTREAM_BREAKER_COOLDOWN_MS: '250' }, (c) => c.http.breaker.cooldownMs, 250],
    ['CACHE', { CACHE: 'off' }, (c) => c.cache.enabled, false],
    ['CACHE_MAX_MB', { CACHE_MAX_MB: '2' }, (c) => c.cache.maxBytes, 2 * 1024 * 1024],
    ['CACHE_TTL_S', { CACHE_TTL_S: '5' }, (c) => c.cache.ttl.openTtlMs, 5000],
    ['CACHE_CLOSED_TTL_S', { CACHE_CLOSED_TTL_S: '3600' }, (c) => c.cache.ttl.closedTtlMs, 3_600_000],
    ['CACHE_STALE_S', { CACHE_STALE_S: '0' }, (c) => c.cache.ttl.staleMs, 0],
    ['CACHE_SETTLE_DAYS', { CACHE_SETTLE_DAYS: '1' }, (c) => c.cache.ttl.settleMs, 86_400_000],
    ['REDIS_URL', { REDIS_URL: 'redis://127.0.0.1:6380/1' }, (c) => c.redis, { url: 'redis://127.0.0.1:6380/1', commandTimeoutMs: 500 }],
    ['REDIS_TIMEOUT_MS', { REDIS_URL: 'rediss://redis.test', REDIS_TIMEOUT_MS: '100' }, (c) => c.redis?.commandTimeoutMs, 100],
    ['SIGNICAT_RATE_LIMIT', { SIGNICAT_RATE_LIMIT: '100/1s' }, (c) => c.rateLimits.signicat, { calls: 100, windowMs: 1000 }],
    ['ONOMONDO_RATE_LIMIT', { ONOMONDO_RATE_LIMIT: '300/60s' }, (c) => c.rateLimits.onomondo, { calls: 300, windowMs: 60_000 }],
    ['FOURME_RATE_LIMIT', { FOURME_RATE_LIMIT: '1000/3600s' }, (c) => c.rateLimits.fourme, { calls: 1000, windowMs: 3_600_000 }],
    ['PAGE_SIZE_DEFAULT', { PAGE_SIZE_DEFAULT: '5' }, (c) => c.paging.defaultSize, 5],
    ['PAGE_SIZE_MAX', { PAGE_SIZE_MAX: '500' }, (c) => c.paging.maxSize, 500],
    ['SIMULATOR_TODAY', { SIMULATOR_TODAY: '2026-01-31' }, (c) => c.simulator.today, '2026-01-31'],
    ['SIMULATOR_LATENCY_MS', { SIMULATOR_LATENCY_MS: '40' }, (c) => c.simulator.latencyMs, 40],
    ['SIMULATOR_HOST', { SIMULATOR_HOST: '0.0.0.0' }, (c) => c.simulator.host, '0.0.0.0'],
    ['SIGNICAT_SIMULATOR_PORT', { SIGNICAT_SIMULATOR_PORT: '5101' }, (c) => c.simulator.ports.signicat, 5101],
    ['ONOMONDO_SIMULATOR_PORT', { ONOMONDO_SIMULATOR_PORT: '5102' }, (c) => c.simulator.ports.onomondo, 5102],
    ['FOURME_SIMULATOR_PORT', { FOURME_SIMULATOR_PORT: '5103' }, (c) => c.simulator.ports.fourme, 5103],
    ['LOG_FORMAT', { LOG_FORMAT: 'pretty' }, (c) => c.log.pretty, true],
    ['LOG_ERROR_LINES', { LOG_ERROR_LINES: '5' }, (c) => c.log.errorLines, 5],
    ['LOG_ERROR_INTERVAL_MS', { LOG_ERROR_INTERVAL_MS: '60000' }, (c) => c.log.errorIntervalMs, 60000],
    [
      'AUTH_JWT_SECRET',
      { AUTH_JWT_SECRET: 'a'.repeat(32), AUTH_ISSUER: 'https://id.test/', AUTH_AUDIENCE: 'usage' },
      (c) => c.auth,
      { mode: 'jwt', key: { secret: 'a'.repeat(32) }, issuer: 'https://id.test/', audience: 'usage' },
    ],
    [
      'AUTH_JWKS_URL',
      { AUTH_JWKS_URL: 'https://id.test/jwks.json', AUTH_ISSUER: 'https://id.test/', AUTH_AUDIENCE: 'usage' },
      (c) => c.auth,
      { mode: 'jwt', key: { jwksUrl: 'https://id.test/jwks.json' }, issuer: 'https://id.test/', audience: 'usage' },
    ],
    ['AUTH_MODE', { ...onomondo, AUTH_MODE: 'anonymous' }, (c) => c.auth, { mode: 'anonymous' }],
    ['MAX_BODY_BYTES', { MAX_BODY_BYTES: '2048' }, (c) => c.requestLimits.maxBodyBytes, 2048],
    ['MAX_DEPTH', { MAX_DEPTH: '6' }, (c) => c.requestLimits.maxDepth, 6],
    ['MAX_ALIASES', { MAX_ALIASES: '0' }, (c) => c.requestLimits.maxAliases, 0],
    ['MAX_TOKENS', { MAX_TOKENS: '500' }, (c) => c.requestLimits.maxTokens, 500],
    ['MAX_DIRECTIVES', { MAX_DIRECTIVES: '5' }, (c) => c.requestLimits.maxDirectives, 5],
    ['OPERATION_TIMEOUT_MS', { OPERATION_TIMEOUT_MS: '5000' }, (c) => c.operationTimeoutMs, 5000],
    [
      'CORS_ORIGINS',
      { CORS_ORIGINS: 'https://App.example.com/, http://localhost:5173' },
      (c) => c.browser.corsOrigins,
      ['https://app.example.com', 'http://localhost:5173'],
    ],
    ['CORS_ORIGINS', { CORS_ORIGINS: '*' }, (c) => c.browser.corsOrigins, ['*']],
    ['GRAPHIQL', { GRAPHIQL: 'false' }, (c) => c.browser, { corsOrigins: [], graphiql: false, introspection: false }],
    ['INTROSPECTION', { INTROSPECTION: 'off' }, (c) => c.browser.introspection, false],
    ['TRUSTED_DOCUMENTS', { TRUSTED_DOCUMENTS: 'persisted-documents.json' }, (c) => c.trustedDocuments, 'persisted-documents.json'],
  ])('reads %s', (_name, environment, select, expected) => {
    expect(select(loadConfig(environment))).toEqual(expected);
  });

  it('derives Signicat’s token and account management URLs from its base URL', () => {
    expect(loadConfig({ ...signicat, SIGNICAT_BASE_URL: 'https://api.signicat.com/' }).sources.signicat).toEqual({
      baseUrl: 'https://api.signicat.com',
      tokenUrl: 'https://api.signicat.com/auth/open/connect/token',
      accountManagementUrl: 'https://api.signicat.com/account-management',
      usagePath: '/usage/transactions',
      clientId: 'client',
      clientSecret: 'sig-secret-value',
      scope: 'signicat-api',
    });
  });

  it('configures each source on its own: the others stay simulated', () => {
    const config = loadConfig(onomondo);
    expect(config.sources.onomondo).toBeDefined();
    expect(config.sources.signicat).toBeUndefined();
    expect(config.sources.fourme).toBeUndefined();
  });

  it.each([
    ['PORT', 'hunter2'],
    ['PORT', '70000'],
    ['PORT', '1.5'],
    ['SIGNICAT_BASE_URL', 'ftp://client:hunter2@api.signicat.test'],
    ['ONOMONDO_BASE_URL', 'not-a-url-hunter2'],
    ['FOURME_BASE_URL', 'api.4me.test/hunter2'],
    ['SIGNICAT_TOKEN_URL', 'hunter2'],
    ['SIGNICAT_USAGE_PATH', 'usage-hunter2'],
    ['UPSTREAM_CONNECT_TIMEOUT_MS', '0'],
    ['WORKERS', '0'],
    ['WORKERS', 'all-hunter2'],
    ['SHUTDOWN_GRACE_MS', '-5'],
    ['COMPRESSION_THRESHOLD_BYTES', '1kb'],
    ['UPSTREAM_MAX_ATTEMPTS', '11'],
    ['UPSTREAM_DEADLINE_MS', 'soon'],
    ['SIMULATOR_TODAY', '2026-13-01'],
    ['SIMULATOR_LATENCY_MS', '-1'],
    ['FOURME_SIMULATOR_PORT', '65536'],
    ['LOG_LEVEL', 'verbose-hunter2'],
    ['LOG_FORMAT', 'hunter2'],
    ['AUTH_JWT_SECRET', 'short-hunter2'],
    ['AUTH_JWKS_URL', 'http://id.hunter2.test/jwks.json'],
    ['AUTH_MODE', 'hunter2'],
    ['MAX_BODY_BYTES', '0'],
    ['MAX_DEPTH', 'deep'],
    ['OPERATION_TIMEOUT_MS', '-5'],
    ['CORS_ORIGINS', 'https://app.hunter2.test/path'],
    ['CORS_ORIGINS', '*, https://app.hunter2.test'],
    ['CORS_ORIGINS', 'app.hunter2.test'],
    ['GRAPHIQL', 'hunter2'],
    ['INTROSPECTION', 'maybe'],
    ['CACHE', 'hunter2'],
    ['CACHE_MAX_MB', '0'],
    ['CACHE_TTL_S', '-5'],
    ['REDIS_URL', 'http://hunter2@redis.test'],
    ['REDIS_TIMEOUT_MS', '0'],
    ['ONOMONDO_RATE_LIMIT', '12/60'],
    ['ONOMONDO_RATE_LIMIT', '12/1m'],
    ['FOURME_RATE_LIMIT', '0/3600s'],
    ['SIGNICAT_RATE_LIMIT', 'hunter2/60s'],
  ])('rejects %s=%s, naming the variable and not the value', (name, value) => {
    const environment = { ...signicat, ...onomondo, ...fourme, [name]: value };
    const message = configError(environment);
    expect(message).toMatch(new RegExp(`^  ${name}: `, 'm'));
    expect(message).not.toContain(value);
    expect(message).not.toContain('hunter2');
    for (const secret of secrets) expect(message).not.toContain(secret);
  });

  it('turns GraphiQL and introspection off by default once a real vendor is configured', () => {
    expect(loadConfig(onomondo).browser).toEqual({ corsOrigins: [], graphiql: false, introspection: false });
    expect(loadConfig({ ...onomondo, GRAPHIQL: 'true' }).browser).toMatchObject({ graphiql: true, introspection: true });
    expect(loadConfig({ ...onomondo, GRAPHIQL: 'true', INTROSPECTION: 'false' }).browser).toMatchObject({
      graphiql: true,
      introspection: false,
    });
  });

  it('accepts an http JWKS URL on a loopback address only', () => {
    const jwks = { AUTH_ISSUER: 'https://id.test/', AUTH_AUDIENCE: 'usage' };
    expect(loadConfig({ ...jwks, AUTH_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }).auth).toMatchObject({ mode: 'jwt' });
    expect(loadConfig({ ...jwks, AUTH_JWKS_URL: 'http://localhost:8080/jwks.json' }).auth).toMatchObject({ mode: 'jwt' });
  });

  const jwtSecret = { AUTH_JWT_SECRET: 'jwt-secret-hunter2-0123456789abcdef' };
  const realOnomondo = { ONOMONDO_BASE_URL: 'https://api.onomondo.test', ONOMONDO_API_KEY: 'ono-key-value' };

  it('refuses a real vendor without client authentication, naming the vendor and the way out', () => {
    const message = configError(realOnomondo);
    expect(message).toMatch(/^ {2}AUTH_JWT_SECRET: or AUTH_JWKS_URL is required when a real vendor is configured \(ONOMONDO_BASE_URL\)/m);
    expect(message).toContain('AUTH_MODE=anonymous');
  });

  it('serves a real vendor with a JWT secret, or anonymously when AUTH_MODE=anonymous says so', () => {
    expect(loadConfig({ ...realOnomondo, ...jwtSecret }).auth).toMatchObject({ mode: 'jwt' });
    expect(loadConfig({ ...realOnomondo, AUTH_MODE: 'anonymous' }).auth).toEqual({ mode: 'anonymous' });
  });

  it.each<[string, Record<string, string>, string]>([
    ['both keys', { ...jwtSecret, AUTH_JWKS_URL: 'https://id.test/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, 'AUTH_JWKS_URL'],
    ['anonymous mode with a key', { ...jwtSecret, AUTH_MODE: 'anonymous' }, 'AUTH_MODE'],
    ['jwt mode without a key', { AUTH_MODE: 'jwt' }, 'AUTH_MODE'],
    ['an issuer without a key', { AUTH_ISSUER: 'https://id.test/' }, 'AUTH_ISSUER'],
    ['an audience without a key', { AUTH_AUDIENCE: 'usage' }, 'AUTH_AUDIENCE'],
    ['a JWKS without an issuer', { AUTH_JWKS_URL: 'https://id.test/jwks.json', AUTH_AUDIENCE: 'usage' }, 'AUTH_ISSUER'],
    ['a JWKS without an audience', { AUTH_JWKS_URL: 'https://id.test/jwks.json', AUTH_ISSUER: 'https://id.test/' }, 'AUTH_AUDIENCE'],
  ])('refuses %s, naming %s and no secret', (_case, environment, variable) => {
    const message = configError(environment);
    expect(message).toMatch(new RegExp(`^ {2}${variable}: `, 'm'));
    expect(message).not.toContain('hunter2');
  });

  it('rejects a default page size above the maximum', () => {
    expect(configError({ PAGE_SIZE_DEFAULT: '50', PAGE_SIZE_MAX: '40' })).toContain('PAGE_SIZE_DEFAULT: must not exceed PAGE_SIZE_MAX');
  });

  it.each([
    [{ SIGNICAT_BASE_URL: 'https://api.signicat.test' }, ['SIGNICAT_CLIENT_ID', 'SIGNICAT_CLIENT_SECRET']],
    [{ SIGNICAT_BASE_URL: 'https://api.signicat.test', SIGNICAT_CLIENT_ID: 'client' }, ['SIGNICAT_CLIENT_SECRET']],
    [{ ONOMONDO_BASE_URL: 'https://api.onomondo.test' }, ['ONOMONDO_API_KEY']],
    [{ FOURME_BASE_URL: 'https://api.4me.test/v1' }, ['FOURME_TOKEN', 'FOURME_ACCOUNT']],
    [{ FOURME_BASE_URL: 'https://api.4me.test/v1', FOURME_TOKEN: 'fourme-token-value' }, ['FOURME_ACCOUNT']],
  ])('a base URL without its credentials names what is missing: %j', (environment, missing) => {
    const message = configError(environment);
    const named = [...message.matchAll(/^ {2}(\w+): is required when \w+ is set$/gm)].map((match) => match[1]);
    expect(named).toEqual(missing);
    for (const secret of secrets) expect(message).not.toContain(secret);
  });

  it.each([
    [{ ONOMONDO_API_KEY: 'onomondo-key-value' }, 'ONOMONDO_BASE_URL'],
    [{ SIGNICAT_CLIENT_ID: 'client', SIGNICAT_CLIENT_SECRET: 'signicat-secret-value' }, 'SIGNICAT_BASE_URL'],
    [{ FOURME_TOKEN: 'fourme-token-value' }, 'FOURME_BASE_URL'],
  ])('credentials without their base URL are refused rather than silently simulated: %j', (environment, missingBase) => {
    const message = configError(environment);
    expect(message).toMatch(new RegExp(`^ {2}${missingBase}: is required when `, 'm'));
    for (const value of Object.values(environment)) expect(message).not.toContain(value);
  });

  it('reports missing credentials together with invalid values', () => {
    const message = configError({ PORT: 'x', ONOMONDO_BASE_URL: 'https://api.onomondo.test' });
    expect(message).toMatch(/^ {2}PORT: /m);
    expect(message).toMatch(/^ {2}ONOMONDO_API_KEY: is required when ONOMONDO_BASE_URL is set$/m);
  });

  it('puts the metrics listener on port 9464 and HOST by default, where METRICS_PORT and METRICS_HOST say, or nowhere', () => {
    expect(loadConfig({ HOST: '127.0.0.1' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ port: 0, host: '0.0.0.0' });
    expect(loadConfig({ METRICS_PORT: 'off' }).metrics).toBeUndefined();
    // A gateway on any free port takes any free port for its metrics too.
    expect(loadConfig({ PORT: '0' }).metrics).toEqual({ port: 0, host: '0.0.0.0' });
    for (const port of ['70000', '-1', 'on']) expect(configError({ METRICS_PORT: port })).toMatch(/^ {2}METRICS_PORT: /m);
  });

  it('sends traces once an OTLP endpoint is set, to /v1/traces below it or to the traces endpoint as given', () => {
    expect(loadConfig({ OTEL_SERVICE_NAME: 'unused' }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      serviceName: 'usage-graph',
      scheduleDelayMs: 5000,
      propagateToUpstream: false,
    });
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/api/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, X-Team = usage',
        OTEL_PROPAGATE_TO_UPSTREAM: 'true',
      }).tracing,
    ).toMatchObject({
      tracesUrl: 'https://otlp.example.com/api/traces',
      protocol: 'http/json',
      headers: { 'x-api-key': 'abc==', 'x-team': 'usage' },
      propagateToUpstream: true,
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined();
  });

  it('refuses gRPC and malformed OTLP headers, without quoting the headers', () => {
    expect(configError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(
      /^ {2}OTEL_EXPORTER_OTLP_PROTOCOL: .*gRPC is not supported/m,
    );
    const message = configError({ OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key: otlp-secret-value' });
    expect(message).toMatch(/^ {2}OTEL_EXPORTER_OTLP_HEADERS: must be key=value pairs/m);
    expect(message).not.toContain('otlp-secret-value');
  });

  it('rejects a blank HOST', () => {
    expect(configError({ HOST: '   ' })).toMatch(/^ {2}HOST: /m);
  });

  it('reports every invalid value at once', () => {
    const message = configError({ PORT: 'x', SIMULATOR_TODAY: 'today', UPSTREAM_MAX_ATTEMPTS: '0' });
    expect(message.split('\n')).toEqual([
      'Invalid configuration:',
      expect.stringMatching(/^ {2}PORT: /),
      expect.stringMatching(/^ {2}UPSTREAM_MAX_ATTEMPTS: /),
      expect.stringMatching(/^ {2}SIMULATOR_TODAY: /),
    ]);
  });
});

describe('npm start with invalid configuration', () => {
  it('exits non-zero with one message naming each variable, and no values or stack', async () => {
    const server = spawnNpm(
      ['start'],
      cleanEnvironment({ PORT: '99999', FOURME_BASE_URL: 'https://api.4me.test/v1', FOURME_TOKEN: 'hunter2-token' }),
    );
    try {
      const code = await Promise.race([
        server.exited(),
        new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
      ]);
      expect(code).toBe(1);
      // npm's own notices (`npm warn …`, `npm error …`) depend on the user's npm config: only the app's output counts.
      const own = server
        .stderr()
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('npm '));
      expect(own).toEqual([
        'Invalid configuration:',
        '  PORT: Too big: expected number to be <=65535',
        '  FOURME_ACCOUNT: is required when FOURME_BASE_URL is set',
        '  AUTH_JWT_SECRET: or AUTH_JWKS_URL is required when a real vendor is configured (FOURME_BASE_URL); set AUTH_MODE=anonymous to serve its data without client authentication',
      ]);
      expect(server.stdout()).not.toContain('GraphiQL');
      expect(server.stdout() + server.stderr()).not.toContain('hunter2');
    } finally {
      await server.stop();
    }
  });
});
