import { expect } from 'vitest';
import type { FourmePerson, FourmeUsageStatementWire } from '../../src/sources/fourme/schemas.js';
import type { OnomondoSim, OnomondoTag, OnomondoUsageRecordWire } from '../../src/sources/onomondo/schemas.js';
import { compareUsage } from '../../src/sources/onomondo/seed.js';
import type { GraphResponse } from './gateway.js';

/** What the graph's answers are compared with: the seeds, written the way the graph writes them. */

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount?: number | null;
}

export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** The data of an answer that must have no errors. */
export function dataOf<T>(response: GraphResponse<T>): T {
  expect(response.errors).toBeUndefined();
  expect(response.data).toBeTruthy();
  return response.data as T;
}

/** The graph's global id: base64url of `Type:id`. */
export function globalId(typename: string, id: string | number): string {
  return Buffer.from(`${typename}:${String(id)}`).toString('base64url');
}

/** DateTime as the graph writes it: the same instant, ISO 8601 in UTC with milliseconds. */
export function isoDateTime(value: string): string {
  const instant = new Date(value);
  expect(Number.isNaN(instant.getTime())).toBe(false);
  return instant.toISOString();
}

/**
 * Follows `endCursor` from the start until `hasNextPage` is false. The page function gets the `after`
 * cursor (null first). Stops with a failure rather than looping if a list never ends.
 */
export async function walkForward<T>(page: (after: string | null) => Promise<Page<T>>, maxPages = 200): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let after: string | null = null;
  for (;;) {
    const current = await page(after);
    pages.push(current);
    if (!current.pageInfo.hasNextPage) return pages;
    expect(current.pageInfo.endCursor).not.toBeNull();
    after = current.pageInfo.endCursor;
    if (pages.length >= maxPages) throw new Error(`list did not end within ${maxPages} pages`);
  }
}

/** Follows `startCursor` backwards from `before` (null: the end) until `hasPreviousPage` is false; pages in walk order. */
export async function walkBackward<T>(
  page: (before: string | null) => Promise<Page<T>>,
  before: string | null = null,
  maxPages = 200,
): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let cursor = before;
  for (;;) {
    const current = await page(cursor);
    pages.push(current);
    if (!current.pageInfo.hasPreviousPage) return pages;
    expect(current.pageInfo.startCursor).not.toBeNull();
    cursor = current.pageInfo.startCursor;
    if (pages.length >= maxPages) throw new Error(`list did not start within ${maxPages} pages`);
  }
}

/** The nodes of pages walked forwards, in list order. */
export function forwardNodes<T>(pages: Page<T>[]): T[] {
  return pages.flatMap((page) => page.nodes);
}

/** The nodes of pages walked backwards, in list order. */
export function backwardNodes<T>(pages: Page<T>[]): T[] {
  return [...pages].reverse().flatMap((page) => page.nodes);
}

/** `[first page, ..., last page]` flags: a well-formed forward walk is `[false, true, ...]` / `[..., true, false]`. */
export function flags<T>(pages: Page<T>[]): { hasNextPage: boolean[]; hasPreviousPage: boolean[] } {
  return {
    hasNextPage: pages.map((page) => page.pageInfo.hasNextPage),
    hasPreviousPage: pages.map((page) => page.pageInfo.hasPreviousPage),
  };
}

/** `n` copies of `value`, then `last`: the expected flags of a walk. */
export function runOf<T>(n: number, value: T, last: T): T[] {
  return [...Array.from({ length: n }, () => value), last];
}

// ---- Onomondo ----

export const TAG_FIELDS = 'id externalId name color writable';

export const SIM_FIELDS = `
  id externalId iccid imsi msisdn imei label activated online onlineAt lastCameOnlineAt ipv4 networkWhitelist connector
  network { name country countryCode mcc mnc }
  bytesThisPeriod
  dataLimit { usedBytes totalBytes type period alertThreshold resetsAt }
  technologies { sms data2G3G data4G }
  tags { ${TAG_FIELDS} }
`;

export const USAGE_RECORD_FIELDS =
  'time bytes country networkType vendorNetworkType network { mcc mnc } sessionId billId iccid simExternalId';

export function expectedTag(tag: OnomondoTag) {
  return { id: globalId('Tag', tag.id), externalId: tag.id, name: tag.name, color: tag.color, writable: tag.can_write };
}

export function expectedSim(sim: OnomondoSim) {
  return {
    id: globalId('Sim', sim.id),
    externalId: sim.id,
    iccid: sim.iccid,
    imsi: sim.imsi,
    msisdn: sim.msisdn,
    imei: sim.imei,
    label: sim.label,
    activated: sim.activated,
    online: sim.online,
    onlineAt: sim.online_at === null ? null : isoDateTime(sim.online_at),
    lastCameOnlineAt: sim.last_came_online_at === null ? null : isoDateTime(sim.last_came_online_at),
    ipv4: sim.ipv4,
    networkWhitelist: sim.network_whitelist,
    connector: sim.connector,
    network: {
      name: sim.network.name,
      country: sim.network.country,
      countryCode: sim.network.country_code?.toUpperCase() ?? null,
      mcc: sim.network.mcc,
      mnc: sim.network.mnc,
    },
    bytesThisPeriod: sim.usage,
    dataLimit: sim.data_limit && {
      usedBytes: sim.data_limit.used,
      totalBytes: sim.data_limit.total,
      type: sim.data_limit.type,
      period: sim.data_limit.period,
      alertThreshold: sim.data_limit.alert_threshold,
      resetsAt: sim.data_limit.resets_at === null ? null : isoDateTime(sim.data_limit.resets_at),
    },
    technologies: { sms: sim.technologies.sms, data2G3G: sim.technologies['2g_3g'], data4G: sim.technologies['4g'] },
    tags: sim.tags.map(expectedTag),
  };
}

const NETWORK_TYPES = { '2G': 'TWO_G', '3G': 'THREE_G', '4G': 'FOUR_G', '5G': 'FIVE_G' } as const;

export function expectedUsageRecord(record: OnomondoUsageRecordWire) {
  return {
    time: isoDateTime(`${record.time.replace(' ', 'T')}Z`),
    bytes: record.bytes,
    country: record.country_code.toUpperCase(),
    networkType: NETWORK_TYPES[record.network_type as keyof typeof NETWORK_TYPES] ?? 'UNKNOWN',
    vendorNetworkType: record.network_type,
    network: { mcc: record.network.mcc, mnc: record.network.mnc },
    sessionId: record.session_id,
    billId: record.bill_id,
    iccid: record.iccid,
    simExternalId: record.sim_id,
  };
}

/**
 * The vendor's hourly grouping, written out independently of the simulator: records of one SIM, country and
 * network in the same hour summed into the first of them, stamped with the hour, in wire order.
 */
export function groupedByHour(records: readonly OnomondoUsageRecordWire[]): OnomondoUsageRecordWire[] {
  const groups = new Map<string, OnomondoUsageRecordWire>();
  for (const record of records) {
    const hour = record.time.slice(0, 13);
    const key = [record.sim_id, record.country_code, record.network.mcc, record.network.mnc, hour].join('|');
    const group = groups.get(key);
    if (group) groups.set(key, { ...group, bytes: group.bytes + record.bytes });
    else groups.set(key, { ...record, time: `${hour}:00:00` });
  }
  return [...groups.values()].sort(compareUsage);
}

// ---- 4me ----

export const STATEMENT_FIELDS = 'id externalId plan vendorPlan year month startDate endDate userMonths billableUserExternalIds';

export const PERSON_FIELDS = 'id externalId name primaryEmail organizationName site { externalId name } disabled createdAt updatedAt';

export function expectedStatement(statement: FourmeUsageStatementWire) {
  return {
    id: globalId('UsageStatement', statement.id),
    externalId: statement.id,
    plan: statement.plan.toUpperCase(),
    vendorPlan: statement.plan,
    year: statement.year,
    month: statement.month,
    startDate: statement.start_date,
    endDate: statement.end_date,
    userMonths: statement.user_months,
    billableUserExternalIds: statement.billable_user_ids,
  };
}

export function expectedPerson(person: FourmePerson) {
  return {
    id: globalId('Person', person.id),
    externalId: person.id,
    name: person.name,
    primaryEmail: person.primary_email,
    organizationName: person.organization.name,
    site: person.site && { externalId: person.site.id, name: person.site.name },
    disabled: person.disabled,
    createdAt: person.created_at ? isoDateTime(person.created_at) : null,
    updatedAt: person.updated_at ? isoDateTime(person.updated_at) : null,
  };
}
