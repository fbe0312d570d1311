import type { CursorList, OffsetList } from '../../sources/lists.js';
import type { ConnectionRequest } from './args.js';
import { resolveOffsetConnection } from './offset.js';
import type { ConnectionPage } from './page.js';
import { resolveCursorConnection } from './tokens.js';

/** A connection over either kind of list: one read at any offset, or one read from tokens. */
export function resolveConnection<T>(request: ConnectionRequest, list: OffsetList<T> | CursorList<T>): Promise<ConnectionPage<T>> {
  return 'key' in list ? resolveCursorConnection(request, list) : resolveOffsetConnection(request, list);
}
