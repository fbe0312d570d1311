import { BadUserInputError } from '../errors.js';
import type { OnomondoUsageFilter } from '../sources/onomondo/client.js';
import { PAGE_LIMIT } from '../sources/onomondo/loaders.js';
import type { OnomondoUsageRecord } from '../sources/onomondo/schemas.js';
import { builder } from './builder.js';
import { localId } from './node-id.js';
import { connectionRequest } from './paging/args.js';
import { resolveOffsetConnection } from './paging/offset.js';
import { batchedPlan, listPlan } from './plans.js';
import { Sim } from './sim.js';
import { enumValue, vendorEnum } from './vendor-enum.js';

export const NetworkType = vendorEnum('NetworkType', 'Radio access technology of a data session.', {
  TWO_G: { value: '2G', description: 'GSM/GPRS/EDGE.' },
  THREE_G: { value: '3G', description: 'UMTS/HSPA.' },
  FOUR_G: { value: '4G', description: 'LTE, LTE-M.' },
  FIVE_G: { value: '5G', description: 'NR.' },
});

const MobileNetwork = builder.objectRef<{ mcc: string; mnc: string }>('MobileNetwork').implement({
  description: 'A mobile network, identified by its country and network codes.',
  fields: (t) => ({
    mcc: t.exposeString('mcc', { description: 'Mobile country code.' }),
    mnc: t.exposeString('mnc', { description: 'Mobile network code.' }),
  }),
});

export const SimUsageRecord = builder.objectRef<OnomondoUsageRecord>('SimUsageRecord').implement({
  description: 'Data a SIM used in one session (or, grouped by hour, in one hour on one network).',
  fields: (t) => ({
    time: t.field({
      type: 'DateTime',
      description: 'When the session started (UTC).',
      resolve: (record) => `${record.time.replace(' ', 'T')}Z`,
    }),
    bytes: t.field({ type: 'SafeInt', description: 'Bytes sent and received.', resolve: (record) => record.bytes }),
    country: t.field({ type: 'CountryCode', description: 'Country the SIM was in.', resolve: (record) => record.country_code }),
    networkType: t.field({ type: NetworkType, description: 'Radio technology used.', resolve: (record) => enumValue(record.network_type) }),
    vendorNetworkType: t.string({
      description: 'The radio technology exactly as the SIM platform names it.',
      resolve: (record) => record.network_type.raw,
    }),
    network: t.field({ type: MobileNetwork, description: 'Network the SIM was attached to.', resolve: (record) => record.network }),
    sessionId: t.field({ type: 'UUID', description: 'The data session.', resolve: (record) => record.session_id }),
    billId: t.field({ type: 'UUID', description: 'The bill line the usage is charged on.', resolve: (record) => record.bill_id }),
    iccid: t.exposeString('iccid', { description: 'ICCID of the SIM.' }),
    simExternalId: t.exposeString('sim_id', { description: 'The SIM platform’s own id of the SIM.' }),
    sim: t.field({
      type: Sim,
      nullable: true,
      description: 'The SIM that used the data.',
      extensions: { plan: batchedPlan('onomondo.sim', PAGE_LIMIT) },
      resolve: (record) => record.sim_id,
    }),
  }),
});

export const SimUsageRecordConnection = builder.connectionObject(
  { type: SimUsageRecord, name: 'SimUsageRecordConnection', description: 'A page of SIM usage records.' },
  { name: 'SimUsageRecordEdge' },
);

const PERIOD = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

export const SimUsageFilter = builder.inputType('SimUsageFilter', {
  description: 'Narrows SIM usage records; all given conditions must hold.',
  fields: (t) => ({
    period: t.string({ description: 'A year (`2025`), month (`2025-03`) or day (`2025-03-14`), UTC.' }),
    country: t.field({ type: 'CountryCode', description: 'Country the SIM was in.' }),
  }),
});

export const SimUsageSearch = builder.inputType('SimUsageSearch', {
  description: 'Narrows usage records across SIMs; all given conditions must hold.',
  fields: (t) => ({
    period: t.string({ description: 'A year (`2025`), month (`2025-03`) or day (`2025-03-14`), UTC.' }),
    country: t.field({ type: 'CountryCode', description: 'Country the SIM was in.' }),
    sim: t.globalID({ description: 'Only this SIM’s records.' }),
  }),
});

/** The vendor filter for the graph's filter input. */
export function usageFilter(filter: { period?: string | null; country?: string | null } | null | undefined): OnomondoUsageFilter {
  if (filter?.period && !(PERIOD.test(filter.period) && isCalendarPeriod(filter.period))) {
    throw new BadUserInputError('`period` must be a year (YYYY), a month (YYYY-MM) or a day (YYYY-MM-DD)');
  }
  return {
    ...(filter?.period ? { time: filter.period } : {}),
    ...(filter?.country ? { countryCode: filter.country.toLowerCase() } : {}),
  };
}

/** The pattern lets `2025-02-30` through; the vendor refuses it, and it is the client's mistake, not the vendor's. */
function isCalendarPeriod(period: string): boolean {
  return period.length < 10 || new Date(`${period}T00:00:00Z`).toISOString().startsWith(period);
}

export const groupByHourArg = builder.args((t) => ({
  groupByHour: t.boolean({ description: 'Sum the records of one SIM, country and network in the same hour. Default: false.' }),
}));

builder.queryFields((t) => ({
  simUsage: t.connection(
    {
      type: SimUsageRecord,
      nullable: true,
      description: 'Usage records across SIMs, oldest first.',
      args: {
        filter: t.arg({ type: SimUsageSearch, description: 'Only records matching this filter.' }),
        ...groupByHourArg,
      },
      extensions: { plan: listPlan(PAGE_LIMIT, { scans: true }) },
      resolve: (_root, args, context) => {
        const simId = args.filter?.sim ? localId(args.filter.sim, 'Sim') : undefined;
        const query = {
          filter: { ...usageFilter(args.filter), ...(simId ? { simId } : {}) },
          ...(args.groupByHour ? { groupByHour: true } : {}),
        };
        return resolveOffsetConnection(
          connectionRequest(args, context.paging, 'Query.simUsage', query),
          context.loaders.onomondo.fleetUsage(query),
        );
      },
    },
    SimUsageRecordConnection,
  ),
}));
