import { randomUUID } from 'node:crypto';
import { createYoga, type Plugin } from 'graphql-yoga';
import { useAdmissionLimit } from './admission.js';
import { maskError, useErrorLog, useNoticeErrors } from './mask-error.js';
import { useReadiness, type Readiness } from './readiness.js';
import { createGraphContext, type GraphContext } from './schema/context.js';
import { exampleOperation } from './schema/example-operation.js';
import { schema } from './schema/index.js';
import { useOperationCost, type CostLimits } from './limits/operation-cost.js';
import type { Paging } from './schema/paging/args.js';
import type { Clients } from './sources/registry.js';

export interface AppSettings {
  paging: Paging;
  costs: CostLimits;
  maxConcurrentOperations: number;
}

/** The GraphQL endpoint at `/graphql` with GraphiQL (assets bundled, no CDN), `/health` (liveness) and `/ready`. */
export function createApp(clients: Clients, settings: AppSettings, readiness: Readiness) {
  const requestIds = new WeakMap<Request, string>();
  return createYoga<Record<string, unknown>, GraphContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: ({ request }) => {
      const requestId = requestIdOf(request);
      requestIds.set(request, requestId);
      return createGraphContext(
        clients,
        { paging: settings.paging, maxUpstreamCalls: settings.costs.maxUpstreamCalls },
        { requestId, scopes: DEMO_SCOPES, signal: request.signal },
      );
    },
    maskedErrors: { maskError },
    plugins: [
      useReadiness(readiness),
      useAdmissionLimit(settings.maxConcurrentOperations, '/graphql'),
      useOperationCost(settings.costs),
      useNoticeErrors(),
      useErrorLog(),
      echoRequestId(requestIds),
    ],
    graphiql: { title: 'usage-graph', defaultQuery: exampleOperation },
    // The bundled GraphiQL (no CDN) is a few MB of script: loaded on the first page view, not at start-up.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    logging: false,
  });
}

export type App = ReturnType<typeof createApp>;

/** The demo's anonymous caller reads everything. */
const DEMO_SCOPES: ReadonlySet<string> = new Set(['usage:read', 'usage:all']);

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The caller's `x-request-id` when it is a sane token (it lands in log lines), otherwise a fresh one. */
function requestIdOf(request: Request): string {
  const incoming = request.headers.get('x-request-id');
  return incoming !== null && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Answers with the request id the operation was logged under. */
function echoRequestId(requestIds: WeakMap<Request, string>): Plugin {
  return {
    onResponse({ request, response }) {
      const requestId = requestIds.get(request);
      if (requestId !== undefined) response.headers.set('x-request-id', requestId);
    },
  };
}
