import { BadUserInputError } from '../errors.js';
import type { FourmePerson, FourmeReference } from '../sources/fourme/schemas.js';
import { builder } from './builder.js';
import { localId } from './node-id.js';
import { batchedPlan } from './plans.js';
import { visiblePeople } from './visible.js';

export const Person = builder.loadableNodeRef('Person', {
  id: { resolve: (person: FourmePerson) => person.id, parse: parsePersonId },
  load: (ids: number[], context) => visiblePeople(context, ids),
});

const Site = builder.objectRef<FourmeReference>('Site').implement({
  description: 'A location people of the service desk account work at.',
  fields: (t) => ({
    externalId: t.exposeInt('id', { description: 'The service desk’s own site id.' }),
    name: t.exposeString('name', { description: 'Site name.' }),
  }),
});

Person.implement({
  description: 'A person registered in the service desk account; billable people count towards usage statements.',
  fields: (t) => ({
    externalId: t.exposeInt('id', { description: 'The service desk’s own person id, for links to its console.' }),
    name: t.exposeString('name', { description: 'Full name.' }),
    primaryEmail: t.exposeString('primary_email', { description: 'Primary e-mail address.' }),
    organizationName: t.string({
      description: 'Name of the organisation the person belongs to.',
      resolve: (person) => person.organization.name,
    }),
    site: t.field({
      type: Site,
      nullable: true,
      description: 'Where the person works; null when not set.',
      resolve: (person) => person.site,
    }),
    disabled: t.exposeBoolean('disabled', { description: 'Whether the person can no longer sign in.' }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the person was registered; null where the service desk does not say.',
      resolve: (person) => person.created_at,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the person last changed; null where the service desk does not say.',
      resolve: (person) => person.updated_at,
    }),
  }),
});

builder.queryFields((t) => ({
  person: t.field({
    type: Person,
    nullable: true,
    description: 'One person by id; null when there is none.',
    args: { id: t.arg.globalID({ required: true, description: 'Global id of the person, as its `id` field gives it.' }) },
    extensions: { plan: batchedPlan('fourme.person', 100) },
    resolve: (_root, args) => parsePersonId(localId(args.id, 'Person')),
  }),
}));

function parsePersonId(id: string): number {
  const parsed = Number(id);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new BadUserInputError('not a valid Person id');
  return parsed;
}
