import { BadUserInputError } from '../errors.js';
import type { SignicatUsageQuery } from '../sources/signicat/client.js';
import type { SignicatUsageItem } from '../sources/signicat/schemas.js';
import { Account } from './account.js';
import { builder } from './builder.js';
import { Organization } from './organization.js';
import { batchedPlan } from './plans.js';
import { enumValue, vendorEnum } from './vendor-enum.js';

export const IdentityUsagePeriod = builder.enumType('IdentityUsagePeriod', {
  description: 'The period identity usage is summed over.',
  values: {
    DAILY: { value: 'daily', description: 'One record per day.' },
    MONTHLY: { value: 'monthly', description: 'One record per calendar month.' },
    QUARTERLY: { value: 'quarterly', description: 'One record per calendar quarter.' },
    YEARLY: { value: 'yearly', description: 'One record per calendar year.' },
  } as const,
});

export const IdentityUsageLevel = builder.enumType('IdentityUsageLevel', {
  description: 'Whether an organisation’s identity usage is reported per account or summed for the organisation.',
  values: {
    ACCOUNT: { value: 'account', description: 'One record per account, product and period.' },
    ORGANIZATION: { value: 'organization', description: 'Accounts summed: one record per product and period.' },
  } as const,
});

export const IdentityUsageState = vendorEnum('IdentityUsageState', 'How the transactions of an identity usage record ended.', {
  COMPLETED: { value: 'completed', description: 'Completed: counted, and invoiced once the month is closed.' },
  STARTED: { value: 'started', description: 'Started and not finished yet.' },
  LOADED: { value: 'loaded', description: 'Loaded (the flow was opened) and not finished yet.' },
  USER_ABORTED: { value: 'userAborted', description: 'Aborted by the end user.' },
  FAILED: { value: 'failed', description: 'Failed: reported, but not invoiced.' },
});

const DatePeriod = builder.objectRef<{ start: string; end: string }>('DatePeriod').implement({
  description: 'A range of calendar days, both ends included.',
  fields: (t) => ({
    start: t.field({ type: 'Date', description: 'First day.', resolve: (period) => period.start }),
    end: t.field({ type: 'Date', description: 'Last day.', resolve: (period) => period.end }),
  }),
});

export const IdentityUsageRecord = builder.objectRef<SignicatUsageItem>('IdentityUsageRecord').implement({
  description: 'Identity-platform transactions (authentications, signatures, seals) of one product over one period.',
  fields: (t) => ({
    product: t.exposeString('productName', {
      nullable: true,
      description: 'Product name, e.g. "BankID NO"; null where the platform gives none.',
    }),
    usageType: t.exposeString('usageType', {
      description: 'The product’s resource name (SRN), e.g. `srn:sue:1:authbroker:nbid:auth:bidbax`.',
    }),
    unitOfMeasure: t.exposeString('unitOfMeasure', {
      nullable: true,
      description: 'What `count` counts, e.g. "Authentications"; null where the platform gives none.',
    }),
    count: t.exposeFloat('count', { description: 'Number of transactions in the period (the platform reports a decimal number).' }),
    state: t.field({ type: IdentityUsageState, description: 'How the transactions ended.', resolve: (record) => enumValue(record.state) }),
    vendorState: t.string({ description: 'The state exactly as the identity platform names it.', resolve: (record) => record.state.raw }),
    invoiced: t.exposeBoolean('invoiced', { description: 'Whether the usage has been invoiced (failed usage never is).' }),
    period: t.field({ type: DatePeriod, description: 'The days the record covers.', resolve: (record) => record.period }),
    organization: t.field({
      type: Organization,
      nullable: true,
      description: 'The organisation the usage belongs to.',
      extensions: { plan: batchedPlan('signicat.organization', 100) },
      resolve: (record) => record.organizationId,
    }),
    organizationExternalId: t.exposeString('organizationId', { description: 'The identity platform’s id of the organisation.' }),
    account: t.field({
      type: Account,
      nullable: true,
      description: 'The account the usage belongs to; null when usage is summed per organisation.',
      extensions: { plan: batchedPlan('signicat.account', 100) },
      resolve: (record) => record.accountId,
    }),
    accountExternalId: t.exposeString('accountId', {
      nullable: true,
      description: 'The identity platform’s id of the account; null when usage is summed per organisation.',
    }),
    externalReference: t.string({
      nullable: true,
      description: 'Your reference on the transactions; only when asked for with `includeExternalReference`.',
      resolve: (record) => record.externalReference ?? null,
    }),
  }),
});

/** Arguments shared by every `identityUsage` field, mirroring the vendor's query. */
export const identityUsageArgs = builder.args((t) => ({
  from: t.field({ type: 'Date', description: 'First day, included. Default: the first day the vendor holds.' }),
  to: t.field({ type: 'Date', description: 'Last day, included. Default: the last day the vendor holds.' }),
  period: t.field({ type: IdentityUsagePeriod, description: 'The period usage is summed over. Default: daily.' }),
  includeExternalReference: t.boolean({ description: 'Fill in `externalReference` on every record. Default: false.' }),
}));

export const IdentityUsageRecordConnection = builder.connectionObject(
  { type: IdentityUsageRecord, name: 'IdentityUsageRecordConnection', description: 'A page of identity usage records.' },
  { name: 'IdentityUsageRecordEdge' },
);

export interface IdentityUsageArgs {
  from?: Date | null;
  to?: Date | null;
  period?: 'daily' | 'monthly' | 'quarterly' | 'yearly' | null;
  includeExternalReference?: boolean | null;
}

/** The vendor query for those arguments; a reversed range is the client's mistake, not the vendor's. */
export function identityUsageQuery(args: IdentityUsageArgs): SignicatUsageQuery {
  if (args.from && args.to && args.from > args.to) throw new BadUserInputError('`from` must not be after `to`');
  return {
    ...(args.from ? { fromDate: isoDay(args.from) } : {}),
    ...(args.to ? { toDate: isoDay(args.to) } : {}),
    ...(args.period ? { aggregateByPeriod: args.period } : {}),
    ...(args.includeExternalReference ? { includeExternalReference: true } : {}),
  };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
