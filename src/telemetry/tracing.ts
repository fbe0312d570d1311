import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  defaultTextMapSetter,
  trace,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../log.js';
import type { CallObservation } from '../upstream/http.js';

/** Where and how traces are sent (the `OTEL_*` variables). */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL, e.g. `http://collector:4318/v1/traces`. */
  tracesUrl: string;
  /** @default 'http/protobuf' */
  protocol: 'http/protobuf' | 'http/json';
  /** Sent with every export (a collector's API key); never logged. */
  headers: Record<string, string>;
  /** @default 'usage-graph' */
  serviceName: string;
  /** Longest a finished span waits to be sent in a batch. @default 5000 */
  scheduleDelayMs: number;
  /** Send the vendors a `traceparent` header naming the call's span. @default false */
  propagateToUpstream: boolean;
}

/** Our own attributes, beside OpenTelemetry's semantic conventions. */
const OWN = 'usage_graph';

const headersGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

let contextManagerInstalled = false;

/** Spans follow the request through every await (AsyncLocalStorage); one context manager serves the whole process. */
function installContextManager(): void {
  if (contextManagerInstalled) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerInstalled = true;
}

/**
 * OpenTelemetry traces of this gateway, exported over OTLP/HTTP: a server span per GraphQL request (a child of
 * the client's `traceparent`, when it sends one) and a client span per vendor call beneath it. The provider is
 * this gateway's own, not registered globally: nothing else in the process reports into it.
 */
export class Tracing {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;
  readonly #propagator = new W3CTraceContextPropagator();
  readonly #propagateToUpstream: boolean;
  readonly #spans = new WeakMap<Request, Span>();

  constructor(settings: TracingSettings, log: Logger) {
    installContextManager();
    const exporterOptions = { url: settings.tracesUrl, headers: settings.headers };
    const exporter =
      settings.protocol === 'http/json' ? new JsonTraceExporter(exporterOptions) : new ProtobufTraceExporter(exporterOptions);
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'process.pid': process.pid }),
      // Follows the client's sampling decision; traces that start here are all recorded.
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      spanProcessors: [new BatchSpanProcessor(new LoggedExporter(exporter, log), { scheduledDelayMillis: settings.scheduleDelayMs })],
    });
    this.#tracer = this.#provider.getTracer('usage-graph');
    this.#propagateToUpstream = settings.propagateToUpstream;
  }

  /** The trace and span of a traced request, for every log line it writes. */
  readonly logBindings = (request: Request): Record<string, string> => {
    const span = this.#spans.get(request);
    if (span === undefined) return {};
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  };

  /**
   * The span of each request to `graphqlEndpoint`, active while the request is handled (so vendor calls find it),
   * named after its operation, with its client, cost, error codes and HTTP status. Must come before every plugin
   * whose work belongs to the span: its instrumentation wraps theirs.
   */
  plugin(graphqlEndpoint: string): Plugin<{ client?: string }> {
    const spans = this.#spans;
    return {
      instrumentation: {
        request: ({ request }, wrapped) => {
          const path = new URL(request.url).pathname;
          if (path !== graphqlEndpoint) return wrapped();
          const parent = this.#propagator.extract(ROOT_CONTEXT, request.headers, headersGetter);
          const span = this.#tracer.startSpan(
            'GraphQL Operation',
            { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': path } },
            parent,
          );
          spans.set(request, span);
          return context.with(trace.setSpan(parent, span), wrapped);
        },
      },
      onExecute({ args }) {
        const request = (args.contextValue as { request?: Request }).request;
        const span = request && spans.get(request);
        if (!span) return;
        const operation = getOperationAST(args.document, args.operationName);
        if (operation) {
          const name = operation.name?.value;
          span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
          span.setAttribute('graphql.operation.type', operation.operation);
          if (name) span.setAttribute('graphql.operation.name', name);
        }
        if (args.contextValue.client !== undefined) span.setAttribute(`${OWN}.client`, args.contextValue.client);
      },
      onResultProcess({ request, result }) {
        const span = spans.get(request);
        if (!span || typeof result !== 'object' || result === null || Array.isArray(result) || Symbol.asyncIterator in result) return;
        const { extensions, errors } = result as {
          extensions?: { cost?: { estimatedCalls?: unknown; calls?: unknown; limit?: unknown } };
          errors?: readonly { extensions?: Record<string, unknown> }[];
        };
        const cost = extensions?.cost;
        for (const [key, value] of [
          ['estimated_calls', cost?.estimatedCalls],
          ['calls', cost?.calls],
          ['limit', cost?.limit],
        ] as const) {
          if (typeof value === 'number') span.setAttribute(`${OWN}.cost.${key}`, value);
        }
        const codes = [...new Set((errors ?? []).map((error) => String(error.extensions?.['code'] ?? 'UNKNOWN')))];
        if (codes.length > 0) {
          span.setAttribute(`${OWN}.error_codes`, codes);
          span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
        }
      },
      onResponse({ request, response }) {
        const span = spans.get(request);
        if (!span) return;
        span.setAttribute('http.response.status_code', response.status);
        if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    };
  }

  /** A span for one vendor call, beneath the operation whose context is active. */
  call(source: string, endpoint: string): CallObservation {
    const [method = '', template = ''] = endpoint.split(' ', 2);
    const parent = context.active();
    const span = this.#tracer.startSpan(
      endpoint,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'peer.service': source, [`${OWN}.upstream.source`]: source, 'http.request.method': method, 'url.template': template },
      },
      parent,
    );
    let attempts = 0;
    return {
      headers: () => {
        if (!this.#propagateToUpstream) return {};
        const carrier: Record<string, string> = {};
        this.#propagator.inject(trace.setSpan(parent, span), carrier, defaultTextMapSetter);
        return carrier;
      },
      attempt(outcome, durationMs) {
        attempts += 1;
        span.addEvent('attempt', { outcome: String(outcome), duration_ms: durationMs });
        if (typeof outcome === 'number') span.setAttribute('http.response.status_code', outcome);
      },
      cache(result) {
        span.setAttribute(`${OWN}.cache.result`, result);
      },
      end(error) {
        span.setAttribute(`${OWN}.upstream.attempts`, attempts);
        if (attempts > 1) span.setAttribute('http.request.resend_count', attempts - 1);
        if (error !== undefined) {
          const code = (error as { code?: unknown }).code;
          const type = typeof code === 'string' ? code : error instanceof Error ? error.name : 'error';
          span.setAttribute('error.type', type);
          span.setStatus({ code: SpanStatusCode.ERROR, message: type });
        }
        span.end();
      },
    };
  }

  /** Sends the spans still waiting, then stops. */
  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}

/** Says in the log when spans cannot be delivered: the SDK alone would drop them silently. */
class LoggedExporter implements SpanExporter {
  constructor(
    private readonly exporter: SpanExporter,
    private readonly log: Logger,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exporter.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.log.warn({ err: result.error, spans: spans.length }, 'traces could not be sent to the OTLP endpoint; these spans are lost');
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}
