import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.js';
import { OperationTimeoutError } from '../errors.js';
import type { Logger } from '../log.js';

/** Upstream calls an operation made: the upstream layer counts into it, the access log reads it. */
export interface Meter {
  upstreamCalls: number;
}

/** What every GraphQL request carries, created when the request arrives; the GraphQL context holds it too. */
export interface RequestContext {
  /** Sent back as `x-request-id`; every log line of the request carries it. */
  requestId: string;
  /** The process logger bound to `requestId`. */
  log: Logger;
  meter: Meter;
  /**
   * Aborts when the client disconnects (reason: a DOMException named `AbortError`) or `OPERATION_TIMEOUT_MS` after
   * the request arrived (an {@link OperationTimeoutError}, which the fields still waiting then fail with). Never
   * aborts once the response is out.
   */
  signal: AbortSignal;
  principal: Principal;
  /** Who to count the request against: the token's subject, or the remote address of an anonymous caller. */
  client: string;
}

interface RequestState extends Omit<RequestContext, 'principal' | 'client'> {
  principal: Principal | undefined;
  /** Read while the socket is open: a client that disconnected has none any more. */
  remoteAddress: string | undefined;
  startedAt: number;
  operation: string | undefined;
  /** Stops the timeout and the disconnect listener: the response is out. */
  settle(): void;
}

export interface RequestContextOptions {
  log: Logger;
  operationTimeoutMs: number;
  /** Fields every log line of the request carries besides its id (its trace), read as the request arrives. */
  logBindings?: ((request: Request) => Record<string, string>) | undefined;
}

const states = new WeakMap<Request, RequestState>();

/** The request context for the GraphQL context; the principal is set by the authentication plugin by then. */
export function requestContextOf(request: Request): RequestContext {
  const state = states.get(request);
  if (state?.principal === undefined) throw new Error('no authenticated request: useRequestContext and useAuthentication must run first');
  const { requestId, log, meter, signal, principal } = state;
  return { requestId, log, meter, signal, principal, client: clientOf(state, undefined) };
}

/** The request's logger, for hooks that run before (or without) a GraphQL context. */
export function requestLogOf(request: Request): Logger | undefined {
  return states.get(request)?.log;
}

/** Records the verified caller: the GraphQL context gets it, and the access log names the client by it. */
export function setPrincipal(request: Request, principal: Principal): void {
  const state = states.get(request);
  if (state) state.principal = principal;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/**
 * Gives every request, whatever its path and status, a request id (the caller's `x-request-id` when it is a sane
 * token, otherwise a fresh UUID), a child logger, a meter and an AbortSignal, answers with the id in
 * `x-request-id`, and writes one access-log line when the response is ready.
 */
export function useRequestContext(options: RequestContextOptions): Plugin {
  return {
    // Instrumentation wraps the whole request, so even answers Yoga gives before any plugin's onRequest
    // (/health, GraphiQL, CORS preflights) are timed and logged.
    instrumentation: {
      request({ request }, wrapped) {
        states.set(request, createState(request, options));
        return wrapped();
      },
    },
    onRequest({ request, serverContext }) {
      const state = states.get(request);
      if (state) state.remoteAddress = remoteAddressOf(serverContext);
    },
    onParams({ request, params }) {
      const state = states.get(request);
      if (state && typeof params.operationName === 'string') state.operation = params.operationName;
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const state = request && states.get(request);
      if (state) state.operation = getOperationAST(args.document, args.operationName)?.name?.value ?? state.operation;
    },
    onResponse({ request, response, serverContext }) {
      const state = states.get(request) ?? createState(request, options);
      state.settle();
      response.headers.set('x-request-id', state.requestId);
      const url = new URL(request.url);
      state.log.info(
        {
          method: request.method,
          path: url.pathname,
          operation: state.operation,
          status: response.status,
          durationMs: Math.round((performance.now() - state.startedAt) * 10) / 10,
          upstreamCalls: state.meter.upstreamCalls,
          client: clientOf(state, serverContext),
          ...(state.signal.aborted ? { aborted: abortReason(state.signal) } : {}),
        },
        'request',
      );
    },
  };
}

function createState(request: Request, { log: parent, operationTimeoutMs, logBindings }: RequestContextOptions): RequestState {
  const incoming = request.headers.get('x-request-id');
  const requestId = incoming !== null && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  const log = parent.child({ requestId, ...logBindings?.(request) });
  if (log.isLevelEnabled('debug')) {
    log.debug({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers) }, 'request received');
  }

  const controller = new AbortController();
  const timeout = setTimeout(() => {
    if (controller.signal.aborted) return;
    controller.abort(new OperationTimeoutError(operationTimeoutMs));
    log.warn({ timeoutMs: operationTimeoutMs }, 'operation timed out');
  }, operationTimeoutMs).unref();
  const onDisconnect = () => {
    if (controller.signal.aborted) return;
    controller.abort(new DOMException('The client disconnected before the answer.', 'AbortError'));
    log.info('client disconnected');
  };
  request.signal.addEventListener('abort', onDisconnect, { once: true });

  return {
    requestId,
    log,
    meter: { upstreamCalls: 0 },
    signal: controller.signal,
    principal: undefined,
    remoteAddress: undefined,
    startedAt: performance.now(),
    operation: undefined,
    settle() {
      clearTimeout(timeout);
      request.signal.removeEventListener('abort', onDisconnect);
    },
  };
}

function clientOf(state: RequestState, serverContext: unknown): string {
  if (state.principal && !state.principal.anonymous) return state.principal.subject;
  return state.remoteAddress ?? remoteAddressOf(serverContext) ?? 'unknown';
}

/** The client's address under Node's HTTP server (undefined for `app.fetch` calls). */
function remoteAddressOf(serverContext: unknown): string | undefined {
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket.remoteAddress;
}

function abortReason(signal: AbortSignal): string {
  return signal.reason instanceof OperationTimeoutError ? 'timeout' : 'client disconnected';
}
