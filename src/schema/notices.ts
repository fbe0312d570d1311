import SchemaBuilder, { BasePlugin, isThenable, type SchemaTypes } from '@pothos/core';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { RejectedRecord } from '../upstream/http.js';
import { staleMarkOf, type StaleMark } from '../upstream/read-through.js';

/**
 * What the vendors said beside the data a field got: records they sent that failed validation, and whether the data
 * is a stale copy (the vendor could not answer). The data stands; each rejected record becomes one error located at
 * the field that served it, and each stale field is listed in the answer's `extensions.stale`.
 */
export interface UpstreamNotices {
  rejected: readonly RejectedRecord[];
  stale?: StaleMark | undefined;
}

/** A field served from a stale copy, as `extensions.stale` lists it: list positions left out of the path. */
export interface StaleField {
  path: string[];
  source: string;
  ageSeconds: number;
}

const attached = new WeakMap<object, UpstreamNotices>();

/** Marks a value a resolver returns (a connection page) with what the vendors said about it. */
export function attachNotices<T extends object>(value: T, notices: UpstreamNotices): T {
  if (notices.rejected.length > 0 || notices.stale) attached.set(value, notices);
  return value;
}

/** The oldest stale mark among records, if any is stale. */
export function oldestStaleMark(records: readonly unknown[]): StaleMark | undefined {
  let oldest: StaleMark | undefined;
  for (const record of records) {
    const mark = staleMarkOf(record);
    if (mark && (!oldest || mark.ageMs > oldest.ageMs)) oldest = mark;
  }
  return oldest;
}

/** Per request: the notices met so far, each record reported once however many fields served its page. */
export class NoticeCollector {
  readonly #reported = new Set<RejectedRecord>();
  readonly #stale = new Map<string, StaleField>();
  readonly errors: GraphQLError[] = [];

  /** The fields answered from stale copies, oldest age per field. */
  get stale(): StaleField[] {
    return [...this.#stale.values()];
  }

  note(value: unknown, info: GraphQLResolveInfo): void {
    if (typeof value !== 'object' || value === null) return;
    const notices = attached.get(value);
    const stale = notices?.stale ?? (Array.isArray(value) ? oldestStaleMark(value) : staleMarkOf(value));
    if (stale) this.#noteStale(info, stale);
    for (const record of notices?.rejected ?? []) {
      if (this.#reported.has(record)) continue;
      this.#reported.add(record);
      this.errors.push(new GraphQLError(record.error.message, { path: pathOf(info), originalError: record.error }));
    }
  }

  #noteStale(info: GraphQLResolveInfo, mark: StaleMark): void {
    const path = pathOf(info).filter((key): key is string => typeof key === 'string');
    const key = path.join('.');
    const ageSeconds = Math.round(mark.ageMs / 1000);
    const held = this.#stale.get(key);
    if (!held || held.ageSeconds < ageSeconds) this.#stale.set(key, { path, source: mark.source, ageSeconds });
  }
}

function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const path: (string | number)[] = [];
  for (let step: GraphQLResolveInfo['path'] | undefined = info.path; step; step = step.prev) path.unshift(step.key);
  return path;
}

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      upstreamNotices: UpstreamNoticesPlugin<Types>;
    }
  }
}

/** Hands the notices attached to a field's value to the request's collector; scalar fields are left unwrapped. */
export class UpstreamNoticesPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: Parameters<BasePlugin<Types>['wrapResolve']>[0],
    fieldConfig: Parameters<BasePlugin<Types>['wrapResolve']>[1],
  ): Parameters<BasePlugin<Types>['wrapResolve']>[0] {
    let type = fieldConfig.type;
    while (type.kind === 'List') type = type.type;
    if (type.kind !== 'Object' && type.kind !== 'Interface' && type.kind !== 'Union') return resolver;
    return (parent, args, context, info) => {
      const collector = (context as { notices?: NoticeCollector }).notices;
      const result: unknown = resolver(parent, args, context, info);
      if (!collector) return result;
      if (isThenable(result)) {
        return Promise.resolve(result).then((value) => {
          collector.note(value, info);
          return value;
        });
      }
      collector.note(result, info);
      return result;
    };
  }
}

SchemaBuilder.registerPlugin('upstreamNotices', UpstreamNoticesPlugin);
