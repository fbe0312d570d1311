import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** A field's arguments as the resolver gets them. */
type Args = Record<string, unknown>;

/**
 * The vendor calls one field costs, declared beside the field (`extensions.plan`), in the terms the gateway's
 * loaders batch by:
 * - `each`: calls for every object the field is resolved on (a list read per parent, which nothing batches);
 * - `batched`: records loaded by id through one loader (`key`), `batchSize` to a call across the whole operation
 *   (`ofItems`: one load per item of the field's page, as a connection of people does);
 * - `once`: a read shared by the whole operation (the full account list);
 * - `windows`: windows of many owners' lists served from shared vendor pages of `pageSize` items.
 */
export type CallCost =
  | { each: (args: Args, defaults: PlanDefaults) => number }
  | { batched: string; batchSize: number; ofItems?: boolean }
  | { once: string; calls: number }
  | { windows: string; pageSize: number };

export interface FieldPlan {
  calls?: CallCost;
  /** Items per object of a list or connection field (its page size); in-memory lists take {@link DEFAULT_LIST_ITEMS}. */
  items?: (args: Args, defaults: PlanDefaults) => number;
}

/** What the planner assumes where an operation leaves it open. */
export interface PlanDefaults {
  /** Page size of a connection asked for without `first` or `last`. */
  pageSize: number;
}

/** Items assumed for a list field that declares none (tags on a SIM): lists in memory, a handful each. */
export const DEFAULT_LIST_ITEMS = 10;

export interface Plan {
  /** Worst-case vendor calls when every page is full and the loaders batch as they are built to. */
  calls: number;
  /** Objects the answer holds at most. */
  objects: number;
  /** The longest list argument (`nodes(ids:)`), with where it was given. */
  longestList: { field: string; length: number } | undefined;
}

interface Accumulator {
  each: number;
  objects: number;
  batched: Map<string, { instances: number; batchSize: number }>;
  once: Map<string, number>;
  windows: Map<string, { owners: number; items: number; pageSize: number }>;
  longestList: Plan['longestList'];
}

/**
 * Estimates what an operation will cost before it runs, from the document, its variables and each field's
 * {@link FieldPlan}: multipliers come from the page sizes asked for, so the estimate depends on the operation only.
 */
export function planOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  defaults: PlanDefaults,
): Plan {
  const root = schema.getRootType(operation.operation);
  const total: Accumulator = { each: 0, objects: 0, batched: new Map(), once: new Map(), windows: new Map(), longestList: undefined };
  if (root) visitSelectionSet({ schema, fragments, variables, defaults }, root, operation.selectionSet, 1, total, new Set());
  let calls = total.each;
  for (const { instances, batchSize } of total.batched.values()) calls += Math.ceil(instances / batchSize);
  for (const once of total.once.values()) calls += once;
  for (const { owners, items, pageSize } of total.windows.values()) calls += Math.min(Math.ceil(owners), Math.ceil(items / pageSize));
  return { calls: Math.ceil(calls), objects: Math.ceil(total.objects), longestList: total.longestList };
}

/** What every step of the walk reads. */
interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  defaults: PlanDefaults;
}

function visitSelectionSet(
  walk: Walk,
  type: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  instances: number,
  total: Accumulator,
  visiting: Set<SelectionSetNode>,
): void {
  // An object of an abstract type is one of its possible types: the dearest one bounds the cost.
  if (isAbstractType(type)) {
    let dearest: Accumulator | undefined;
    for (const possible of walk.schema.getPossibleTypes(type)) {
      const branch = emptyLike(total);
      visitSelectionSet(walk, possible, selectionSet, instances, branch, visiting);
      if (!dearest || weight(branch) > weight(dearest)) dearest = branch;
    }
    if (dearest) merge(total, dearest);
    return;
  }
  if (!isObjectType(type) || visiting.has(selectionSet)) return;
  visiting.add(selectionSet);
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = type.getFields()[selection.name.value];
      if (field) visitField(walk, field, selection, instances, total, visiting);
      continue;
    }
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments[selection.name.value] : selection;
    if (!fragment) continue;
    const condition = fragment.typeCondition ? walk.schema.getType(fragment.typeCondition.name.value) : type;
    if (condition && appliesTo(walk.schema, condition, type)) {
      visitSelectionSet(walk, type, fragment.selectionSet, instances, total, visiting);
    }
  }
  visiting.delete(selectionSet);
}

function visitField(
  walk: Walk,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  instances: number,
  total: Accumulator,
  visiting: Set<SelectionSetNode>,
): void {
  const plan = field.extensions['plan'] as FieldPlan | undefined;
  const args = getArgumentValues(field, node, walk.variables);
  noteLongestList(total, field.name, args);
  const items = plan?.items ? Math.max(0, plan.items(args, walk.defaults)) : undefined;
  const calls = plan?.calls;
  if (calls && 'each' in calls) total.each += instances * calls.each(args, walk.defaults);
  else if (calls && 'batched' in calls) {
    const batch = total.batched.get(calls.batched) ?? { instances: 0, batchSize: calls.batchSize };
    batch.instances += instances * (calls.ofItems ? (items ?? DEFAULT_LIST_ITEMS) : 1);
    total.batched.set(calls.batched, batch);
  } else if (calls && 'once' in calls) total.once.set(calls.once, Math.max(total.once.get(calls.once) ?? 0, calls.calls));
  else if (calls && 'windows' in calls) {
    const shared = total.windows.get(calls.windows) ?? { owners: 0, items: 0, pageSize: calls.pageSize };
    shared.owners += instances;
    shared.items += instances * (items ?? 0);
    total.windows.set(calls.windows, shared);
  }

  const named = getNamedType(field.type);
  if (!node.selectionSet || (!isObjectType(named) && !isAbstractType(named))) return;
  // A connection's page size multiplies the lists inside it (`edges`, `nodes`); a plain list multiplies itself.
  const own = isList(field.type) ? instances * (items ?? DEFAULT_LIST_ITEMS) : instances;
  total.objects += own;
  if (items !== undefined && !isList(field.type)) {
    visitConnection(walk, named, node.selectionSet, own, items, total, visiting);
    return;
  }
  visitSelectionSet(walk, named, node.selectionSet, own, total, visiting);
}

/** Inside a connection, its list fields hold the page: `instances × items` objects. */
function visitConnection(
  walk: Walk,
  type: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  instances: number,
  items: number,
  total: Accumulator,
  visiting: Set<SelectionSetNode>,
): void {
  if (!isObjectType(type)) return;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments[selection.name.value] : selection;
      if (fragment) visitConnection(walk, type, fragment.selectionSet, instances, items, total, visiting);
      continue;
    }
    const field = type.getFields()[selection.name.value];
    if (!field || !selection.selectionSet) continue;
    const named = getNamedType(field.type);
    const count = isList(field.type) ? instances * items : instances;
    total.objects += count;
    visitSelectionSet(walk, named, selection.selectionSet, count, total, visiting);
  }
}

function isList(type: GraphQLField<unknown, unknown>['type']): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

function appliesTo(schema: GraphQLSchema, condition: GraphQLNamedType, type: GraphQLObjectType): boolean {
  if (condition === type) return true;
  return isAbstractType(condition) && schema.isSubType(condition, type);
}

function noteLongestList(total: Accumulator, field: string, args: Args): void {
  for (const value of Object.values(args)) {
    if (Array.isArray(value) && value.length > (total.longestList?.length ?? 0)) total.longestList = { field, length: value.length };
  }
}

function emptyLike(total: Accumulator): Accumulator {
  return { each: 0, objects: 0, batched: new Map(), once: new Map(), windows: new Map(), longestList: total.longestList };
}

function weight(branch: Accumulator): number {
  let calls = branch.each + [...branch.once.values()].reduce((sum, value) => sum + value, 0);
  for (const { instances, batchSize } of branch.batched.values()) calls += instances / batchSize;
  for (const { items, pageSize } of branch.windows.values()) calls += items / pageSize;
  return calls * 1e6 + branch.objects;
}

function merge(into: Accumulator, from: Accumulator): void {
  into.each += from.each;
  into.objects += from.objects;
  for (const [key, batch] of from.batched) {
    const held = into.batched.get(key);
    into.batched.set(key, held ? { ...held, instances: held.instances + batch.instances } : batch);
  }
  for (const [key, calls] of from.once) into.once.set(key, Math.max(into.once.get(key) ?? 0, calls));
  for (const [key, shared] of from.windows) {
    const held = into.windows.get(key);
    into.windows.set(key, held ? { ...held, owners: held.owners + shared.owners, items: held.items + shared.items } : shared);
  }
  if ((from.longestList?.length ?? 0) > (into.longestList?.length ?? 0)) into.longestList = from.longestList;
}
