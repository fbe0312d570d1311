import type { FourmeClient } from '../sources/fourme/client.js';
import { createFourmeLoaders, type FourmeLoaders } from '../sources/fourme/loaders.js';
import type { OnomondoClient } from '../sources/onomondo/client.js';
import { createOnomondoLoaders, type OnomondoLoaders } from '../sources/onomondo/loaders.js';
import type { SignicatClient } from '../sources/signicat/client.js';
import { createSignicatLoaders, type SignicatLoaders } from '../sources/signicat/loaders.js';
import type { PageSizeLimits } from './paging/args.js';

/** One client per vendor, shared by every request. */
export interface Sources {
  signicat: SignicatClient;
  onomondo: OnomondoClient;
  fourme: FourmeClient;
}

/** Per-request state: fresh DataLoaders, so nothing is cached across requests by accident. */
export interface GraphContext {
  requestId: string;
  limits: PageSizeLimits;
  signicat: SignicatLoaders;
  onomondo: OnomondoLoaders;
  fourme: FourmeLoaders;
}

/** Each source's loaders are made on first use: most operations touch one or two sources. */
export function createGraphContext(sources: Sources, limits: PageSizeLimits, requestId: string): GraphContext {
  let signicat: SignicatLoaders | undefined;
  let onomondo: OnomondoLoaders | undefined;
  let fourme: FourmeLoaders | undefined;
  return {
    requestId,
    limits,
    get signicat() {
      return (signicat ??= createSignicatLoaders(sources.signicat));
    },
    get onomondo() {
      return (onomondo ??= createOnomondoLoaders(sources.onomondo));
    },
    get fourme() {
      return (fourme ??= createFourmeLoaders(sources.fourme));
    },
  };
}
