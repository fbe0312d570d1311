import { BadUserInputError } from '../errors.js';
import { FOURME_MAX_PER_PAGE } from '../sources/fourme/client.js';
import type { FourmeUsageStatement } from '../sources/fourme/schemas.js';
import { arrayList } from '../sources/lists.js';
import { builder } from './builder.js';
import { localId } from './node-id.js';
import { connectionRequest } from './paging/args.js';
import { resolveOffsetConnection } from './paging/offset.js';
import { resolveConnection } from './paging/connection.js';
import { Person } from './person.js';
import { batchedPagePlan, batchedPlan, listPlan } from './plans.js';
import { enumValue, vendorEnum } from './vendor-enum.js';
import { billableUserIds, visibleIfStatements } from './visible.js';

const UsagePlan = vendorEnum('UsagePlan', 'The service desk plan a usage statement was billed on.', {
  BASIC: { value: 'basic', description: 'Basic.' },
  PREMIUM: { value: 'premium', description: 'Premium.' },
  PREMIUM_PLUS: { value: 'premium_plus', description: 'Premium Plus.' },
});

export const UsageStatement = builder.loadableNodeRef('UsageStatement', {
  id: { resolve: (statement: FourmeUsageStatement) => statement.id, parse: parseStatementId },
  load: (ids: number[], context) => visibleIfStatements(context, () => context.loaders.fourme.statement.loadMany(ids), ids.length),
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
    externalId: t.exposeInt('id', { description: 'The service desk’s own statement id, for links to its console.' }),
    plan: t.field({ type: UsagePlan, description: 'The plan billed.', resolve: (statement) => enumValue(statement.plan) }),
    vendorPlan: t.string({ description: 'The plan exactly as the service desk names it.', resolve: (statement) => statement.plan.raw }),
    year: t.exposeInt('year', { description: 'Year of the billing month.' }),
    month: t.exposeInt('month', { description: 'Billing month, 1 to 12.' }),
    startDate: t.field({ type: 'Date', description: 'First day billed.', resolve: (statement) => statement.start_date }),
    endDate: t.field({ type: 'Date', description: 'Last day billed.', resolve: (statement) => statement.end_date }),
    userMonths: t.exposeInt('user_months', { description: 'Number of billable people in the period.' }),
    billableUserExternalIds: t.field({
      type: ['Int'],
      nullable: true,
      description:
        'The service desk’s ids of every billable person, as the statement lists them: a person the account no longer holds stays visible here.',
      extensions: { plan: batchedPlan('fourme.statement', FOURME_MAX_PER_PAGE) },
      resolve: (statement, _args, context) => billableUserIds(statement, context.loaders.fourme),
    }),
    billableUsers: t.connection(
      {
        type: Person,
        nullable: true,
        nodeNullable: true,
        description:
          'People who were enabled and had a role (other than End User or Key Contact) at any time in the period. A person the account no longer holds is a null node (their id stays in `billableUserExternalIds`).',
        extensions: { plan: batchedPagePlan('fourme.person', FOURME_MAX_PER_PAGE) },
        resolve: async (statement, args, context) =>
          resolveOffsetConnection(
            connectionRequest(args, context, 'UsageStatement.billableUsers', statement.id),
            arrayList(await billableUserIds(statement, context.loaders.fourme)),
          ),
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
      extensions: { plan: listPlan(FOURME_MAX_PER_PAGE, { scans: true }) },
      resolve: (_root, args, context) => {
        const filter = statementFilter(args);
        const request = connectionRequest(args, context, 'Query.usageStatements', filter);
        // Without `fourme:statements` there are none to see, and nothing to ask 4me.
        if (!context.visibility.statements) return resolveConnection(request, arrayList<FourmeUsageStatement>([]));
        return resolveConnection(request, context.loaders.fourme.statements(filter));
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
    extensions: { plan: batchedPlan('fourme.statement', FOURME_MAX_PER_PAGE) },
    resolve: async (_root, args, context) => {
      if (args.id) {
        if (args.year != null || args.month != null) throw new BadUserInputError('give `id`, or `year` and `month`, not both');
        return parseStatementId(localId(args.id, 'UsageStatement'));
      }
      if (args.year == null || args.month == null) throw new BadUserInputError('give `id`, or both `year` and `month`');
      if (!context.visibility.statements) return null;
      const chunk = await context.loaders.fourme.statements(statementFilter(args)).read(null, 1);
      // One statement a month: a vendor record that failed validation is this field's error, not a missing statement.
      const rejected = chunk.rejected[0];
      if (chunk.items[0] === undefined && rejected) throw rejected.error;
      return chunk.items[0] ?? null;
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
