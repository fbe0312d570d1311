import { Visibility } from '../auth/visibility.js';
import type { ClientAllowance } from '../budgets/client.js';
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
  /** What the caller's scopes let it see. */
  visibility: Visibility;
}

export interface OperationSettings {
  paging: Paging;
  /** Vendor calls one operation may make. */
  maxUpstreamCalls: number;
}

/** What one request brings: its id, its caller's scopes and allowance, its abort signal and the meter its access log reads. */
export interface RequestScope {
  requestId: string;
  scopes: ReadonlySet<string>;
  signal?: AbortSignal | undefined;
  meter?: { upstreamCalls: number };
  /** The caller's vendor calls per minute, when clients have a budget. */
  clientAllowance?: ClientAllowance | undefined;
}

export function createGraphContext(clients: Clients, settings: OperationSettings, request: RequestScope): GraphContext {
  const budget = new OperationBudget(settings.maxUpstreamCalls, request.meter, request.clientAllowance);
  return {
    requestId: request.requestId,
    paging: settings.paging,
    loaders: lazyLoaders(clients, { signal: request.signal, budget }),
    notices: new NoticeCollector(),
    budget,
    visibility: new Visibility(request.scopes),
  };
}
