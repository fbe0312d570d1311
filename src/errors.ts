/** Errors the gateway raises about the request itself (not about an upstream); each has a stable code. */
export abstract class GatewayError extends Error {
  abstract readonly code: 'BAD_USER_INPUT' | 'INVALID_CURSOR' | 'UPSTREAM_CALL_LIMIT_EXCEEDED';
}

/** An argument the client sent cannot be used: negative or oversized page sizes, malformed ids, bad dates. */
export class BadUserInputError extends GatewayError {
  readonly code = 'BAD_USER_INPUT';
  override name = 'BadUserInputError';
}

/** A cursor that is malformed, stale, or belongs to another connection or another set of filters. */
export class InvalidCursorError extends GatewayError {
  readonly code = 'INVALID_CURSOR';
  override name = 'InvalidCursorError';
}
