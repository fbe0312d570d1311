import { BadUserInputError } from '../errors.js';
import type { SignicatUsageQuery } from '../sources/signicat/client.js';
import type { SignicatUsageItem } from '../sources/signicat/schemas.js';
import { Account } from './account.js';
import { builder } from './builder.js';
import { Organization } from './organization.js';

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

export const IdentityUsageState = builder.enumType('IdentityUsageState', {
  description: 'Processing state of an identity usage record.',
  values: {
    COMPLETED: { description: 'Final: the transactions are counted and will not change.' },
    PENDING: { description: 'Still being counted; the count may grow.' },
    OTHER: { description: 'A state this gateway does not know yet.' },
  } as const,
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
    product: t.exposeString('productName', { description: 'Product name, e.g. "BankID NO".' }),
    usageType: t.exposeString('usageType', {
      description: 'The product’s resource name (SRN), e.g. `srn:sue:1:authbroker:nbid:auth:bidbax`.',
    }),
    unitOfMeasure: t.exposeString('unitOfMeasure', { description: 'What `count` counts, e.g. "Authentications".' }),
    count: t.exposeInt('count', { description: 'Number of transactions in the period.' }),
    state: t.field({
      type: IdentityUsageState,
      description: 'Whether the count is final.',
      resolve: (record) => (record.state === 'completed' ? 'COMPLETED' : record.state === 'pending' ? 'PENDING' : 'OTHER'),
    }),
    invoiced: t.exposeBoolean('invoiced', { description: 'Whether the usage has been invoiced.' }),
    period: t.field({ type: DatePeriod, description: 'The days the record covers.', resolve: (record) => record.period }),
    organization: t.field({
      type: Organization,
      nullable: true,
      description: 'The organisation the usage belongs to.',
      resolve: (record) => record.organizationId,
    }),
    account: t.field({
      type: Account,
      nullable: true,
      description: 'The account the usage belongs to; null when usage is summed per organisation.',
      resolve: (record) => record.accountId,
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
