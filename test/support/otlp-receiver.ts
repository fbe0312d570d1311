import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';

/** A span as OTLP/HTTP JSON carries it, attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's numbering: 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  /** OTLP's numbering: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: { name: string; attributes: Record<string, unknown> }[];
  /** The resource's `service.name`. */
  service: unknown;
}

export interface ExportRequest {
  path: string;
  contentType: string;
  body: Buffer;
}

export interface OtlpReceiver {
  /** Base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it. */
  url: string;
  /** Every export request received, raw. */
  requests(): ExportRequest[];
  /** The spans of every JSON export received. */
  spans(): ReceivedSpan[];
  /** Waits until `enough` holds for the spans received (the exporter sends in batches). */
  waitForSpans(enough: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
type OtlpAttributes = { key: string; value: OtlpValue }[] | undefined;

function plain(value: OtlpValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue;
}

function attributes(list: OtlpAttributes): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]));
}

interface JsonExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttributes };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpAttributes;
        status?: { code?: number; message?: string };
        events?: { name: string; attributes?: OtlpAttributes }[];
      }[];
    }[];
  }[];
}

/**
 * An OTLP/HTTP trace receiver on a free loopback port, as a collector would run one: it records every export and
 * decodes JSON ones (`http/json`); protobuf ones are kept raw.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ExportRequest[] = [];
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const contentType = request.headers['content-type'] ?? '';
      const body = Buffer.concat(chunks);
      received.push({ path: request.url ?? '', contentType, body });
      if (contentType.startsWith('application/json')) {
        for (const resourceSpans of (JSON.parse(body.toString('utf8')) as JsonExport).resourceSpans ?? []) {
          const service = attributes(resourceSpans.resource?.attributes)['service.name'];
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId ?? '',
                name: span.name,
                kind: span.kind,
                attributes: attributes(span.attributes),
                status: { code: span.status?.code ?? 0, ...(span.status?.message ? { message: span.status.message } : {}) },
                events: (span.events ?? []).map((event) => ({ name: event.name, attributes: attributes(event.attributes) })),
                service,
              });
            }
          }
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => [...received],
    spans: () => [...spans],
    waitForSpans: (enough, timeoutMs = 10_000) =>
      vi.waitFor(
        () => {
          const current = [...spans];
          if (!enough(current)) throw new Error(`not yet: ${current.length} spans received`);
          return current;
        },
        { timeout: timeoutMs, interval: 20 },
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
