import { BadUserInputError } from '../errors.js';
import { statementList } from '../sources/fourme/loaders.js';
import type { FourmeUsageStatement } from '../sources/fourme/schemas.js';
import { builder } from './builder.js';
import { localId } from './node-id.js';
import { cursorScope } from './paging/cursor.js';
import { arrayList, resolveOffsetConnection } from './paging/offset.js';
import { Person } from './person.js';

const UsagePlan = builder.enumType('UsagePlan', {
  description: 'The service desk plan a usage statement was billed on.',
  values: {
    BASIC: { value: 'basic', description: 'Basic.' },
    PREMIUM: { value: 'premium', description: 'Premium.' },
    PREMIUM_PLUS: { value: 'premium_plus', description: 'Premium Plus.' },
  } as const,
});

export const UsageStatement = builder.loadableNodeRef('UsageStatement', {
  id: { resolve: (statement: FourmeUsageStatement) => statement.id, parse: parseStatementId },
  load: (ids: number[], context) => context.fourme.statement.loadMany(ids),
});

const UsageStatementConnection = builder.connectionObject(
  {
    type: UsageStatement,
    name: 'UsageStatementConnection',
    description: 'A page of usage statements.',
    fields: (t) => ({
      totalCount: t.int({ nullable: true, description: 'Number of statements.', resolve: (connection) => connection.totalCount ?? null }),
    }),
  },
  { name: 'UsageStatementEdge' },
);

const BillableUserConnection = builder.connectionObject(
  {
    type: Person,
    name: 'BillableUserConnection',
    description: 'A page of the people billed on a usage statement.',
    nodeNullable: true,
    fields: (t) => ({
      totalCount: t.int({
        nullable: true,
        description: 'Number of billable people.',
        resolve: (connection) => connection.totalCount ?? null,
      }),
    }),
  },
  { name: 'BillableUserEdge' },
);

UsageStatement.implement({
  description: 'What the service desk account was billed for in one month: its plan and its billable people.',
  fields: (t) => ({
    externalId: t.exposeInt('id', { description: 'The service desk’s own statement id.' }),
    plan: t.field({ type: UsagePlan, description: 'The plan billed.', resolve: (statement) => statement.plan }),
    year: t.exposeInt('year', { description: 'Year of the billing month.' }),
    month: t.exposeInt('month', { description: 'Billing month, 1 to 12.' }),
    startDate: t.field({ type: 'Date', description: 'First day billed.', resolve: (statement) => statement.start_date }),
    endDate: t.field({ type: 'Date', description: 'Last day billed.', resolve: (statement) => statement.end_date }),
    userMonths: t.exposeInt('user_months', { description: 'Number of billable people in the period.' }),
    billableUsers: t.connection(
      {
        type: Person,
        nullable: true,
        nodeNullable: true,
        description:
          'People who were enabled and had a role (other than End User or Key Contact) at any time in the period. A person the account no longer holds is a null node.',
        resolve: async (statement, args, context) => {
          const ids = statement.billable_user_ids ?? (await context.fourme.statement.load(statement.id))?.billable_user_ids ?? [];
          return resolveOffsetConnection(
            { args, limits: context.limits, scope: cursorScope('UsageStatement.billableUsers', statement.id) },
            arrayList(ids),
          );
        },
      },
      BillableUserConnection,
    ),
  }),
});

builder.queryFields((t) => ({
  usageStatements: t.connection(
    {
      type: UsageStatement,
      nullable: true,
      description: 'Monthly usage statements, newest first.',
      args: {
        year: t.arg.int({ description: 'Only statements of this year.' }),
        month: t.arg.int({ description: 'Only statements of this month (1 to 12).' }),
      },
      resolve: (_root, args, context) => {
        const filter = statementFilter(args);
        return resolveOffsetConnection(
          { args, limits: context.limits, scope: cursorScope('Query.usageStatements', filter) },
          statementList(context.fourme, filter),
        );
      },
    },
    UsageStatementConnection,
  ),
  usageStatement: t.field({
    type: UsageStatement,
    nullable: true,
    description: 'One statement by id, or by year and month; null when there is none.',
    args: {
      id: t.arg.globalID({ description: 'Global id of the statement, as its `id` field gives it.' }),
      year: t.arg.int({ description: 'Year of the billing month (with `month`).' }),
      month: t.arg.int({ description: 'Billing month, 1 to 12 (with `year`).' }),
    },
    resolve: async (_root, args, context) => {
      if (args.id) {
        if (args.year != null || args.month != null) throw new BadUserInputError('give `id`, or `year` and `month`, not both');
        return parseStatementId(localId(args.id, 'UsageStatement'));
      }
      if (args.year == null || args.month == null) throw new BadUserInputError('give `id`, or both `year` and `month`');
      const [statement] = await statementList(context.fourme, statementFilter(args))
        .read(0, 1)
        .then((chunk) => chunk.items);
      return statement ?? null;
    },
  }),
}));

function statementFilter(args: { year?: number | null; month?: number | null }) {
  if (args.month != null && (args.month < 1 || args.month > 12)) throw new BadUserInputError('`month` must be between 1 and 12');
  if (args.year != null && (args.year < 1970 || args.year > 9999)) throw new BadUserInputError('`year` must be between 1970 and 9999');
  return { ...(args.year != null ? { year: args.year } : {}), ...(args.month != null ? { month: args.month } : {}) };
}

function parseStatementId(id: string): number {
  const parsed = Number(id);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new BadUserInputError('not a valid UsageStatement id');
  return parsed;
}
