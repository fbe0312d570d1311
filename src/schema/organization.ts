import { arrayList } from '../sources/lists.js';
import { ACCOUNT_PAGE_LIMIT, USAGE_PAGE_LIMIT } from '../sources/signicat/loaders.js';
import type { SignicatOrganization } from '../sources/signicat/schemas.js';
import { Account, AccountConnection } from './account.js';
import { builder } from './builder.js';
import {
  IdentityUsageLevel,
  IdentityUsageRecord,
  IdentityUsageRecordConnection,
  identityUsageArgs,
  identityUsageQuery,
} from './identity-usage.js';
import { localId } from './node-id.js';
import { connectionRequest } from './paging/args.js';
import { resolveOffsetConnection } from './paging/offset.js';
import { resolveCursorConnection } from './paging/tokens.js';
import { batchedPlan, listPlan, readOncePlan } from './plans.js';

export const Organization = builder.loadableNodeRef('Organization', {
  id: { resolve: (organization: SignicatOrganization) => organization.id },
  load: (ids: string[], context) => context.loaders.signicat.organization.loadMany(ids),
});

export const OrganizationConnection = builder.connectionObject(
  { type: Organization, name: 'OrganizationConnection', description: 'A page of organisations.' },
  { name: 'OrganizationEdge' },
);

Organization.implement({
  description: 'A customer organisation on the identity platform; organisations nest, and own accounts.',
  fields: (t) => ({
    externalId: t.exposeString('id', { description: 'The identity platform’s own id, e.g. `o-p-…`, for links to its dashboard.' }),
    name: t.exposeString('name', { description: 'Display name.' }),
    entityId: t.exposeString('entityId', { description: 'Registration number of the legal entity.' }),
    country: t.field({
      type: 'CountryCode',
      description: 'Country of the legal entity (ISO 3166-1 alpha-2).',
      resolve: (organization) => organization.country.toUpperCase(),
    }),
    parent: t.field({
      type: Organization,
      nullable: true,
      description: 'The organisation this one belongs to; null for a top-level organisation.',
      extensions: { plan: batchedPlan('signicat.organization', ACCOUNT_PAGE_LIMIT) },
      resolve: (organization) => organization.parentId,
    }),
    children: t.connection(
      {
        type: Organization,
        nullable: true,
        description: 'Organisations directly below this one.',
        extensions: { plan: listPlan(ACCOUNT_PAGE_LIMIT) },
        resolve: (organization, args, context) =>
          resolveCursorConnection(
            connectionRequest(args, context.paging, 'Organization.children', organization.id),
            context.loaders.signicat.childOrganizations(organization.id),
          ),
      },
      OrganizationConnection,
    ),
    accounts: t.connection(
      {
        type: Account,
        nullable: true,
        description:
          'Accounts this organisation owns (not those of its children). Read from the account list, once per request for every organisation.',
        extensions: { plan: readOncePlan('signicat.everyAccount') },
        resolve: async (organization, args, context) => {
          const accounts = await context.loaders.signicat.everyAccount();
          return resolveOffsetConnection(
            connectionRequest(args, context.paging, 'Organization.accounts', organization.id),
            arrayList(accounts.filter((account) => account.organization?.id === organization.id)),
          );
        },
      },
      AccountConnection,
    ),
    identityUsage: t.connection(
      {
        type: IdentityUsageRecord,
        nullable: true,
        description: 'Identity-platform usage of this organisation’s accounts, oldest period first.',
        args: {
          ...identityUsageArgs,
          level: t.arg({ type: IdentityUsageLevel, description: 'Per account, or summed for the organisation. Default: ACCOUNT.' }),
          includeChildOrganizations: t.arg.boolean({ description: 'Add the usage of every organisation below this one. Default: false.' }),
        },
        extensions: { plan: listPlan(USAGE_PAGE_LIMIT, { scans: true }) },
        resolve: (organization, args, context) => {
          const query = {
            ...identityUsageQuery(args),
            ...(args.level ? { aggregateByLevel: args.level } : {}),
            ...(args.includeChildOrganizations ? { includeChildOrganizations: true } : {}),
          };
          return resolveOffsetConnection(
            connectionRequest(args, context.paging, 'Organization.identityUsage', [organization.id, query]),
            context.loaders.signicat.organizationUsage(organization.id, query),
          );
        },
      },
      IdentityUsageRecordConnection,
    ),
  }),
});

builder.queryFields((t) => ({
  organizations: t.connection(
    {
      type: Organization,
      nullable: true,
      description: 'Top-level organisations the credentials can see.',
      extensions: { plan: listPlan(ACCOUNT_PAGE_LIMIT) },
      resolve: (_root, args, context) =>
        resolveCursorConnection(
          connectionRequest(args, context.paging, 'Query.organizations', null),
          context.loaders.signicat.organizations,
        ),
    },
    OrganizationConnection,
  ),
  organization: t.field({
    type: Organization,
    nullable: true,
    description: 'One organisation by id; null when there is none.',
    args: { id: t.arg.globalID({ required: true, description: 'Global id of the organisation, as its `id` field gives it.' }) },
    extensions: { plan: batchedPlan('signicat.organization', ACCOUNT_PAGE_LIMIT) },
    resolve: (_root, args) => localId(args.id, 'Organization'),
  }),
}));
