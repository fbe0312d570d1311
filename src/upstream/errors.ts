/** The three upstream vendors this gateway reads from. */
export type SourceName = 'signicat' | 'onomondo' | 'fourme';

export type UpstreamErrorCode =
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAUTHORIZED'
  | 'UPSTREAM_NOT_FOUND'
  | 'UPSTREAM_BAD_REQUEST'
  | 'UPSTREAM_BAD_RESPONSE';

export interface UpstreamErrorDetails {
  source: SourceName;
  /** `METHOD /path` of the call that failed, without query string (it may carry ids, never credentials). */
  endpoint: string;
  /** HTTP status the upstream answered with, when it answered. */
  status?: number;
  cause?: unknown;
}

/** Base of every failure talking to a vendor API. `code` is stable and becomes `extensions.code`. */
export abstract class UpstreamError extends Error {
  abstract readonly code: UpstreamErrorCode;
  readonly source: SourceName;
  readonly endpoint: string;
  readonly status: number | undefined;

  constructor(message: string, details: UpstreamErrorDetails) {
    super(`${details.source} ${details.endpoint}: ${message}`, { cause: details.cause });
    this.name = new.target.name;
    this.source = details.source;
    this.endpoint = details.endpoint;
    this.status = details.status;
  }
}

/** 5xx, refused or reset connections, or an open circuit breaker. */
export class UpstreamUnavailableError extends UpstreamError {
  readonly code = 'UPSTREAM_UNAVAILABLE';
}

/** The connect, headers or body timeout, or the call's overall deadline, ran out. */
export class UpstreamTimeoutError extends UpstreamError {
  readonly code = 'UPSTREAM_TIMEOUT';
}

/** Still 429 after the allowed retries, or the vendor asked to wait past the call's deadline. */
export class UpstreamRateLimitedError extends UpstreamError {
  readonly code = 'UPSTREAM_RATE_LIMITED';
  /** How long the vendor asked to wait, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: UpstreamErrorDetails & { retryAfterMs?: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 401/403 that a credential refresh did not cure. */
export class UpstreamUnauthorizedError extends UpstreamError {
  readonly code = 'UPSTREAM_UNAUTHORIZED';
}

export class UpstreamNotFoundError extends UpstreamError {
  readonly code = 'UPSTREAM_NOT_FOUND';
}

/** Any other 4xx: the vendor rejected what we sent. */
export class UpstreamBadRequestError extends UpstreamError {
  readonly code = 'UPSTREAM_BAD_REQUEST';
}

/** A body that is not JSON or does not match its schema. */
export class UpstreamBadResponseError extends UpstreamError {
  readonly code = 'UPSTREAM_BAD_RESPONSE';
  /** Dotted path of the first field that failed validation, e.g. `data[3].count`. */
  readonly fieldPath: string | undefined;

  constructor(message: string, details: UpstreamErrorDetails & { fieldPath?: string }) {
    super(message, details);
    this.fieldPath = details.fieldPath;
  }
}
