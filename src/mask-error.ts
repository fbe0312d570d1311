import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { GatewayError } from './errors.js';
import { log } from './log.js';
import { requestScope } from './request-scope.js';
import { UpstreamError, UpstreamRateLimitedError } from './upstream/errors.js';

/**
 * The one place errors become GraphQL errors: upstream and input errors keep their message and get a stable
 * `extensions.code` (plus `source` for upstream errors); anything unexpected is logged with the request id and
 * reaches the client only as `INTERNAL_SERVER_ERROR`. No stack trace ever leaves the process.
 */
export function maskError(error: unknown): Error {
  if (!(error instanceof GraphQLError)) return unexpected(error, undefined);
  const cause = rootCause(error);
  if (cause === undefined) return error;
  if (cause instanceof UpstreamError) {
    log.warn('upstream error', { requestId: requestId(), code: cause.code, source: cause.source, message: cause.message });
    return withExtensions(error, cause.message, {
      code: cause.code,
      source: cause.source,
      ...(cause.status === undefined ? {} : { upstreamStatus: cause.status }),
      ...(cause instanceof UpstreamRateLimitedError && cause.retryAfterMs !== undefined ? { retryAfterMs: cause.retryAfterMs } : {}),
    });
  }
  if (cause instanceof GatewayError) return withExtensions(error, cause.message, { code: cause.code });
  // No path: graphql-js refused a variable before anything ran (a Date that is no calendar day); its message names the variable.
  if (error.path === undefined && error.originalError instanceof GraphQLError) {
    return withExtensions(error, error.message, { code: 'BAD_USER_INPUT' });
  }
  // A GraphQLError raised while resolving (a scalar refusing a value, a Pothos internal error) is as unexpected as any other.
  return unexpected(cause, error);
}

function unexpected(cause: unknown, located: GraphQLError | undefined): GraphQLError {
  const id = requestId();
  log.error('unexpected error', {
    requestId: id,
    error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
  });
  const extensions = { code: 'INTERNAL_SERVER_ERROR', requestId: id };
  return located ? withExtensions(located, 'Unexpected error.', extensions) : new GraphQLError('Unexpected error.', { extensions });
}

/** The innermost non-GraphQL error behind a resolver failure (Pothos and DataLoader may wrap it). */
function rootCause(error: GraphQLError): unknown {
  let cause: unknown = error.originalError;
  while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
  return cause;
}

function withExtensions(error: GraphQLError, message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, ...extensions },
  });
}

function requestId(): string {
  return requestScope.getStore()?.requestId ?? randomUUID();
}
