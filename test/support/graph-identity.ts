import { expect } from 'vitest';
import type {
  SignicatAccountWire,
  SignicatOrganization,
  SignicatUsageItemWire,
  SignicatUsagePeriod,
} from '../../src/sources/signicat/schemas.js';
import { compareText, type SignicatSeed, type SignicatUsageSeries } from '../../src/sources/signicat/seed.js';
import type { GraphResponse } from './gateway.js';
import { expectedAccountUsage } from './signicat.js';

/** A global id as the graph issues it (base64url of `Type:id`), for ids the graph has not handed out, such as unknown ones. */
export function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<N> {
  edges: { cursor: string; node: N }[];
  pageInfo: PageInfo;
}

export interface PageArgs {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

/** Reads one page of a connection: runs the operation with the paging variables and picks the connection out of the answer. */
export type PageReader<N> = (args: PageArgs) => Promise<Connection<N>>;

/** Fails with the response's errors when there are any, so a failing walk says why. */
export function dataOf<T>(response: GraphResponse<T>): T {
  expect(response.errors).toBeUndefined();
  if (!response.data) throw new Error('response without data');
  return response.data;
}

const MAX_PAGES = 200;

/** Follows `endCursor` from the start until `hasNextPage` is false; every page, in the order read. */
export async function walkForward<N>(read: PageReader<N>, size: number): Promise<{ nodes: N[]; pages: Connection<N>[] }> {
  const pages: Connection<N>[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await read({ first: size, ...(after === undefined ? {} : { after }) });
    pages.push(page);
    expectCursorsMatchEdges(page);
    if (!page.pageInfo.hasNextPage) break;
    if (page.pageInfo.endCursor === null) throw new Error('hasNextPage without an endCursor');
    after = page.pageInfo.endCursor;
    if (pages.length > MAX_PAGES) throw new Error('the walk does not end');
  }
  return { nodes: pages.flatMap((page) => page.edges.map((edge) => edge.node)), pages };
}

/** Starts with `last` alone (the end of the list) and follows `startCursor` back until `hasPreviousPage` is false. */
export async function walkBackward<N>(read: PageReader<N>, size: number): Promise<{ nodes: N[]; pages: Connection<N>[] }> {
  const pages: Connection<N>[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await read({ last: size, ...(before === undefined ? {} : { before }) });
    pages.push(page);
    expectCursorsMatchEdges(page);
    if (!page.pageInfo.hasPreviousPage) break;
    if (page.pageInfo.startCursor === null) throw new Error('hasPreviousPage without a startCursor');
    before = page.pageInfo.startCursor;
    if (pages.length > MAX_PAGES) throw new Error('the walk does not end');
  }
  return { nodes: pages.toReversed().flatMap((page) => page.edges.map((edge) => edge.node)), pages };
}

function expectCursorsMatchEdges(page: Connection<unknown>): void {
  expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
  expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
}

/** Both walks end where they should: no previous page before the first, no next page after the last. */
export function expectForwardEnds(pages: Connection<unknown>[]): void {
  expect(pages[0]?.pageInfo.hasPreviousPage).toBe(false);
  expect(pages.at(-1)?.pageInfo.hasNextPage).toBe(false);
  pages.slice(0, -1).forEach((page) => expect(page.pageInfo.hasNextPage).toBe(true));
}

export function expectBackwardEnds(pages: Connection<unknown>[]): void {
  expect(pages[0]?.pageInfo.hasNextPage).toBe(false);
  expect(pages.at(-1)?.pageInfo.hasPreviousPage).toBe(false);
  pages.slice(0, -1).forEach((page) => expect(page.pageInfo.hasPreviousPage).toBe(true));
}

/** Paging variables for operations declared with `$first: Int, $after: String, $last: Int, $before: String`. */
export const PAGE_VARIABLES = '$first: Int, $after: String, $last: Int, $before: String';
export const PAGE_ARGS = 'first: $first, after: $after, last: $last, before: $before';
export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

export const ORGANIZATION_FIELDS = 'id externalId name entityId country parent { externalId }';
export const ACCOUNT_FIELDS =
  'id externalId name sandbox enabled deleteProtected region cloud vendorCloud createdAt updatedAt organization { externalId }';
export const USAGE_RECORD_FIELDS =
  'product usageType unitOfMeasure count state vendorState invoiced period { start end } externalReference organization { externalId } organizationExternalId account { externalId } accountExternalId';

export interface GraphOrganization {
  id: string;
  externalId: string;
  name: string;
  entityId: string;
  country: string;
  parent: { externalId: string } | null;
}

export interface GraphAccount {
  id: string;
  externalId: string;
  name: string;
  sandbox: boolean;
  enabled: boolean;
  deleteProtected: boolean;
  region: string;
  cloud: string;
  vendorCloud: string;
  createdAt: string | null;
  updatedAt: string | null;
  organization: { externalId: string } | null;
}

export interface GraphUsageRecord {
  product: string | null;
  usageType: string;
  unitOfMeasure: string | null;
  count: number;
  state: string;
  vendorState: string;
  invoiced: boolean;
  period: { start: string; end: string };
  externalReference: string | null;
  organization: { externalId: string } | null;
  organizationExternalId: string;
  account: { externalId: string } | null;
  accountExternalId: string | null;
}

/** What the graph should answer for a seeded organisation (`id` aside: it is opaque). */
export function organizationAsGraph(organization: SignicatOrganization): Omit<GraphOrganization, 'id'> {
  return {
    externalId: organization.id,
    name: organization.name,
    entityId: organization.entityId,
    country: organization.country.toUpperCase(),
    parent: organization.parentId === null ? null : { externalId: organization.parentId },
  };
}

export function accountAsGraph(account: SignicatAccountWire): Omit<GraphAccount, 'id'> {
  return {
    externalId: account.id,
    name: account.name,
    sandbox: account.isSandbox,
    enabled: account.enabled,
    deleteProtected: account.isDeleteProtected,
    region: account.region,
    cloud: account.cloud,
    vendorCloud: account.cloud,
    // The vendor's "not set" (an empty string) reads as null.
    createdAt: account.createdDate || null,
    updatedAt: account.lastModifiedDate || null,
    organization: account.organization === null ? null : { externalId: account.organization.id },
  };
}

const STATES: Record<string, string> = {
  completed: 'COMPLETED',
  started: 'STARTED',
  loaded: 'LOADED',
  userAborted: 'USER_ABORTED',
  failed: 'FAILED',
};

export function usageRecordAsGraph(item: SignicatUsageItemWire): GraphUsageRecord {
  return {
    product: item.productName,
    usageType: item.usageType,
    unitOfMeasure: item.unitOfMeasure,
    count: item.count,
    state: STATES[item.state] ?? 'UNKNOWN',
    vendorState: item.state,
    invoiced: item.invoiced,
    period: item.period,
    externalReference: item.externalReference ?? null,
    organization: { externalId: item.organizationId },
    organizationExternalId: item.organizationId,
    account: item.accountId === null ? null : { externalId: item.accountId },
    accountExternalId: item.accountId,
  };
}

export const withoutId = <T extends { id: string }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

export interface UsageSelection {
  period?: SignicatUsagePeriod;
  level?: 'account' | 'organization';
  includeChildOrganizations?: boolean;
  fromDate?: string;
  toDate?: string;
  includeExternalReference?: boolean;
}

/**
 * The usage records the graph should list for an organisation, worked out from the seed: the organisation's (and,
 * when asked, its descendants') accounts in id order, or their per-organisation sums, period by period.
 */
export function expectedOrganizationUsage(seed: SignicatSeed, organizationId: string, selection: UsageSelection = {}): GraphUsageRecord[] {
  const organizationIds = selection.includeChildOrganizations ? withDescendants(seed, organizationId) : [organizationId];
  const series: SignicatUsageSeries[] =
    selection.level === 'organization'
      ? organizationIds.toSorted(compareText).flatMap((id) => seed.organizationUsage.get(id) ?? [])
      : organizationIds
          .flatMap((id) => seed.organizationAccounts.get(id) ?? [])
          .toSorted((a, b) => compareText(a.id, b.id))
          .flatMap((account) => seed.accountUsage.get(account.id) ?? []);
  return expectedAccountUsage(seed, series, usageOptions(selection)).map(usageRecordAsGraph);
}

export function expectedAccountUsageRecords(seed: SignicatSeed, accountId: string, selection: UsageSelection = {}): GraphUsageRecord[] {
  return expectedAccountUsage(seed, seed.accountUsage.get(accountId) ?? [], usageOptions(selection)).map(usageRecordAsGraph);
}

function usageOptions(selection: UsageSelection) {
  return {
    ...(selection.period ? { period: selection.period } : {}),
    ...(selection.fromDate ? { fromDate: selection.fromDate } : {}),
    ...(selection.toDate ? { toDate: selection.toDate } : {}),
    ...(selection.includeExternalReference ? { includeExternalReference: true } : {}),
  };
}

function withDescendants(seed: SignicatSeed, organizationId: string): string[] {
  const ids = [organizationId];
  for (let i = 0; i < ids.length; i++) {
    for (const child of seed.childOrganizations.get(ids[i] ?? null) ?? []) ids.push(child.id);
  }
  return ids;
}
