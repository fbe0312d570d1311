import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Plugin, YogaServerOptions } from 'graphql-yoga';

type CorsOption = NonNullable<YogaServerOptions<Record<string, unknown>, Record<string, unknown>>['cors']>;

/**
 * CORS for an allow-list of origins (`CORS_ORIGINS`): allowed origins get the headers, others none, so the browser
 * keeps the answer from them; no list means no cross-origin access at all. Credentials are never allowed: clients
 * authenticate with a bearer token, not cookies, so `*` cannot expose anyone's session.
 */
export function corsPolicy(origins: readonly string[]): CorsOption {
  if (origins.length === 0) return false;
  const allowed = {
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'accept', 'x-request-id'],
    credentials: false,
  };
  const headers = { ...allowed, exposedHeaders: ['x-request-id', 'retry-after'], maxAge: 600 };
  if (origins.includes('*')) return { ...headers, origin: '*' };
  // Yoga answers a listed origin with itself (and `Vary: Origin`); an unlisted one gets no CORS headers at all,
  // not `Access-Control-Allow-Origin: null`, which a sandboxed page would match.
  return (request) => (origins.includes(request.headers.get('origin') ?? '') ? { ...headers, origin: [...origins] } : false);
}

/**
 * With `INTROSPECTION=false`: `__schema` and `__type` are refused (`GRAPHQL_VALIDATION_FAILED`) and validation
 * messages no longer suggest field names ("Did you mean …?"), which would give the schema away piece by piece.
 */
export function useIntrospection(enabled: boolean): Plugin {
  if (enabled) return {};
  return {
    onPluginInit({ addPlugin }) {
      // Typed for a context with an index signature; it reads only `context.request`.
      addPlugin(useDisableIntrospection() as Plugin);
      addPlugin(blockFieldSuggestionsPlugin());
    },
  };
}
