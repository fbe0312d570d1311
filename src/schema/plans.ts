import type { FieldPlan, PlanDefaults } from '../limits/cost-plan.js';

/**
 * The cost declarations the graph's fields carry (`extensions: { plan }`), in the terms of the loaders they use,
 * so the planner can price an operation before it runs.
 */

/** Calls a `last` window without `before` may need where the vendor reports no length: it reads to the list's end. */
const SCAN_CALLS = 5;

interface PageArgs {
  first?: number | null;
  last?: number | null;
  before?: string | null;
}

/** The page a connection asks for: `first`, `last`, or the default page size. */
export function pageSize(args: PageArgs, defaults: PlanDefaults): number {
  return args.first ?? args.last ?? defaults.pageSize;
}

/**
 * A list read per parent object, `vendorPage` items to a call. `scans`: the vendor reports no length, so `last`
 * without `before` reads on to the end.
 */
export function listPlan(vendorPage: number, options: { scans?: boolean } = {}): FieldPlan {
  return {
    calls: {
      each: (args: PageArgs, defaults) => {
        if (options.scans && args.last != null && args.before == null) return SCAN_CALLS;
        return Math.max(1, Math.ceil(pageSize(args, defaults) / vendorPage));
      },
    },
    items: (args: PageArgs, defaults) => pageSize(args, defaults),
  };
}

/** A page of a list already in memory: no call. */
export const inMemoryPage: FieldPlan = { items: (args: PageArgs, defaults) => pageSize(args, defaults) };

/** Records loaded by id through the loader `key`, `batchSize` to a call across the operation. */
export function batchedPlan(key: string, batchSize: number): FieldPlan {
  return { calls: { batched: key, batchSize } };
}

/** A page of ids in memory whose records load through the loader `key` (a statement's billable people). */
export function batchedPagePlan(key: string, batchSize: number): FieldPlan {
  return { calls: { batched: key, batchSize, ofItems: true }, items: (args: PageArgs, defaults) => pageSize(args, defaults) };
}

/** Windows of many owners' lists, served from shared vendor pages of `vendorPage` items (usage of many accounts). */
export function sharedWindowsPlan(key: string, vendorPage: number): FieldPlan {
  return { calls: { windows: key, pageSize: vendorPage }, items: (args: PageArgs, defaults) => pageSize(args, defaults) };
}

/** A page of a list read once for the whole operation (every account, for every organisation's accounts). */
export function readOncePlan(key: string): FieldPlan {
  return { calls: { once: key, calls: 1 }, items: (args: PageArgs, defaults) => pageSize(args, defaults) };
}

/** One call per object, deduplicated in the operation (a tag's usage total). */
export const callEachPlan: FieldPlan = { calls: { each: () => 1 } };
