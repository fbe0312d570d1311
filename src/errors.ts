/** Errors the gateway raises about the request itself (not about an upstream); each has a stable code. */
export abstract class GatewayError extends Error {
  abstract readonly code:
    'BAD_USER_INPUT' | 'INVALID_CURSOR' | 'UPSTREAM_CALL_LIMIT_EXCEEDED' | 'CLIENT_RATE_LIMITED' | 'OPERATION_TIMEOUT';

  /** Numbers the client can act on, beside the code in `extensions` (`retryAfterMs`). */
  get details(): Record<string, number> {
    return {};
  }
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

/** The operation ran past `OPERATION_TIMEOUT_MS`: what it had stands, the fields still waiting fail with this. */
export class OperationTimeoutError extends GatewayError {
  readonly code = 'OPERATION_TIMEOUT';
  override name = 'OperationTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`the operation ran longer than ${timeoutMs} ms and was ended; ask for less, or retry`);
  }
}
