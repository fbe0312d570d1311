import { OperationBudget } from '../budgets/operation.js';
import { lazyLoaders, type Clients, type Loaders } from '../sources/registry.js';
import { NoticeCollector } from './notices.js';
import type { Paging } from './paging/args.js';

/** Per-request state: fresh DataLoaders, so nothing is cached across requests by accident. */
export interface GraphContext {
  requestId: string;
  paging: Paging;
  /** Each vendor's loaders for this request, made on first use. */
  loaders: Loaders;
  /** What the vendors said beside the data (records they sent that failed validation), reported as errors. */
  notices: NoticeCollector;
  /** The operation's allowance of vendor calls, charged by every call its loaders make. */
  budget: OperationBudget;
}

export interface OperationSettings {
  paging: Paging;
  /** Vendor calls one operation may make. */
  maxUpstreamCalls: number;
}

export function createGraphContext(clients: Clients, settings: OperationSettings, requestId: string, signal?: AbortSignal): GraphContext {
  const budget = new OperationBudget(settings.maxUpstreamCalls);
  return {
    requestId,
    paging: settings.paging,
    loaders: lazyLoaders(clients, { signal, budget }),
    notices: new NoticeCollector(),
    budget,
  };
}
