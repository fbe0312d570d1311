import { randomUUID } from 'node:crypto';
import { createYoga } from 'graphql-yoga';
import { maskError } from './mask-error.js';
import { requestScope } from './request-scope.js';
import { createGraphContext, type GraphContext, type Sources } from './schema/context.js';
import { exampleOperation } from './schema/example-operation.js';
import { schema } from './schema/index.js';
import type { PageSizeLimits } from './schema/paging/args.js';

/** The GraphQL endpoint at `/graphql` with GraphiQL (assets bundled, no CDN) and `/health`. */
export function createApp(sources: Sources, limits: PageSizeLimits) {
  return createYoga<Record<string, unknown>, GraphContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: () => createGraphContext(sources, limits, requestScope.getStore()?.requestId ?? randomUUID()),
    maskedErrors: { maskError },
    graphiql: { title: 'usage-graph', defaultQuery: exampleOperation },
    // The bundled GraphiQL (no CDN) is a few MB of script: loaded on the first page view, not at start-up.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    logging: false,
  });
}

export type App = ReturnType<typeof createApp>;
