import { lazyLoaders, type Clients, type Loaders } from '../sources/registry.js';
import type { CallOptions } from '../upstream/http.js';
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
}

export function createGraphContext(clients: Clients, paging: Paging, requestId: string, call: CallOptions = {}): GraphContext {
  return { requestId, paging, loaders: lazyLoaders(clients, call), notices: new NoticeCollector() };
}
