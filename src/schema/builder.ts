import SchemaBuilder from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import { CountryCodeResolver, DateResolver, DateTimeResolver, HexColorCodeResolver, SafeIntResolver, UUIDResolver } from 'graphql-scalars';
import { BadUserInputError } from '../errors.js';
import type { FieldPlan } from '../limits/cost-plan.js';
import type { GraphContext } from './context.js';
import { checkedId, decodeGlobalId, encodeGlobalId, nodeLoadCalls, type GlobalId } from './node-id.js';
import './notices.js';

export const builder = new SchemaBuilder<{
  Context: GraphContext;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount?: number };
  Scalars: {
    Date: { Input: Date; Output: Date | string };
    DateTime: { Input: Date; Output: Date | string };
    CountryCode: { Input: string; Output: string };
    UUID: { Input: string; Output: string };
    SafeInt: { Input: number; Output: number };
    HexColorCode: { Input: string; Output: string };
  };
}>({
  // Notices wrap last, outside the dataloader plugin's wrapping, so they see the loaded values.
  plugins: [RelayPlugin, DataloaderPlugin, 'upstreamNotices'],
  // Non-null unless a field says otherwise; fields that cross to an upstream opt into null for partial data.
  defaultFieldNullability: false,
  relay: {
    cursorType: 'String',
    idFieldOptions: { description: 'Global id: opaque, stable, accepted by `node` and the root lookups.' },
    nodeTypeOptions: { description: 'An object with a global id, fetchable again with `node(id:)`.' },
    pageInfoTypeOptions: { description: 'Where a page sits in its list, and the cursors to page on from it.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page; null for an empty page.' },
    endCursorFieldOptions: { description: 'Cursor of the last item of the page; null for an empty page.' },
    cursorFieldOptions: { description: 'Position of this item in its list, for `after` and `before`.' },
    edgesFieldOptions: { nullable: false, description: 'The items of the page with their cursors.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    pageInfoFieldOptions: { description: 'Paging state of this page.' },
    defaultEdgeTypeOptions: { description: 'An item of a page, with its cursor.' },
    nodesOnConnection: { description: 'The items of the page, without cursors.' },
    firstArgOptions: {
      description: 'Return the first n items (after `after`, if given). Default 20; at most the configured maximum (100 unless changed).',
    },
    lastArgOptions: {
      description: 'Return the last n items (before `before`, if given). At most the configured maximum (100 unless changed).',
    },
    afterArgOptions: { description: 'Return items after this cursor, taken from an edge or `pageInfo.endCursor` of the same list.' },
    beforeArgOptions: { description: 'Return items before this cursor, taken from an edge or `pageInfo.startCursor` of the same list.' },
    nodeQueryOptions: {
      description: 'Any object by its global id; null when there is none.',
      extensions: { plan: { calls: { each: (args) => nodeLoadCalls([args['id']]) } } satisfies FieldPlan },
      resolve: (_root, args, _context, _info, resolveNode) => resolveNode(checkedId(args.id)),
    },
    nodesQueryOptions: {
      description: 'Objects by global id, in the order given; null for each id that has none.',
      // One load per id, batched per type by each type's loader.
      extensions: {
        plan: {
          calls: { each: (args) => (Array.isArray(args['ids']) ? nodeLoadCalls(args['ids']) : 0) },
          items: (args) => (Array.isArray(args['ids']) ? args['ids'].length : 0),
        } satisfies FieldPlan,
      },
      resolve: (_root, args, context, info) => resolveEachNode(args.ids, context, info),
    },
    encodeGlobalID: encodeGlobalId,
    // A malformed id decodes to no type, so `nodes(ids:)` can refuse it alone.
    decodeGlobalID: decodeGlobalId,
  },
});

/**
 * `nodes(ids:)`, each id on its own: a malformed one is that entry's error (and a null), not the whole list's.
 * Pothos' own helper resolves `args.ids` whatever it is given, so the checked ids go to its `resolveNodes` directly.
 */
async function resolveEachNode(ids: readonly GlobalId[], context: GraphContext, info: GraphQLResolveInfo): Promise<unknown[]> {
  const checked = ids.map((id): GlobalId | Error => {
    try {
      return checkedId(id);
    } catch (error) {
      return error instanceof Error ? error : new BadUserInputError('not a valid id');
    }
  });
  const resolved: unknown[] = await resolveNodes(
    builder,
    context,
    info,
    checked.map((id) => (id instanceof Error ? null : id)),
  );
  return checked.map((id, index) => (id instanceof Error ? id : resolved[index]));
}

builder.addScalarType('Date', DateResolver);
builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('CountryCode', CountryCodeResolver);
builder.addScalarType('UUID', UUIDResolver);
builder.addScalarType('SafeInt', SafeIntResolver);
builder.addScalarType('HexColorCode', HexColorCodeResolver);
