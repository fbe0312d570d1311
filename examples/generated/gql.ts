/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment DashboardIdentityUsage on IdentityUsageRecordConnection {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      product\n      count\n      state\n      period {\n        start\n        end\n      }\n    }\n  }\n": typeof types.DashboardIdentityUsageFragmentDoc,
    "\n  fragment DashboardAccount on Account {\n    id\n    name\n    sandbox\n    identityUsage(period: MONTHLY, from: $from, first: 100) {\n      ...DashboardIdentityUsage\n    }\n  }\n": typeof types.DashboardAccountFragmentDoc,
    "\n  query DashboardOrganizations($first: Int!, $after: String, $from: Date!) {\n    organizations(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        country\n        accounts(first: 20) {\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            ...DashboardAccount\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardOrganizationsDocument,
    "\n  query DashboardOrganizationAccounts($organization: ID!, $first: Int!, $after: String, $from: Date!) {\n    organization(id: $organization) {\n      accounts(first: $first, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...DashboardAccount\n        }\n      }\n    }\n  }\n": typeof types.DashboardOrganizationAccountsDocument,
    "\n  query DashboardAccountIdentityUsage($account: ID!, $from: Date!, $after: String) {\n    account(id: $account) {\n      identityUsage(period: MONTHLY, from: $from, first: 100, after: $after) {\n        ...DashboardIdentityUsage\n      }\n    }\n  }\n": typeof types.DashboardAccountIdentityUsageDocument,
    "\n  query DashboardSims($first: Int!, $after: String, $sessions: Int!) {\n    sims(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        iccid\n        label\n        online\n        bytesThisPeriod\n        network {\n          name\n          countryCode\n        }\n        tags {\n          name\n          color\n        }\n        usage(last: $sessions) {\n          nodes {\n            time\n            bytes\n            country\n            networkType\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardSimsDocument,
    "\n  query DashboardUsageStatements($first: Int!, $after: String, $people: Int!) {\n    usageStatements(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        year\n        month\n        plan\n        userMonths\n        startDate\n        endDate\n        billableUsers(first: $people) {\n          totalCount\n          nodes {\n            id\n            name\n            primaryEmail\n          }\n        }\n      }\n    }\n  }\n": typeof types.DashboardUsageStatementsDocument,
};
const documents: Documents = {
    "\n  fragment DashboardIdentityUsage on IdentityUsageRecordConnection {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      product\n      count\n      state\n      period {\n        start\n        end\n      }\n    }\n  }\n": types.DashboardIdentityUsageFragmentDoc,
    "\n  fragment DashboardAccount on Account {\n    id\n    name\n    sandbox\n    identityUsage(period: MONTHLY, from: $from, first: 100) {\n      ...DashboardIdentityUsage\n    }\n  }\n": types.DashboardAccountFragmentDoc,
    "\n  query DashboardOrganizations($first: Int!, $after: String, $from: Date!) {\n    organizations(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        country\n        accounts(first: 20) {\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            ...DashboardAccount\n          }\n        }\n      }\n    }\n  }\n": types.DashboardOrganizationsDocument,
    "\n  query DashboardOrganizationAccounts($organization: ID!, $first: Int!, $after: String, $from: Date!) {\n    organization(id: $organization) {\n      accounts(first: $first, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...DashboardAccount\n        }\n      }\n    }\n  }\n": types.DashboardOrganizationAccountsDocument,
    "\n  query DashboardAccountIdentityUsage($account: ID!, $from: Date!, $after: String) {\n    account(id: $account) {\n      identityUsage(period: MONTHLY, from: $from, first: 100, after: $after) {\n        ...DashboardIdentityUsage\n      }\n    }\n  }\n": types.DashboardAccountIdentityUsageDocument,
    "\n  query DashboardSims($first: Int!, $after: String, $sessions: Int!) {\n    sims(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        iccid\n        label\n        online\n        bytesThisPeriod\n        network {\n          name\n          countryCode\n        }\n        tags {\n          name\n          color\n        }\n        usage(last: $sessions) {\n          nodes {\n            time\n            bytes\n            country\n            networkType\n          }\n        }\n      }\n    }\n  }\n": types.DashboardSimsDocument,
    "\n  query DashboardUsageStatements($first: Int!, $after: String, $people: Int!) {\n    usageStatements(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        year\n        month\n        plan\n        userMonths\n        startDate\n        endDate\n        billableUsers(first: $people) {\n          totalCount\n          nodes {\n            id\n            name\n            primaryEmail\n          }\n        }\n      }\n    }\n  }\n": types.DashboardUsageStatementsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardIdentityUsage on IdentityUsageRecordConnection {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      product\n      count\n      state\n      period {\n        start\n        end\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment DashboardIdentityUsage on IdentityUsageRecordConnection {\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      product\n      count\n      state\n      period {\n        start\n        end\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DashboardAccount on Account {\n    id\n    name\n    sandbox\n    identityUsage(period: MONTHLY, from: $from, first: 100) {\n      ...DashboardIdentityUsage\n    }\n  }\n"): (typeof documents)["\n  fragment DashboardAccount on Account {\n    id\n    name\n    sandbox\n    identityUsage(period: MONTHLY, from: $from, first: 100) {\n      ...DashboardIdentityUsage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardOrganizations($first: Int!, $after: String, $from: Date!) {\n    organizations(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        country\n        accounts(first: 20) {\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            ...DashboardAccount\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardOrganizations($first: Int!, $after: String, $from: Date!) {\n    organizations(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        country\n        accounts(first: 20) {\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            ...DashboardAccount\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardOrganizationAccounts($organization: ID!, $first: Int!, $after: String, $from: Date!) {\n    organization(id: $organization) {\n      accounts(first: $first, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...DashboardAccount\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardOrganizationAccounts($organization: ID!, $first: Int!, $after: String, $from: Date!) {\n    organization(id: $organization) {\n      accounts(first: $first, after: $after) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...DashboardAccount\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardAccountIdentityUsage($account: ID!, $from: Date!, $after: String) {\n    account(id: $account) {\n      identityUsage(period: MONTHLY, from: $from, first: 100, after: $after) {\n        ...DashboardIdentityUsage\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardAccountIdentityUsage($account: ID!, $from: Date!, $after: String) {\n    account(id: $account) {\n      identityUsage(period: MONTHLY, from: $from, first: 100, after: $after) {\n        ...DashboardIdentityUsage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardSims($first: Int!, $after: String, $sessions: Int!) {\n    sims(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        iccid\n        label\n        online\n        bytesThisPeriod\n        network {\n          name\n          countryCode\n        }\n        tags {\n          name\n          color\n        }\n        usage(last: $sessions) {\n          nodes {\n            time\n            bytes\n            country\n            networkType\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardSims($first: Int!, $after: String, $sessions: Int!) {\n    sims(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        iccid\n        label\n        online\n        bytesThisPeriod\n        network {\n          name\n          countryCode\n        }\n        tags {\n          name\n          color\n        }\n        usage(last: $sessions) {\n          nodes {\n            time\n            bytes\n            country\n            networkType\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardUsageStatements($first: Int!, $after: String, $people: Int!) {\n    usageStatements(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        year\n        month\n        plan\n        userMonths\n        startDate\n        endDate\n        billableUsers(first: $people) {\n          totalCount\n          nodes {\n            id\n            name\n            primaryEmail\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DashboardUsageStatements($first: Int!, $after: String, $people: Int!) {\n    usageStatements(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        year\n        month\n        plan\n        userMonths\n        startDate\n        endDate\n        billableUsers(first: $people) {\n          totalCount\n          nodes {\n            id\n            name\n            primaryEmail\n          }\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;