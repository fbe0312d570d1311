import { BadUserInputError } from '../../errors.js';
import { cursorScope, type CursorCodec, type CursorScope } from './cursor.js';

/** The Relay arguments every connection field takes. */
export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface PageSizeLimits {
  /** Page size when neither `first` nor `last` is given. */
  defaultSize: number;
  /** Largest `first`/`last` accepted. */
  maxSize: number;
}

/** How this gateway pages: its size limits and its cursor signing. */
export interface Paging {
  limits: PageSizeLimits;
  cursors: CursorCodec;
}

/** One connection field's request: the client's arguments, the gateway's paging and the list the cursors belong to. */
export interface ConnectionRequest {
  args: ConnectionArgs;
  paging: Paging;
  scope: CursorScope;
}

export interface PageRequest {
  direction: 'forward' | 'backward';
  size: number;
}

/** Validates `first`/`last` into one direction and size. */
export function pageRequest(args: ConnectionArgs, limits: PageSizeLimits): PageRequest {
  const { first, last } = args;
  if (first != null && last != null) throw new BadUserInputError('pass either `first` or `last`, not both');
  const requested = first ?? last;
  const argument = first != null ? 'first' : 'last';
  if (requested != null && requested < 0) throw new BadUserInputError(`\`${argument}\` must not be negative`);
  if (requested != null && requested > limits.maxSize) {
    throw new BadUserInputError(`\`${argument}\` must be at most ${limits.maxSize}`);
  }
  return { direction: last != null ? 'backward' : 'forward', size: requested ?? limits.defaultSize };
}

/** The request of a connection field: the list's kind and what shapes it fingerprint its cursors. */
export function connectionRequest(args: ConnectionArgs, paging: Paging, kind: string, shapingArgs: unknown): ConnectionRequest {
  return { args, paging, scope: cursorScope(kind, shapingArgs) };
}
