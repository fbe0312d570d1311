import SchemaBuilder, { BasePlugin, isThenable, type SchemaTypes } from '@pothos/core';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { RejectedRecord } from '../upstream/http.js';

/**
 * What the vendors said beside the data a field got: records they sent that failed validation. The data stands;
 * each notice becomes one error located at the field that served the data, so partial data stays honest.
 */
export interface UpstreamNotices {
  rejected: readonly RejectedRecord[];
}

const attached = new WeakMap<object, UpstreamNotices>();

/** Marks a value a resolver returns (a connection page) with what the vendors said about it. */
export function attachNotices<T extends object>(value: T, notices: UpstreamNotices): T {
  if (notices.rejected.length > 0) attached.set(value, notices);
  return value;
}

/** Per request: the notices met so far, each record reported once however many fields served its page. */
export class NoticeCollector {
  readonly #reported = new Set<RejectedRecord>();
  readonly errors: GraphQLError[] = [];

  note(value: unknown, info: GraphQLResolveInfo): void {
    if (typeof value !== 'object' || value === null) return;
    const notices = attached.get(value);
    if (!notices) return;
    for (const record of notices.rejected) {
      if (this.#reported.has(record)) continue;
      this.#reported.add(record);
      this.errors.push(new GraphQLError(record.error.message, { path: pathOf(info), originalError: record.error }));
    }
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
    if (type.kind !== 'Object') return resolver;
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
