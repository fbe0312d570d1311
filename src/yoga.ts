import { createYoga } from 'graphql-yoga';
import { useAdmissionLimit } from './admission.js';
import { useAuthentication } from './auth/authenticate.js';
import { ClientBudget, useClientBudget } from './budgets/client.js';
import type { Config } from './config.js';
import { corsPolicy, useIntrospection } from './http/browser.js';
import { requestContextOf, useRequestContext, type RequestContext } from './http/request-context.js';
import { useTrustedDocuments, type TrustedDocuments } from './http/trusted-documents.js';
import { useBodyLimit } from './limits/body-size.js';
import { useOperationCost } from './limits/operation-cost.js';
import { useOperationLimits } from './limits/operation-limits.js';
import type { Logger } from './log.js';
import { maskError, useErrorLog, useNoticeErrors } from './mask-error.js';
import { createGraphContext, type GraphContext } from './schema/context.js';
import { exampleOperation } from './schema/example-operation.js';
import { schema } from './schema/index.js';
import type { Paging } from './schema/paging/args.js';
import { useReadiness, type Readiness } from './readiness.js';
import type { SharedRedis } from './redis.js';
import type { Clients } from './sources/registry.js';
import type { Telemetry } from './telemetry/telemetry.js';

export interface AppOptions {
  log: Logger;
  paging: Paging;
  /** When given, only these documents run (`TRUSTED_DOCUMENTS`). */
  trustedDocuments?: TrustedDocuments | undefined;
  readiness: Readiness;
  /** Shares the client budgets with every replica. */
  redis?: SharedRedis;
  /** Metrics and traces; their plugins come first, so that they see every other plugin's work. */
  telemetry?: Telemetry | undefined;
}

/** The GraphQL endpoint at `/graphql` with GraphiQL (assets bundled, no CDN), `/health` (liveness) and `/ready`. */
export function createApp(clients: Clients, config: Config, { log, paging, trustedDocuments, readiness, redis, telemetry }: AppOptions) {
  const clientBudget = config.clientCallsPerMinute === undefined ? undefined : new ClientBudget(config.clientCallsPerMinute, redis);
  return createYoga<Record<string, unknown>, GraphContext & RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: ({ request }) => {
      const requestContext = requestContextOf(request);
      // Upstream calls end when the client leaves or OPERATION_TIMEOUT_MS passes.
      const operation = { paging, maxUpstreamCalls: config.costs.maxUpstreamCalls };
      const graph = createGraphContext(clients, operation, {
        requestId: requestContext.requestId,
        scopes: requestContext.principal.scopes,
        signal: requestContext.signal,
        meter: requestContext.meter,
        clientAllowance: clientBudget?.allowance(requestContext.client),
      });
      return { ...graph, ...requestContext };
    },
    maskedErrors: { maskError },
    maxRequestBodySize: config.requestLimits.maxBodyBytes,
    multipart: false,
    cors: corsPolicy(config.browser.corsOrigins),
    plugins: [
      ...(telemetry?.plugins('/graphql') ?? []),
      useRequestContext({ log, operationTimeoutMs: config.operationTimeoutMs, logBindings: telemetry?.logBindings }),
      useReadiness(readiness),
      useBodyLimit(config.requestLimits.maxBodyBytes),
      useAdmissionLimit(config.maxConcurrentOperations, '/graphql'),
      useAuthentication(config.auth, log),
      ...(trustedDocuments ? [useTrustedDocuments(trustedDocuments)] : []),
      useOperationLimits(config.requestLimits),
      useOperationCost(config.costs),
      ...(clientBudget ? [useClientBudget(clientBudget)] : []),
      useIntrospection(config.browser.introspection),
      useNoticeErrors(),
      useErrorLog(),
    ],
    graphiql: config.browser.graphiql && { title: 'usage-graph', defaultQuery: exampleOperation },
    // The bundled GraphiQL (no CDN) is a few MB of script: loaded on the first page view, not at start-up.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    logging: false,
  });
}

export type App = ReturnType<typeof createApp>;
