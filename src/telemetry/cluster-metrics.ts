import type { Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { MetricsSource } from './metrics-server.js';

const REQUEST = 'usage-graph:metrics-request';
const ANSWER = 'usage-graph:metrics-answer';

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsAnswer {
  type: typeof ANSWER;
  id: number;
  /** `registry.getMetricsAsJSON()` of the worker, which `AggregatorRegistry.aggregate` adds up. */
  metrics: object[];
}

/** In a cluster worker: answers the primary's requests for metrics with `registry`'s. */
export function answerMetricsRequests(registry: Registry): void {
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (metrics: object[]) => process.send?.({ type: ANSWER, id: message.id, metrics } satisfies MetricsAnswer);
    registry.getMetricsAsJSON().then(reply, () => reply([]));
  });
}

/**
 * In the cluster primary: every worker's metrics, added up by each metric's `aggregator` (prom-client's
 * `AggregatorRegistry`). Only workers that are serving are asked, and one that does not answer within `timeoutMs`
 * (dying, say) is left out of this scrape rather than failing it.
 */
export function clusterMetrics(workers: () => Iterable<Worker>, timeoutMs = 2000): MetricsSource {
  let nextId = 0;
  return {
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    async metrics() {
      const id = nextId++;
      const answers = await Promise.all([...workers()].map((worker) => ask(worker, id, timeoutMs)));
      return AggregatorRegistry.aggregate(answers.filter((answer) => answer !== undefined)).metrics();
    },
  };
}

function ask(worker: Worker, id: number, timeoutMs: number): Promise<object[] | undefined> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (isMessage<MetricsAnswer>(message, ANSWER) && message.id === id) finish(message.metrics);
    };
    const finish = (metrics: object[] | undefined) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(metrics);
    };
    const onExit = () => finish(undefined);
    const timer = setTimeout(onExit, timeoutMs);
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send({ type: REQUEST, id } satisfies MetricsRequest, (error) => error && onExit());
  });
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
