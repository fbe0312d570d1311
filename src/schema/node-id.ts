import { BadUserInputError } from '../errors.js';
import { recordIdForm } from '../sources/fourme/schemas.js';
import { simIdForm, tagIdForm } from '../sources/onomondo/schemas.js';
import { accountIdForm, organizationIdForm } from '../sources/signicat/schemas.js';

/** A decoded global id: the node type and the vendor's own id. */
export interface GlobalId {
  typename: string;
  id: string;
}

interface NodeType {
  /** The form the type's vendor id takes: an id of another form cannot exist and never reaches a vendor. */
  form: RegExp;
  /** Ids of the type one vendor call loads at worst, for the planner. */
  idsPerCall: number;
}

const NODE_TYPES: Readonly<Record<string, NodeType>> = {
  // A child organisation is read through its parent: one call per organisation when each has another parent.
  Organization: { form: organizationIdForm, idsPerCall: 1 },
  // The rest come from listings (accounts, SIMs, tags) or `?id=` filters (4me), 100 ids a call or more.
  Account: { form: accountIdForm, idsPerCall: 100 },
  Sim: { form: simIdForm, idsPerCall: 100 },
  Tag: { form: tagIdForm, idsPerCall: 100 },
  UsageStatement: { form: recordIdForm, idsPerCall: 100 },
  Person: { form: recordIdForm, idsPerCall: 100 },
};

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${String(id)}`).toString('base64url');
}

/** The type and vendor id inside a global id; a malformed id decodes to no type, and every use checks the type. */
export function decodeGlobalId(globalId: string): GlobalId {
  const decoded = globalId.length <= 256 ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  if (separator <= 0 || separator === decoded.length - 1 || Buffer.from(decoded).toString('base64url') !== globalId) {
    return { typename: '', id: '' };
  }
  return { typename: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
}

/** Vendor calls loading these global ids may take at worst: per node type, its ids over what one call loads. */
export function nodeLoadCalls(globalIds: readonly unknown[]): number {
  const perType = new Map<NodeType, number>();
  for (const globalId of globalIds) {
    const type = typeof globalId === 'string' ? NODE_TYPES[decodeGlobalId(globalId).typename] : undefined;
    if (type) perType.set(type, (perType.get(type) ?? 0) + 1);
  }
  let calls = 0;
  for (const [type, ids] of perType) calls += Math.ceil(ids / type.idsPerCall);
  return calls;
}

/** The decoded global id when it names a node type of this graph and a vendor id of that type's form. */
export function checkedId(globalId: GlobalId): GlobalId {
  const form = NODE_TYPES[globalId.typename]?.form;
  if (!form) throw new BadUserInputError('not a valid id');
  if (!form.test(globalId.id)) throw new BadUserInputError(`not a valid ${globalId.typename} id`);
  return globalId;
}

/** The vendor id inside a decoded global id, refusing ids of another type or form. */
export function localId(globalId: GlobalId, typename: string): string {
  if (globalId.typename !== typename) {
    throw new BadUserInputError(
      NODE_TYPES[globalId.typename] ? `expected an id of type ${typename}, got one of type ${globalId.typename}` : 'not a valid id',
    );
  }
  return checkedId(globalId).id;
}
