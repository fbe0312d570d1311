import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphContext } from '../schema/context.js';
import { planOperation, type Plan } from './cost-plan.js';

/** The limits the planner holds every operation to before it runs. */
export interface CostLimits {
  /** Page size assumed for a connection asked for without `first` or `last` (`PAGE_SIZE_DEFAULT`). */
  defaultPageSize: number;
  /** Vendor calls an operation may make (also the hard cap while it runs). @default 50 */
  maxUpstreamCalls: number;
  /** Objects an answer may hold. @default 50000 */
  maxResultObjects: number;
  /** Items a list argument (`nodes(ids:)`) may hold. @default 100 */
  maxListLength: number;
}

/** `extensions.code` of each refusal. */
export const COST_CODES = {
  upstreamCalls: 'UPSTREAM_CALL_LIMIT_EXCEEDED',
  resultObjects: 'RESULT_SIZE_LIMIT_EXCEEDED',
  listLength: 'LIST_LIMIT_EXCEEDED',
} as const;

/**
 * Plans each operation before it runs (its worst-case vendor calls and answer size, from the document and its
 * variables) and refuses it with HTTP 400 and a coded error, making no vendor call, when a limit would be passed.
 * The call limit stays in force while the operation runs; every answer reports `extensions.cost`.
 */
export function useOperationCost(limits: CostLimits): Plugin<GraphContext, GraphContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const plan = planDocument(args.schema, args.document, args.operationName, args.variableValues, limits.defaultPageSize);
      if (!plan) return;
      args.contextValue.budget.estimated = plan.calls;
      const refusal = refusalOf(plan, limits);
      if (refusal) setResultAndStopExecution({ errors: [refusal], extensions: { cost: costOf(args.contextValue) } });
    },
    onExecutionResult({ result, setResult, context }) {
      // A document refused before execution never had a graph context, nor a cost.
      if (!result || !('data' in result) || context.budget === undefined) return;
      setResult({ ...result, extensions: { ...result.extensions, cost: costOf(context) } });
    },
  };
}

/**
 * The plan of the operation a request runs, from its document and raw variables; `undefined` when there is no such
 * operation or its variables do not fit their definitions (execution reports both).
 */
export function planDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  defaultPageSize: number,
): Plan | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (variables.errors) return undefined;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return planOperation(schema, operation, fragments, variables.coerced, { pageSize: defaultPageSize });
}

function refusalOf(plan: Plan, limits: CostLimits): GraphQLError | undefined {
  if (plan.longestList && plan.longestList.length > limits.maxListLength) {
    const { field, length } = plan.longestList;
    return refusal(COST_CODES.listLength, `\`${field}\` was given a list of ${length} items; at most ${limits.maxListLength} are allowed`, {
      given: length,
      max: limits.maxListLength,
    });
  }
  if (plan.calls > limits.maxUpstreamCalls) {
    return refusal(
      COST_CODES.upstreamCalls,
      `this operation could make up to ${plan.calls} vendor calls, ${plan.calls - limits.maxUpstreamCalls} more than the limit of ${limits.maxUpstreamCalls}: ask for smaller pages or fewer nested lists`,
      { estimated: plan.calls, max: limits.maxUpstreamCalls },
    );
  }
  if (plan.objects > limits.maxResultObjects) {
    return refusal(
      COST_CODES.resultObjects,
      `this operation could answer up to ${plan.objects} objects, ${plan.objects - limits.maxResultObjects} more than the limit of ${limits.maxResultObjects}: ask for smaller pages or fewer nested lists`,
      { estimated: plan.objects, max: limits.maxResultObjects },
    );
  }
  return undefined;
}

function refusal(code: string, message: string, details: Record<string, number>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details, http: { status: 400 } } });
}

function costOf(context: GraphContext): { estimatedCalls: number; calls: number; limit: number } {
  return { estimatedCalls: context.budget.estimated, calls: context.budget.made, limit: context.budget.limit };
}
