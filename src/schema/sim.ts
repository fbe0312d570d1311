import { BadUserInputError } from '../errors.js';
import { PAGE_LIMIT } from '../sources/onomondo/loaders.js';
import {
  iccidForm,
  type OnomondoDataLimit,
  type OnomondoSim,
  type OnomondoSimNetwork,
  type OnomondoTechnologies,
} from '../sources/onomondo/schemas.js';
import { builder } from './builder.js';
import { localId } from './node-id.js';
import { connectionRequest } from './paging/args.js';
import { resolveOffsetConnection } from './paging/offset.js';
import { resolveConnection } from './paging/connection.js';
import { batchedPlan, listPlan, sharedWindowsPlan } from './plans.js';
import { SimUsageFilter, SimUsageRecord, SimUsageRecordConnection, groupByHourArg, usageFilter } from './sim-usage.js';
import { Tag } from './tag.js';
import { visibleSimByIccid, visibleSimList, visibleSims } from './visible.js';

export const Sim = builder.loadableNodeRef('Sim', {
  id: { resolve: (sim: OnomondoSim) => sim.id },
  load: (ids: string[], context) => visibleSims(context, ids),
});

const SimNetwork = builder.objectRef<OnomondoSimNetwork>('SimNetwork').implement({
  description: 'The network a SIM is (or was last) attached to; fields are null while unknown.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: 'Operator name.' }),
    country: t.exposeString('country', { nullable: true, description: 'Country name.' }),
    countryCode: t.field({
      type: 'CountryCode',
      nullable: true,
      description: 'Country (ISO 3166-1 alpha-2).',
      resolve: (network) => network.country_code,
    }),
    mcc: t.exposeString('mcc', { nullable: true, description: 'Mobile country code.' }),
    mnc: t.exposeString('mnc', { nullable: true, description: 'Mobile network code.' }),
  }),
});

const DataLimit = builder.objectRef<OnomondoDataLimit>('DataLimit').implement({
  description: 'A cap on the data a SIM may use per period.',
  fields: (t) => ({
    usedBytes: t.field({
      type: 'SafeInt',
      nullable: true,
      description: 'Bytes used in the current period.',
      resolve: (limit) => limit.used,
    }),
    totalBytes: t.field({ type: 'SafeInt', description: 'Bytes allowed per period.', resolve: (limit) => limit.total }),
    type: t.exposeString('type', { description: 'What happens at the limit, as the vendor names it.' }),
    period: t.exposeString('period', { description: 'The period the limit applies to, as the vendor names it.' }),
    alertThreshold: t.exposeFloat('alert_threshold', { nullable: true, description: 'Percentage of the limit at which an alert fires.' }),
    resetsAt: t.field({ type: 'DateTime', nullable: true, description: 'When the period restarts.', resolve: (limit) => limit.resets_at }),
  }),
});

const Technologies = builder.objectRef<OnomondoTechnologies>('SimTechnologies').implement({
  description: 'Which services a SIM may use.',
  fields: (t) => ({
    sms: t.exposeBoolean('sms', { description: 'Text messages.' }),
    data2G3G: t.exposeBoolean('2g_3g', { description: 'Data over 2G and 3G.' }),
    data4G: t.exposeBoolean('4g', { description: 'Data over 4G.' }),
  }),
});

Sim.implement({
  description: 'An IoT SIM card and the data it uses.',
  fields: (t) => ({
    externalId: t.exposeString('id', { description: 'The SIM platform’s own 9-digit id, for links to its console.' }),
    iccid: t.exposeString('iccid', { description: 'Card number printed on the SIM.' }),
    imsi: t.exposeString('imsi', { nullable: true, description: 'Subscriber identity.' }),
    msisdn: t.exposeString('msisdn', { nullable: true, description: 'Phone number.' }),
    imei: t.exposeString('imei', { nullable: true, description: 'Identity of the device the SIM was last seen in.' }),
    label: t.exposeString('label', { nullable: true, description: 'Your name for the SIM.' }),
    activated: t.exposeBoolean('activated', { description: 'Whether the SIM may attach to networks.' }),
    online: t.exposeBoolean('online', { description: 'Whether the SIM is attached right now.' }),
    onlineAt: t.field({ type: 'DateTime', nullable: true, description: 'When the SIM last attached.', resolve: (sim) => sim.online_at }),
    lastCameOnlineAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the SIM last went from offline to online.',
      resolve: (sim) => sim.last_came_online_at,
    }),
    ipv4: t.exposeString('ipv4', { nullable: true, description: 'IP address of the SIM.' }),
    networkWhitelist: t.exposeString('network_whitelist', { nullable: true, description: 'Name of the list of networks the SIM may use.' }),
    connector: t.exposeString('connector', { nullable: true, description: 'Name of the connector its traffic is routed through.' }),
    network: t.field({ type: SimNetwork, description: 'The network the SIM is on.', resolve: (sim) => sim.network }),
    bytesThisPeriod: t.field({ type: 'SafeInt', description: 'Bytes used in the current billing period.', resolve: (sim) => sim.usage }),
    dataLimit: t.field({
      type: DataLimit,
      nullable: true,
      description: 'The SIM’s data cap; null when it has none.',
      resolve: (sim) => sim.data_limit,
    }),
    technologies: t.field({ type: Technologies, description: 'Services the SIM may use.', resolve: (sim) => sim.technologies }),
    tags: t.field({
      type: [Tag],
      description: 'Tags on the SIM (those the caller may see).',
      resolve: (sim, _args, context) => sim.tags.filter((tag) => context.visibility.seesTag(tag.id)),
    }),
    usage: t.connection(
      {
        type: SimUsageRecord,
        nullable: true,
        description: 'Data this SIM used, oldest first.',
        args: { filter: t.arg({ type: SimUsageFilter, description: 'Only records matching this filter.' }), ...groupByHourArg },
        extensions: { plan: sharedWindowsPlan('onomondo.simUsage', PAGE_LIMIT) },
        resolve: (sim, args, context) => {
          const query = { filter: usageFilter(args.filter), ...(args.groupByHour ? { groupByHour: true } : {}) };
          return resolveOffsetConnection(
            connectionRequest(args, context, 'Sim.usage', [sim.id, query]),
            context.loaders.onomondo.simUsage(sim.id, query),
          );
        },
      },
      SimUsageRecordConnection,
    ),
  }),
});

const SimConnection = builder.connectionObject({ type: Sim, name: 'SimConnection', description: 'A page of SIMs.' }, { name: 'SimEdge' });

const SimFilter = builder.inputType('SimFilter', {
  description: 'Narrows the SIM list; all given conditions must hold.',
  fields: (t) => ({
    online: t.boolean({ description: 'Attached right now, or not.' }),
    activated: t.boolean({ description: 'Activated, or not.' }),
    connector: t.string({ description: 'Routed through this connector.' }),
    networkWhitelist: t.string({ description: 'Restricted to this network list.' }),
  }),
});

builder.queryFields((t) => ({
  sims: t.connection(
    {
      type: Sim,
      nullable: true,
      description: 'SIM cards, by id.',
      args: { filter: t.arg({ type: SimFilter, description: 'Only SIMs matching this filter.' }) },
      extensions: { plan: listPlan(PAGE_LIMIT) },
      resolve: async (_root, args, context) => {
        const filter = Object.fromEntries(Object.entries(args.filter ?? {}).filter(([, value]) => value != null));
        return resolveConnection(connectionRequest(args, context, 'Query.sims', filter), await visibleSimList(context, filter));
      },
    },
    SimConnection,
  ),
  sim: t.field({
    type: Sim,
    nullable: true,
    description: 'One SIM by id or by ICCID (give exactly one); null when there is none.',
    args: {
      id: t.arg.globalID({ description: 'Global id of the SIM, as its `id` field gives it.' }),
      iccid: t.arg.string({ description: 'Card number printed on the SIM.' }),
    },
    extensions: { plan: batchedPlan('onomondo.sim', PAGE_LIMIT) },
    resolve: async (_root, args, context) => {
      if ((args.id == null) === (args.iccid == null)) throw new BadUserInputError('give exactly one of `id` and `iccid`');
      if (args.id) return localId(args.id, 'Sim');
      const iccid = args.iccid ?? '';
      if (!iccidForm.test(iccid)) throw new BadUserInputError('`iccid` must be the 18 to 22 digits printed on the SIM');
      return visibleSimByIccid(context, iccid);
    },
  }),
}));
