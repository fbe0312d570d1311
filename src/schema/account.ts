import { ACCOUNT_PAGE_LIMIT, USAGE_PAGE_LIMIT } from '../sources/signicat/loaders.js';
import type { SignicatAccount } from '../sources/signicat/schemas.js';
import { builder } from './builder.js';
import { IdentityUsageRecord, IdentityUsageRecordConnection, identityUsageArgs, identityUsageQuery } from './identity-usage.js';
import { localId } from './node-id.js';
import { Organization } from './organization.js';
import { connectionRequest } from './paging/args.js';
import { resolveOffsetConnection } from './paging/offset.js';
import { resolveCursorConnection } from './paging/tokens.js';
import { batchedPlan, listPlan, sharedWindowsPlan } from './plans.js';
import { enumValue, vendorEnum } from './vendor-enum.js';

const Cloud = vendorEnum('Cloud', 'The cloud an account’s services run in.', {
  GCP: { value: 'GCP', description: 'Google Cloud Platform.' },
  OTC: { value: 'OTC', description: 'Open Telekom Cloud.' },
});

export const Account = builder.loadableNodeRef('Account', {
  id: { resolve: (account: SignicatAccount) => account.id },
  load: (ids: string[], context) => context.loaders.signicat.account.loadMany(ids),
});

export const AccountConnection = builder.connectionObject(
  { type: Account, name: 'AccountConnection', description: 'A page of accounts.' },
  { name: 'AccountEdge' },
);

Account.implement({
  description: 'An identity-platform account: where an organisation’s integrations and their usage live.',
  fields: (t) => ({
    externalId: t.exposeString('id', {
      description: 'The identity platform’s own id, e.g. `a-ppge-…` (`a-spge-…` for sandbox), for links to its dashboard.',
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    sandbox: t.exposeBoolean('isSandbox', { description: 'A test account: its usage is not billed.' }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether the account can be used.' }),
    deleteProtected: t.exposeBoolean('isDeleteProtected', { description: 'Whether the account is protected against deletion.' }),
    region: t.exposeString('region', { description: 'Data region, e.g. "EU".' }),
    cloud: t.field({ type: Cloud, description: 'The cloud the account runs in.', resolve: (account) => enumValue(account.cloud) }),
    vendorCloud: t.string({ description: 'The cloud exactly as the identity platform names it.', resolve: (account) => account.cloud.raw }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the account was created; null where the platform does not say.',
      resolve: (account) => account.createdDate,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the account last changed; null where the platform does not say.',
      resolve: (account) => account.lastModifiedDate,
    }),
    organization: t.field({
      type: Organization,
      nullable: true,
      description: 'The organisation that owns the account.',
      extensions: { plan: batchedPlan('signicat.organization', ACCOUNT_PAGE_LIMIT) },
      resolve: (account) => account.organization?.id ?? null,
    }),
    identityUsage: t.connection(
      {
        type: IdentityUsageRecord,
        nullable: true,
        description:
          'Identity-platform usage of this account, oldest period first. Many accounts of one organisation asked for the same range share the organisation’s pages upstream.',
        args: identityUsageArgs,
        extensions: { plan: sharedWindowsPlan('signicat.accountUsage', USAGE_PAGE_LIMIT) },
        resolve: (account, args, context) => {
          const query = identityUsageQuery(args);
          return resolveOffsetConnection(
            connectionRequest(args, context.paging, 'Account.identityUsage', [account.id, query]),
            context.loaders.signicat.accountUsage(account.id, account.organization?.id ?? null, query),
          );
        },
      },
      IdentityUsageRecordConnection,
    ),
  }),
});

builder.queryFields((t) => ({
  accounts: t.connection(
    {
      type: Account,
      nullable: true,
      description: 'Every account the credentials can see.',
      extensions: { plan: listPlan(ACCOUNT_PAGE_LIMIT) },
      resolve: (_root, args, context) =>
        resolveCursorConnection(connectionRequest(args, context.paging, 'Query.accounts', null), context.loaders.signicat.accounts),
    },
    AccountConnection,
  ),
  account: t.field({
    type: Account,
    nullable: true,
    description: 'One account by id; null when there is none.',
    args: { id: t.arg.globalID({ required: true, description: 'Global id of the account, as its `id` field gives it.' }) },
    extensions: { plan: batchedPlan('signicat.account', ACCOUNT_PAGE_LIMIT) },
    resolve: (_root, args) => localId(args.id, 'Account'),
  }),
}));
