import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from './errors.js';
import { requestLogOf } from './http/request-context.js';
import type { GraphContext } from './schema/context.js';
import { UpstreamBadResponseError, UpstreamCancelledError, UpstreamError, UpstreamRateLimitedError } from './upstream/errors.js';

/**
 * The one place errors become GraphQL errors: upstream and input errors keep their message and get a stable
 * `extensions.code` (plus `source` for upstream errors); anything unexpected reaches the client only as
 * `INTERNAL_SERVER_ERROR`. No stack trace ever leaves the process. The cause stays on the masked error
 * (`originalError` is never serialised) for {@link useErrorLog}.
 */
export function maskError(error: unknown): GraphQLError {
  if (!(error instanceof GraphQLError)) return unexpected(error, undefined);
  const cause = rootCause(error);
  if (cause === undefined) return error;
  if (cause instanceof UpstreamError) {
    return withExtensions(error, cause.message, cause, {
      code: cause.code,
      source: cause.source,
      ...(cause.status === undefined ? {} : { upstreamStatus: cause.status }),
      ...(cause instanceof UpstreamRateLimitedError && cause.retryAfterMs !== undefined ? { retryAfterMs: cause.retryAfterMs } : {}),
      ...(cause instanceof UpstreamBadResponseError ? badResponseDetails(cause) : {}),
    });
  }
  if (cause instanceof GatewayError) return withExtensions(error, cause.message, cause, { code: cause.code, ...cause.details });
  // No path: graphql-js refused a variable before anything ran (a Date that is no calendar day); its message names the variable.
  if (error.path === undefined && error.originalError instanceof GraphQLError) {
    return withExtensions(error, error.message, error.originalError, { code: 'BAD_USER_INPUT' });
  }
  // A GraphQLError raised while resolving (a scalar refusing a value, a Pothos internal error) is as unexpected as any other.
  return unexpected(cause, error);
}

/** Where in the vendor's answer the offending value sat: the record (in a list) and its field. */
function badResponseDetails(error: UpstreamBadResponseError): Record<string, string> {
  return {
    ...(error.recordPath === undefined ? {} : { recordPath: error.recordPath }),
    ...(error.fieldPath === undefined ? {} : { fieldPath: error.fieldPath }),
  };
}

function unexpected(cause: unknown, located: GraphQLError | undefined): GraphQLError {
  const extensions = { code: 'INTERNAL_SERVER_ERROR' };
  const originalError = cause instanceof Error ? cause : new Error(String(cause));
  return located
    ? withExtensions(located, 'Unexpected error.', originalError, extensions)
    : new GraphQLError('Unexpected error.', { extensions, originalError });
}

/**
 * Logs every error of an operation once on the request's logger (its lines carry the response's `x-request-id`):
 * upstream failures as warnings, unexpected ones as errors. Only names, codes and messages: never a stack trace.
 */
export function useErrorLog(): Plugin {
  return {
    onExecutionResult({ result, request }) {
      if (!result || !('errors' in result)) return;
      // The request's logger, not the context's: a document that fails to parse has no GraphQL context.
      const log = requestLogOf(request);
      if (!log) return;
      for (const error of result.errors ?? []) {
        const cause = error instanceof GraphQLError ? rootCause(error) : error;
        // A cancelled call is the client's leaving, not an incident.
        if (cause instanceof UpstreamCancelledError) continue;
        if (cause instanceof UpstreamError) {
          log.warn({ code: cause.code, source: cause.source, error: cause.message }, 'upstream error');
        } else if (error instanceof GraphQLError && error.extensions['code'] === 'INTERNAL_SERVER_ERROR') {
          log.error({ err: cause }, 'unexpected error');
        }
      }
    },
  };
}

/**
 * Adds the errors the vendors' notices left (records that failed validation, beside data that stands) to the
 * operation's result, masked like every other error, and lists the fields served stale in `extensions.stale`;
 * registered before {@link useErrorLog} so the errors are logged too.
 */
export function useNoticeErrors(): Plugin<GraphContext, GraphContext> {
  return {
    onExecutionResult({ result, setResult, context }) {
      // A document refused before execution never had a graph context.
      if (!result || !('data' in result) || !context.notices) return;
      const noticed = context.notices.errors;
      const stale = context.notices.stale;
      if (noticed.length === 0 && stale.length === 0) return;
      setResult({
        ...result,
        ...(noticed.length > 0 ? { errors: [...(result.errors ?? []), ...noticed.map(maskError)] } : {}),
        // Served from copies kept while the vendor could not answer: which fields, from whom, how old.
        ...(stale.length > 0 ? { extensions: { ...result.extensions, stale } } : {}),
      });
    },
  };
}

/** The innermost non-GraphQL error behind a resolver failure (Pothos and DataLoader may wrap it). */
function rootCause(error: GraphQLError): unknown {
  let cause: unknown = error.originalError;
  while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
  return cause;
}

function withExtensions(error: GraphQLError, message: string, cause: unknown, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    ...(cause instanceof Error ? { originalError: cause } : {}),
    extensions: { ...error.extensions, ...extensions },
  });
}
