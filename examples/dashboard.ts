/**
 * A typed client for usage-graph in plain `fetch`: the operations below are compiled by `npm run codegen`
 * into `TypedDocumentNode`s (examples/generated/), so every result and variable here is checked by `tsc`.
 *
 *   npx tsx examples/dashboard.ts [url]     (default http://localhost:4000/graphql)
 *
 * Against a gateway that requires client tokens, put one in USAGE_GRAPH_TOKEN (`npm run token` makes one).
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { graphql } from './generated/gql.js';
import type {
  DashboardAccountFragment,
  DashboardIdentityUsageFragment,
  DashboardSimsQuery,
  DashboardUsageStatementsQuery,
} from './generated/graphql.js';

export const DEFAULT_URL = 'http://localhost:4000/graphql';

// ---------------------------------------------------------------------------------------------------------------
// Operations (`npm run codegen` reads these `graphql()` calls)

graphql(`
  fragment DashboardIdentityUsage on IdentityUsageRecordConnection {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      product
      count
      state
      period {
        start
        end
      }
    }
  }
`);

graphql(`
  fragment DashboardAccount on Account {
    id
    name
    sandbox
    identityUsage(period: MONTHLY, from: $from, first: 100) {
      ...DashboardIdentityUsage
    }
  }
`);

/** Signicat: organisations (token paging upstream), their accounts, and each account's monthly identity usage. */
const OrganizationsDocument = graphql(`
  query DashboardOrganizations($first: Int!, $after: String, $from: Date!) {
    organizations(first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        country
        accounts(first: 20) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            ...DashboardAccount
          }
        }
      }
    }
  }
`);

/** Follow-up page of one organisation's accounts. */
const OrganizationAccountsDocument = graphql(`
  query DashboardOrganizationAccounts($organization: ID!, $first: Int!, $after: String, $from: Date!) {
    organization(id: $organization) {
      accounts(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...DashboardAccount
        }
      }
    }
  }
`);

/** Follow-up page of one account's identity usage. */
const AccountIdentityUsageDocument = graphql(`
  query DashboardAccountIdentityUsage($account: ID!, $from: Date!, $after: String) {
    account(id: $account) {
      identityUsage(period: MONTHLY, from: $from, first: 100, after: $after) {
        ...DashboardIdentityUsage
      }
    }
  }
`);

/** Onomondo: SIMs (cursor paging upstream) with their tags and latest data sessions. */
const SimsDocument = graphql(`
  query DashboardSims($first: Int!, $after: String, $sessions: Int!) {
    sims(first: $first, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        iccid
        label
        online
        bytesThisPeriod
        network {
          name
          countryCode
        }
        tags {
          name
          color
        }
        usage(last: $sessions) {
          nodes {
            time
            bytes
            country
            networkType
          }
        }
      }
    }
  }
`);

/** 4me: usage statements (Link-cursor paging upstream), newest first, with the first billable people of each. */
const UsageStatementsDocument = graphql(`
  query DashboardUsageStatements($first: Int!, $after: String, $people: Int!) {
    usageStatements(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        year
        month
        plan
        userMonths
        startDate
        endDate
        billableUsers(first: $people) {
          totalCount
          nodes {
            id
            name
            primaryEmail
          }
        }
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------------------------
// Transport: one POST per operation, nothing but fetch

/** A GraphQL error as the gateway sends it; `extensions.code` is stable (see the README's error table). */
export interface GraphQLErrorInfo {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; source?: string; [key: string]: unknown };
}

/** The request failed as a whole: HTTP failure, a non-GraphQL answer, or errors without any data. */
export class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly errors: GraphQLErrorInfo[] = [],
  ) {
    super(message);
  }
}

export interface Result<TData> {
  data: TData;
  /** Field errors that came with the data: the fields they name are null, everything else is real. */
  errors: GraphQLErrorInfo[];
}

const printed = new WeakMap<object, string>();

/** Runs one typed operation; `data` and `variables` are typed by the document. */
export async function execute<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<Result<TData>> {
  let query = printed.get(document);
  if (query === undefined) printed.set(document, (query = print(document)));
  // Codegen's hash of the document (examples/generated/persisted-documents.json): a gateway started with
  // TRUSTED_DOCUMENTS runs its stored copy by this hash and ignores the text; any other gateway runs the text.
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash?.replace(/^sha256:/, '');
  const token = process.env['USAGE_GRAPH_TOKEN'];
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables, ...(hash ? { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } : {}) }),
  });
  let body: { data?: TData | null; errors?: GraphQLErrorInfo[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(`${url} answered HTTP ${response.status} without a GraphQL response`, response.status);
  }
  const errors = body.errors ?? [];
  if (body.data == null) {
    const messages = errors.map((error) => error.message).join('; ') || `HTTP ${response.status}`;
    throw new GraphQLRequestError(`request failed: ${messages}`, response.status, errors);
  }
  return { data: body.data, errors };
}

interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

/** Follows `pageInfo.endCursor` until the list ends (or `limit` items); a failed page (null) ends the list early. */
export async function collectPages<T>(
  fetchPage: (after: string | null, size: number) => Promise<Page<T> | null | undefined>,
  options: { pageSize: number; limit?: number; firstPage?: Page<T> | null },
): Promise<T[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const items: T[] = [];
  let page = options.firstPage === undefined ? await fetchPage(null, Math.min(options.pageSize, limit)) : options.firstPage;
  while (page) {
    items.push(...page.nodes);
    const cursor = page.pageInfo.endCursor;
    if (!page.pageInfo.hasNextPage || !cursor || items.length >= limit) break;
    page = await fetchPage(cursor, Math.min(options.pageSize, limit - items.length));
  }
  return items.slice(0, limit);
}

// ---------------------------------------------------------------------------------------------------------------
// The dashboard

export type IdentityUsageRecord = DashboardIdentityUsageFragment['nodes'][number];

export interface AccountUsage {
  id: string;
  name: string;
  sandbox: boolean;
  /** Monthly records since `from`, one per product and month, oldest first. */
  records: IdentityUsageRecord[];
  /** Transactions per month (`YYYY-MM`), all products summed. */
  monthlyTotals: { month: string; count: number }[];
}

export interface OrganizationUsage {
  id: string;
  name: string;
  country: string;
  accounts: AccountUsage[];
}

export type SimSummary = NonNullable<DashboardSimsQuery['sims']>['nodes'][number];
export type UsageStatementSummary = NonNullable<DashboardUsageStatementsQuery['usageStatements']>['nodes'][number];

export interface Listing<T> {
  items: T[];
  /** Partial failures met on the way (the affected fields came back null). */
  errors: GraphQLErrorInfo[];
}

export interface OrganizationOptions {
  /** Organisations per request. @default 10 */
  pageSize?: number;
  /** First day of the usage shown, `YYYY-MM-DD`. @default the first day of the month two months ago (three months in all) */
  from?: string;
}

/** Every top-level organisation with all its accounts and their monthly identity usage since `from`. */
export async function fetchOrganizationUsage(url: string, options: OrganizationOptions = {}): Promise<Listing<OrganizationUsage>> {
  const from = options.from ?? firstDayOfMonthsAgo(new Date(), 2);
  const errors: GraphQLErrorInfo[] = [];
  const run = async <TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables) => {
    const result = await execute(url, document, variables);
    errors.push(...result.errors);
    return result.data;
  };

  const accountUsage = async (account: DashboardAccountFragment): Promise<AccountUsage> => {
    const records = await collectPages(
      async (after) => (await run(AccountIdentityUsageDocument, { account: account.id, from, after })).account?.identityUsage,
      { pageSize: 100, firstPage: account.identityUsage },
    );
    return { id: account.id, name: account.name, sandbox: account.sandbox, records, monthlyTotals: monthlyTotals(records) };
  };

  const organizations = await collectPages(
    async (after, first) => (await run(OrganizationsDocument, { first, after, from })).organizations,
    { pageSize: options.pageSize ?? 10 },
  );
  const items = await Promise.all(
    organizations.map(async (organization) => {
      const accounts = await collectPages(
        async (after, first) =>
          (await run(OrganizationAccountsDocument, { organization: organization.id, first, after, from })).organization?.accounts,
        { pageSize: 20, firstPage: organization.accounts },
      );
      return {
        id: organization.id,
        name: organization.name,
        country: organization.country,
        accounts: await Promise.all(accounts.map(accountUsage)),
      };
    }),
  );
  return { items, errors };
}

export interface SimOptions {
  /** SIMs per request. @default 25 */
  pageSize?: number;
  /** Stop after this many SIMs. @default 50 */
  limit?: number;
  /** Latest data sessions per SIM. @default 3 */
  sessions?: number;
}

/** SIMs with their tags and latest data sessions, paged by cursor up to `limit`. */
export async function fetchSims(url: string, options: SimOptions = {}): Promise<Listing<SimSummary>> {
  const errors: GraphQLErrorInfo[] = [];
  const items = await collectPages(
    async (after, first) => {
      const result = await execute(url, SimsDocument, { first, after, sessions: options.sessions ?? 3 });
      errors.push(...result.errors);
      return result.data.sims;
    },
    { pageSize: options.pageSize ?? 25, limit: options.limit ?? 50 },
  );
  return { items, errors };
}

export interface UsageStatementOptions {
  /** Statements per request. @default 12 */
  pageSize?: number;
  /** Stop after this many statements. @default all */
  limit?: number;
  /** Billable people listed per statement (`billableUsers.totalCount` always counts all). @default 3 */
  people?: number;
}

/** Usage statements, newest first, with the first billable people of each. */
export async function fetchUsageStatements(
  url: string,
  options: UsageStatementOptions = {},
): Promise<Listing<UsageStatementSummary> & { totalCount: number | null }> {
  const errors: GraphQLErrorInfo[] = [];
  let totalCount: number | null = null;
  const items = await collectPages(
    async (after, first) => {
      const result = await execute(url, UsageStatementsDocument, { first, after, people: options.people ?? 3 });
      errors.push(...result.errors);
      totalCount = result.data.usageStatements?.totalCount ?? totalCount;
      return result.data.usageStatements;
    },
    { pageSize: options.pageSize ?? 12, ...(options.limit === undefined ? {} : { limit: options.limit }) },
  );
  return { items, errors, totalCount };
}

export interface Dashboard {
  organizations: Listing<OrganizationUsage>;
  sims: Listing<SimSummary>;
  usageStatements: Listing<UsageStatementSummary> & { totalCount: number | null };
}

/** The three listings, fetched side by side. */
export async function loadDashboard(
  url: string,
  options: { organizations?: OrganizationOptions; sims?: SimOptions; usageStatements?: UsageStatementOptions } = {},
): Promise<Dashboard> {
  const [organizations, sims, usageStatements] = await Promise.all([
    fetchOrganizationUsage(url, options.organizations),
    fetchSims(url, options.sims),
    fetchUsageStatements(url, options.usageStatements),
  ]);
  return { organizations, sims, usageStatements };
}

function monthlyTotals(records: IdentityUsageRecord[]): { month: string; count: number }[] {
  const totals = new Map<string, number>();
  for (const record of records) {
    const month = record.period.start.slice(0, 7);
    totals.set(month, (totals.get(month) ?? 0) + record.count);
  }
  return [...totals].map(([month, count]) => ({ month, count })).sort((a, b) => a.month.localeCompare(b.month));
}

function firstDayOfMonthsAgo(today: Date, months: number): string {
  return new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - months, 1)).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------------
// CLI

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatDashboard(dashboard: Dashboard): string {
  const lines: string[] = ['Organisations (monthly identity transactions per account)'];
  for (const organization of dashboard.organizations.items) {
    lines.push(`  ${organization.name} (${organization.country})`);
    for (const account of organization.accounts) {
      const months = account.monthlyTotals.map(({ month, count }) => `${month}: ${count}`).join(', ') || 'no usage';
      lines.push(`    ${account.name}${account.sandbox ? ' [sandbox]' : ''}  ${months}`);
    }
  }
  const sims = dashboard.sims.items;
  const totalBytes = sims.reduce((sum, sim) => sum + sim.bytesThisPeriod, 0);
  lines.push('', `SIMs (${sims.length} shown, ${formatBytes(totalBytes)} this period)`);
  for (const sim of sims.slice(0, 10)) {
    const tags = sim.tags.map((tag) => tag.name).join(', ') || '-';
    const last = sim.usage?.nodes.at(-1);
    lines.push(
      `  ${sim.iccid}  ${(sim.label ?? '').padEnd(24)} ${formatBytes(sim.bytesThisPeriod).padStart(9)}  ${sim.network.name ?? 'no network'}` +
        `  tags: ${tags}${last ? `  last session ${last.time} ${formatBytes(last.bytes)} ${last.networkType}` : ''}`,
    );
  }
  if (sims.length > 10) lines.push(`  … ${sims.length - 10} more`);
  const statements = dashboard.usageStatements;
  lines.push('', `Usage statements (${statements.items.length} of ${statements.totalCount ?? '?'})`);
  for (const statement of statements.items.slice(0, 12)) {
    const people = statement.billableUsers?.nodes.map((person) => person?.name ?? '(gone)').join(', ') ?? 'unavailable';
    const month = `${statement.year}-${String(statement.month).padStart(2, '0')}`;
    lines.push(`  ${month}  ${statement.plan.padEnd(12)} ${String(statement.userMonths).padStart(4)} billable users: ${people}, …`);
  }
  const errors = [...dashboard.organizations.errors, ...dashboard.sims.errors, ...dashboard.usageStatements.errors];
  if (errors.length > 0) {
    lines.push('', 'Partial data; these fields failed:');
    for (const error of errors) lines.push(`  ${error.path?.join('.') ?? '-'}: [${error.extensions?.code ?? 'ERROR'}] ${error.message}`);
  }
  return lines.join('\n');
}

function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const url = process.argv[2] ?? DEFAULT_URL;
  try {
    console.log(formatDashboard(await loadDashboard(url)));
  } catch (error) {
    console.error(`dashboard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
