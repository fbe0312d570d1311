import { PAGE_LIMIT } from '../sources/onomondo/loaders.js';
import type { OnomondoTag, OnomondoTagUsageTotal } from '../sources/onomondo/schemas.js';
import { builder } from './builder.js';
import { localId } from './node-id.js';
import { connectionRequest } from './paging/args.js';
import { resolveOffsetConnection } from './paging/offset.js';
import { batchedPlan, callEachPlan, listPlan } from './plans.js';

export const Tag = builder.loadableNodeRef('Tag', {
  id: { resolve: (tag: OnomondoTag) => tag.id },
  load: (ids: string[], context) => context.loaders.onomondo.tag.loadMany(ids),
});

const TagUsageTotal = builder.objectRef<OnomondoTagUsageTotal>('TagUsageTotal').implement({
  description: 'Data used by all SIMs carrying a tag.',
  fields: (t) => ({
    bytes: t.field({ type: 'SafeInt', description: 'Bytes used.', resolve: (total) => total.bytes }),
    simCount: t.exposeInt('sims', { description: 'SIMs carrying the tag.' }),
  }),
});

const TagConnection = builder.connectionObject(
  {
    type: Tag,
    name: 'TagConnection',
    description: 'A page of tags.',
    fields: (t) => ({
      totalCount: t.int({ nullable: true, description: 'Number of tags.', resolve: (connection) => connection.totalCount ?? null }),
    }),
  },
  { name: 'TagEdge' },
);

Tag.implement({
  description: 'A label that groups SIMs.',
  fields: (t) => ({
    externalId: t.field({ type: 'UUID', description: 'The SIM platform’s own tag id.', resolve: (tag) => tag.id }),
    name: t.exposeString('name', { description: 'Display name.' }),
    color: t.field({
      type: 'HexColorCode',
      nullable: true,
      description: 'Display colour, `#rrggbb`; null for a tag without one.',
      resolve: (tag) => tag.color,
    }),
    writable: t.exposeBoolean('can_write', { description: 'Whether these credentials may change the tag.' }),
    usageTotal: t.field({
      type: TagUsageTotal,
      nullable: true,
      description: 'Data used by the SIMs carrying the tag.',
      extensions: { plan: callEachPlan },
      resolve: (tag, _args, context) => context.loaders.onomondo.tagUsageTotal.load(tag.id),
    }),
  }),
});

builder.queryFields((t) => ({
  tags: t.connection(
    {
      type: Tag,
      nullable: true,
      description: 'Every tag, in the vendor’s order.',
      extensions: { plan: listPlan(PAGE_LIMIT) },
      resolve: (_root, args, context) =>
        resolveOffsetConnection(connectionRequest(args, context.paging, 'Query.tags', null), context.loaders.onomondo.tags),
    },
    TagConnection,
  ),
  tag: t.field({
    type: Tag,
    nullable: true,
    description: 'One tag by id; null when there is none.',
    args: { id: t.arg.globalID({ required: true, description: 'Global id of the tag, as its `id` field gives it.' }) },
    extensions: { plan: batchedPlan('onomondo.tag', PAGE_LIMIT) },
    resolve: (_root, args) => localId(args.id, 'Tag'),
  }),
}));
