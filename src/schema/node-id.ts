import { BadUserInputError } from '../errors.js';
import { recordIdForm } from '../sources/fourme/schemas.js';
import { simIdForm, tagIdForm } from '../sources/onomondo/schemas.js';
import { accountIdForm, organizationIdForm } from '../sources/signicat/schemas.js';

/** A decoded global id: the node type and the vendor's own id. */
export interface GlobalId {
  typename: string;
  id: string;
}

/** The form each node type's vendor id takes: an id of another form cannot exist and never reaches a vendor. */
const ID_FORMS: Readonly<Record<string, RegExp>> = {
  Organization: organizationIdForm,
  Account: accountIdForm,
  Sim: simIdForm,
  Tag: tagIdForm,
  UsageStatement: recordIdForm,
  Person: recordIdForm,
};

/** The decoded global id when it names a node type of this graph and a vendor id of that type's form. */
export function checkedId(globalId: GlobalId): GlobalId {
  const form = ID_FORMS[globalId.typename];
  if (!form) throw new BadUserInputError('not a valid id');
  if (!form.test(globalId.id)) throw new BadUserInputError(`not a valid id of a ${globalId.typename}`);
  return globalId;
}

/** The vendor id inside a decoded global id, refusing ids of another type or form. */
export function localId(globalId: GlobalId, typename: string): string {
  if (globalId.typename !== typename) {
    throw new BadUserInputError(
      ID_FORMS[globalId.typename] ? `expected the id of a ${typename}, got one of a ${globalId.typename}` : 'not a valid id',
    );
  }
  return checkedId(globalId).id;
}
