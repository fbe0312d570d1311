export type UpstreamErrorCode =
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAUTHORIZED'
  | 'UPSTREAM_NOT_FOUND'
  | 'UPSTREAM_BAD_REQUEST'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'UPSTREAM_CANCELLED';

export interface UpstreamErrorDetails {
  /** The vendor, as its source registers itself (`onomondo`). */
  source: string;
  /** `METHOD /path-template` of the call that failed (`GET /v1/people/{id}`): never ids, queries or credentials. */
  endpoint: string;
  /** HTTP status the upstream answered with, when it answered. */
  status?: number;
  cause?: unknown;
}

/** Base of every failure talking to a vendor API. `code` is stable and becomes `extensions.code`. */
export abstract class UpstreamError extends Error {
  abstract readonly code: UpstreamErrorCode;
  readonly source: string;
  readonly endpoint: string;
  readonly status: number | undefined;

  /** The message names the vendor, never its paths: clients see it, and paths are the gateway's business. */
  constructor(message: string, details: UpstreamErrorDetails) {
    super(`${details.source}: ${message}`, { cause: details.cause });
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

/** A body that is not JSON or does not match its schema, or one record of a list that does not. */
export class UpstreamBadResponseError extends UpstreamError {
  readonly code = 'UPSTREAM_BAD_RESPONSE';
  /** Where the offending record sat in the answer, e.g. `data[3]`; absent when the whole body failed. */
  readonly recordPath: string | undefined;
  /** Dotted path of the first field that failed validation, e.g. `count` (inside the record) or `data` (whole body). */
  readonly fieldPath: string | undefined;

  constructor(message: string, details: UpstreamErrorDetails & { recordPath?: string; fieldPath?: string }) {
    super(message, details);
    this.recordPath = details.recordPath;
    this.fieldPath = details.fieldPath;
  }
}

/** The caller gave up (its client disconnected) before the vendor answered: no verdict on the vendor. */
export class UpstreamCancelledError extends UpstreamError {
  readonly code = 'UPSTREAM_CANCELLED';
}
