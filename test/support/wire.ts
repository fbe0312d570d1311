import type { FourmeUsageStatement, FourmeUsageStatementWire } from '../../src/sources/fourme/schemas.js';
import type { OnomondoUsageRecord, OnomondoUsageRecordWire } from '../../src/sources/onomondo/schemas.js';
import type { SignicatAccount, SignicatAccountWire, SignicatUsageItem, SignicatUsageItemWire } from '../../src/sources/signicat/schemas.js';

/**
 * What a client should make of a record as the simulator sends it, written out independently of the clients'
 * schemas: enumerations kept open (known value plus raw), empty dates as null, country codes upper case.
 */
function open<K extends string>(raw: string, known: readonly K[]): { known: K | null; raw: string } {
  return { known: (known as readonly string[]).includes(raw) ? (raw as K) : null, raw };
}

export function readUsageItem(item: SignicatUsageItemWire): SignicatUsageItem {
  return { ...item, state: open(item.state, ['completed', 'started', 'loaded', 'userAborted', 'failed']) };
}

export function readAccount(account: SignicatAccountWire): SignicatAccount {
  return {
    ...account,
    createdDate: account.createdDate === '' ? null : account.createdDate,
    lastModifiedDate: account.lastModifiedDate === '' ? null : account.lastModifiedDate,
    cloud: open(account.cloud, ['GCP', 'OTC']),
  };
}

export function readSimUsage(record: OnomondoUsageRecordWire): OnomondoUsageRecord {
  return { ...record, country_code: record.country_code.toUpperCase(), network_type: open(record.network_type, ['2G', '3G', '4G', '5G']) };
}

export function readStatement(statement: FourmeUsageStatementWire): FourmeUsageStatement {
  return { ...statement, plan: open(statement.plan, ['basic', 'premium', 'premium_plus']) };
}
