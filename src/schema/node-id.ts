import { BadUserInputError } from '../errors.js';

/** The vendor id inside a decoded global id, refusing ids of another type. */
export function localId(globalId: { typename: string; id: string }, typename: string): string {
  if (globalId.typename !== typename) throw new BadUserInputError(`expected the id of a ${typename}, got one of a ${globalId.typename}`);
  return globalId.id;
}
