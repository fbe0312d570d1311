import { USAGE_PAGE_LIMIT, accountManagementList } from '../sources/signicat/loaders.js';
import type { SignicatAccount } from '../sources/signicat/schemas.js';
import { builder } from './builder.js';
import { IdentityUsageRecord, IdentityUsageRecordConnection, identityUsageArgs, identityUsageQuery } from './identity-usage.js';
import { localId } from './node-id.js';
import { Organization } from './organization.js';
import { cursorScope } from './paging/cursor.js';
import { resolveOffsetConnection } from './paging/offset.js';
import { resolveTokenConnection } from './paging/token.js';

const Cloud = builder.enumType('Cloud', {
  description: 'The cloud an account’s services run in.',
  values: {
    GCP: { description: 'Google Cloud Platform.' },
    OTC: { description: 'Open Telekom Cloud.' },
  } as const,
});

export const Account = builder.loadableNodeRef('Account', {
  id: { resolve: (account: SignicatAccount) => account.id },
  load: (ids: string[], context) => context.signicat.account.loadMany(ids),
});

export const AccountConnection = builder.connectionObject(
  { type: Account, name: 'AccountConnection', description: 'A page of accounts.' },
  { name: 'AccountEdge' },
);

Account.implement({
  description: 'An identity-platform account: where an organisation’s integrations and their usage live.',
  fields: (t) => ({
    externalId: t.exposeString('id', { description: 'The identity platform’s own id, e.g. `a-ppge-…` (`a-spge-…` for sandbox).' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    sandbox: t.exposeBoolean('isSandbox', { description: 'A test account: its usage is not billed.' }),
    enabled: t.exposeBoolean('enabled', { description: 'Whether the account can be used.' }),
    deleteProtected: t.exposeBoolean('isDeleteProtected', { description: 'Whether the account is protected against deletion.' }),
    region: t.exposeString('region', { description: 'Data region, e.g. "EU".' }),
    cloud: t.field({ type: Cloud, description: 'The cloud the account runs in.', resolve: (account) => account.cloud }),
    createdAt: t.field({ type: 'DateTime', description: 'When the account was created.', resolve: (account) => account.createdDate }),
    updatedAt: t.field({ type: 'DateTime', description: 'When the account last changed.', resolve: (account) => account.lastModifiedDate }),
    organization: t.field({
      type: Organization,
      nullable: true,
      description: 'The organisation that owns the account.',
      resolve: (account) => account.organization?.id ?? null,
    }),
    identityUsage: t.connection(
      {
        type: IdentityUsageRecord,
        nullable: true,
        description:
          'Identity-platform usage of this account, oldest period first. Many accounts of one organisation asked for the same range share the organisation’s pages upstream.',
        args: identityUsageArgs,
        resolve: (account, args, context) => {
          const query = identityUsageQuery(args);
          const organizationId = account.organization?.id ?? null;
          return resolveOffsetConnection(
            { args, limits: context.limits, scope: cursorScope('Account.identityUsage', [account.id, query]) },
            {
              maxChunk: USAGE_PAGE_LIMIT,
              read: (offset, limit) => context.signicat.accountUsage.load({ owner: account.id, organizationId, query, offset, limit }),
            },
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
      resolve: (_root, args, context) =>
        resolveTokenConnection(
          { args, limits: context.limits, scope: cursorScope('Query.accounts', null) },
          accountManagementList((query) => context.signicat.accountsPage.load(query)),
        ),
    },
    AccountConnection,
  ),
  account: t.field({
    type: Account,
    nullable: true,
    description: 'One account by id; null when there is none.',
    args: { id: t.arg.globalID({ required: true, description: 'Global id of the account, as its `id` field gives it.' }) },
    resolve: (_root, args) => localId(args.id, 'Account'),
  }),
}));
