import { SeededRandom, addDays, anchorDay } from '../../simulator/random.js';
import type {
  OnomondoDataLimit,
  OnomondoNetworkType,
  OnomondoSim,
  OnomondoSimNetwork,
  OnomondoTag,
  OnomondoTechnologies,
  OnomondoUsageRecordWire,
} from './schemas.js';

const SEED = 0x0a0a_2024;
export const ONOMONDO_SIM_COUNT = 500;
export const ONOMONDO_TAG_COUNT = 20;
/** Days of usage kept, ending with (and including) `today`. */
export const ONOMONDO_USAGE_DAYS = 90;

/** Everything the Onomondo simulator serves, with the indexes that keep each request cheap. */
export interface OnomondoSeed {
  /** Midnight UTC of the last day with usage. */
  today: Date;
  /** Sorted by name, then id. */
  tags: OnomondoTag[];
  /** Sorted by id. */
  sims: OnomondoSim[];
  /** Every usage record in wire order: time, then SIM id, then session id. */
  usage: OnomondoUsageRecordWire[];
  simById: ReadonlyMap<string, OnomondoSim>;
  simByIccid: ReadonlyMap<string, OnomondoSim>;
  /** Each SIM's records, in wire order; SIMs without usage are absent. */
  usageBySim: ReadonlyMap<string, OnomondoUsageRecordWire[]>;
  /** Each country's records, in wire order. */
  usageByCountry: ReadonlyMap<string, OnomondoUsageRecordWire[]>;
  /** Over all records of the SIMs carrying the tag; every tag is present. */
  tagTotals: ReadonlyMap<string, { bytes: number; sims: number }>;
}

interface Operator {
  name: string;
  mcc: string;
  mnc: string;
}

interface Country {
  name: string;
  code: string;
  operators: Operator[];
}

const op = (name: string, mcc: string, mnc: string): Operator => ({ name, mcc, mnc });

const COUNTRIES: Country[] = [
  { name: 'Denmark', code: 'dk', operators: [op('TDC', '238', '01'), op('Telenor DK', '238', '02'), op('Telia DK', '238', '20')] },
  { name: 'Sweden', code: 'se', operators: [op('Telia SE', '240', '01'), op('Tele2 SE', '240', '07')] },
  { name: 'Norway', code: 'no', operators: [op('Telenor NO', '242', '01'), op('Telia NO', '242', '02')] },
  { name: 'Germany', code: 'de', operators: [op('Telekom', '262', '01'), op('Vodafone DE', '262', '02'), op('O2 DE', '262', '03')] },
  { name: 'United Kingdom', code: 'gb', operators: [op('EE', '234', '30'), op('Vodafone UK', '234', '15'), op('O2 UK', '234', '10')] },
  { name: 'Netherlands', code: 'nl', operators: [op('KPN', '204', '08'), op('Vodafone NL', '204', '04')] },
  { name: 'France', code: 'fr', operators: [op('Orange', '208', '01'), op('SFR', '208', '10')] },
  { name: 'Spain', code: 'es', operators: [op('Movistar', '214', '07'), op('Vodafone ES', '214', '01')] },
  { name: 'Italy', code: 'it', operators: [op('TIM', '222', '01'), op('Vodafone IT', '222', '10')] },
  { name: 'Poland', code: 'pl', operators: [op('Plus', '260', '01'), op('T-Mobile PL', '260', '02')] },
  { name: 'Finland', code: 'fi', operators: [op('Elisa', '244', '05'), op('DNA', '244', '12')] },
  { name: 'United States', code: 'us', operators: [op('AT&T', '310', '410'), op('T-Mobile US', '310', '260')] },
  { name: 'Canada', code: 'ca', operators: [op('Rogers', '302', '720'), op('Bell', '302', '610')] },
  { name: 'Australia', code: 'au', operators: [op('Telstra', '505', '01'), op('Optus', '505', '02')] },
  { name: 'Japan', code: 'jp', operators: [op('NTT Docomo', '440', '10')] },
  { name: 'Brazil', code: 'br', operators: [op('Vivo', '724', '06'), op('Claro BR', '724', '05')] },
  { name: 'South Africa', code: 'za', operators: [op('Vodacom', '655', '01'), op('MTN', '655', '10')] },
  { name: 'Mexico', code: 'mx', operators: [op('Telcel', '334', '020')] },
];
/** Home countries drawn from here: the first five (the Nordics, Germany, the UK) twice as often. */
const HOME_COUNTRIES = [...COUNTRIES, ...COUNTRIES.slice(0, 5)];

const TAG_NAMES = [
  'Fleet North',
  'Fleet South',
  'Cold chain',
  'Smart meters',
  'Vending',
  'Pilot',
  'Production',
  'Staging',
  'Trackers',
  'Gateways',
  'Kiosks',
  'Cameras',
  'Agriculture',
  'Wearables',
  'Retail',
  'Logistics EU',
  'Logistics US',
  'Low priority',
  'Suspended review',
  'Customer A',
];
const CONNECTORS = ['aws-iot-core', 'azure-iot-hub', 'mqtt-broker', 'webhook-fleet', 'google-pubsub'];
const WHITELISTS = ['Europe', 'Nordics', 'Global', 'EU + US', 'Low cost'];
const LABEL_KINDS = ['Tracker', 'Meter', 'Gateway', 'Sensor', 'Kiosk', 'Camera'];
const DATA_LIMITS = [100e6, 500e6, 1e9, 5e9, 20e9];

/** How much a SIM uses: sessions a day and bytes per usage record (drawn log-uniformly). */
const PROFILES = [
  { name: 'light', weight: 60, sessionsPerDay: [0.2, 0.8], bytes: [2e3, 5e5] },
  { name: 'moderate', weight: 32, sessionsPerDay: [0.3, 1.0], bytes: [1e5, 3e7] },
  { name: 'heavy', weight: 8, sessionsPerDay: [0.6, 1.6], bytes: [2e7, 4e8] },
] as const;

type Profile = (typeof PROFILES)[number];

/** A SIM's drawn attributes before its usage is known. */
interface SimDraft {
  id: string;
  iccid: string;
  imsi: string;
  msisdn: string;
  label: string | null;
  activated: boolean;
  ipv4: string | null;
  networkWhitelist: string | null;
  connector: string | null;
  tags: OnomondoTag[];
  technologies: OnomondoTechnologies;
  networkTypes: OnomondoNetworkType[];
  home: Country;
  roaming: Country | undefined;
  profile: Profile;
  /** Day index (0 = first day of the window) from which the SIM is in use. */
  firstDay: number;
}

/** Wire order of usage records; the tie-breakers keep it deterministic. */
export function compareUsage(a: OnomondoUsageRecordWire, b: OnomondoUsageRecordWire): number {
  return (
    compareText(a.time, b.time) ||
    compareText(a.sim_id, b.sim_id) ||
    compareText(a.session_id, b.session_id) ||
    compareText(a.bill_id, b.bill_id)
  );
}

/** `YYYY-MM-DD HH:mm:ss` (UTC), the wire form of usage times. */
function usageTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** Builds the deterministic data set for the 90 days ending with `today` (`YYYY-MM-DD`; default: the real today). */
export function seedOnomondo(today?: string): OnomondoSeed {
  const anchor = anchorDay(today);
  const random = new SeededRandom(SEED);
  const tags = drawTags(random);
  const drafts = drawSimDrafts(random, tags);
  // On the real today, sessions later than now have not happened yet (a pinned day is served whole).
  const now = today === undefined ? usageTime(Date.now()) : undefined;
  const usage = drafts
    .flatMap((draft) => drawUsage(random, draft, anchor))
    .filter((record) => now === undefined || record.time <= now)
    .sort(compareUsage);
  const usageBySim = groupBy(usage, (record) => record.sim_id);
  const usageByCountry = groupBy(usage, (record) => record.country_code);
  const sims = drafts.map((draft) => toSim(random, draft, usageBySim.get(draft.id) ?? [], anchor));
  return {
    today: anchor,
    tags,
    sims,
    usage,
    simById: new Map(sims.map((sim) => [sim.id, sim])),
    simByIccid: new Map(sims.map((sim) => [sim.iccid, sim])),
    usageBySim,
    usageByCountry,
    tagTotals: totalsByTag(tags, sims, usageBySim),
  };
}

/** Every seventh tag has no colour, as real tags may not. */
function drawTags(random: SeededRandom): OnomondoTag[] {
  return TAG_NAMES.slice(0, ONOMONDO_TAG_COUNT)
    .map((name, index) => {
      const id = random.uuid();
      const canWrite = random.chance(0.7);
      const color = `#${random.string(6, '0123456789abcdef')}`;
      return { id, name, can_write: canWrite, color: index % 7 === 3 ? null : color };
    })
    .sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
}

function drawSimDrafts(random: SeededRandom, tags: OnomondoTag[]): SimDraft[] {
  const iccids = new Set<string>();
  const drafts: SimDraft[] = [];
  let idNumber = 12_345;
  for (let i = 0; i < ONOMONDO_SIM_COUNT; i++) {
    idNumber += random.int(1, 40);
    const activated = random.chance(0.88);
    const technologies = drawTechnologies(random);
    const profile = pickProfile(random);
    drafts.push({
      id: String(idNumber).padStart(9, '0'),
      iccid: drawIccid(random, iccids),
      imsi: `23820${random.digits(10)}`,
      msisdn: `4571${random.digits(8)}`,
      label: random.chance(0.25) ? null : `${random.pick(LABEL_KINDS)} ${random.int(1, 999)}`,
      activated,
      ipv4: activated ? `100.${random.int(64, 127)}.${random.int(0, 255)}.${random.int(1, 254)}` : null,
      networkWhitelist: random.chance(0.2) ? null : random.pick(WHITELISTS),
      connector: random.chance(0.3) ? null : random.pick(CONNECTORS),
      tags: random.sample(tags, random.int(0, 3)),
      technologies,
      networkTypes: networkTypesOf(technologies, profile),
      home: random.pick(HOME_COUNTRIES),
      roaming: random.chance(0.3) ? random.pick(COUNTRIES) : undefined,
      profile,
      firstDay: random.chance(0.2) ? random.int(1, ONOMONDO_USAGE_DAYS - 10) : 0,
    });
  }
  return drafts;
}

function drawIccid(random: SeededRandom, taken: Set<string>): string {
  for (;;) {
    const iccid = `89457${random.digits(random.chance(0.5) ? 14 : 15)}`;
    if (!taken.has(iccid)) {
      taken.add(iccid);
      return iccid;
    }
  }
}

function drawTechnologies(random: SeededRandom): OnomondoTechnologies {
  const fourG = random.chance(0.9);
  return { sms: random.chance(0.8), '2g_3g': fourG ? random.chance(0.7) : true, '4g': fourG };
}

function networkTypesOf(technologies: OnomondoTechnologies, profile: Profile): OnomondoNetworkType[] {
  const types: OnomondoNetworkType[] = [];
  if (technologies['2g_3g']) types.push('2G', '3G');
  if (technologies['4g']) types.push('4G', '4G', '4G');
  if (technologies['4g'] && profile.name === 'heavy') types.push('5G');
  return types;
}

function pickProfile(random: SeededRandom): Profile {
  let roll = random.int(
    1,
    PROFILES.reduce((sum, profile) => sum + profile.weight, 0),
  );
  for (const profile of PROFILES) {
    roll -= profile.weight;
    if (roll <= 0) return profile;
  }
  return PROFILES[0];
}

/** Sessions are reported in 1–3 records a few minutes apart, so hourly grouping has something to sum. */
function drawUsage(random: SeededRandom, draft: SimDraft, anchor: Date): OnomondoUsageRecordWire[] {
  if (!draft.activated) return [];
  const windowStart = addDays(anchor, 1 - ONOMONDO_USAGE_DAYS).getTime();
  const windowEnd = addDays(anchor, 1).getTime();
  const [minSessions, maxSessions] = draft.profile.sessionsPerDay;
  const sessionsPerDay = minSessions + random.next() * (maxSessions - minSessions);
  const records: OnomondoUsageRecordWire[] = [];
  for (let day = draft.firstDay; day < ONOMONDO_USAGE_DAYS; day++) {
    const sessions = [0, 1, 2, 3].filter(() => random.chance(sessionsPerDay / 4)).length;
    for (let session = 0; session < sessions; session++) {
      const startMs = windowStart + day * 86_400_000 + random.int(0, 86_399) * 1000;
      records.push(...drawSession(random, draft, startMs, windowEnd));
    }
  }
  return records;
}

/** One session's records; a session running past the end of the window is cut off there. */
function drawSession(random: SeededRandom, draft: SimDraft, startMs: number, windowEndMs: number): OnomondoUsageRecordWire[] {
  const country = draft.roaming && random.chance(0.15) ? draft.roaming : draft.home;
  const operator = random.pick(country.operators);
  const networkType = random.pick(draft.networkTypes);
  const sessionId = random.uuid();
  const [minBytes, maxBytes] = draft.profile.bytes;
  const records: OnomondoUsageRecordWire[] = [];
  let timeMs = startMs;
  for (let chunk = random.int(1, 3); chunk > 0 && timeMs < windowEndMs; chunk--) {
    records.push({
      time: usageTime(timeMs),
      bill_id: random.uuid(),
      sim_id: draft.id,
      iccid: draft.iccid,
      session_id: sessionId,
      bytes: Math.round(minBytes * (maxBytes / minBytes) ** random.next()),
      country_code: country.code,
      network_type: networkType,
      network: { mcc: operator.mcc, mnc: operator.mnc },
    });
    timeMs += random.int(300, 2400) * 1000;
  }
  return records;
}

function toSim(random: SeededRandom, draft: SimDraft, usage: OnomondoUsageRecordWire[], anchor: Date): OnomondoSim {
  const last = usage.at(-1);
  const lastCameOnlineAt = last ? `${last.time.replace(' ', 'T')}.000Z` : null;
  const online = last !== undefined && random.chance(0.45);
  const monthStart = usageTime(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), 1));
  const monthUsage = usage.reduce((sum, record) => (record.time >= monthStart ? sum + record.bytes : sum), 0);
  return {
    id: draft.id,
    iccid: draft.iccid,
    imsi: draft.imsi,
    msisdn: draft.msisdn,
    imei: last ? `35${random.digits(13)}` : null,
    label: draft.label,
    activated: draft.activated,
    online,
    online_at: online ? lastCameOnlineAt : null,
    last_came_online_at: lastCameOnlineAt,
    ipv4: draft.ipv4,
    network_whitelist: draft.networkWhitelist,
    connector: draft.connector,
    network: last ? networkOf(last) : { name: null, country: null, country_code: null, mcc: null, mnc: null },
    usage: monthUsage,
    tags: draft.tags,
    data_limit: random.chance(0.15) ? null : drawDataLimit(random, monthUsage, anchor),
    technologies: draft.technologies,
  };
}

function networkOf(record: OnomondoUsageRecordWire): OnomondoSimNetwork {
  const country = COUNTRIES.find((candidate) => candidate.code === record.country_code);
  const operator = country?.operators.find((candidate) => candidate.mcc === record.network.mcc && candidate.mnc === record.network.mnc);
  return {
    name: operator?.name ?? null,
    country: country?.name ?? null,
    // Upper case, as a recorded `GET /sims/{iccid}` answer has it (usage records write it lower case).
    country_code: record.country_code.toUpperCase(),
    mcc: record.network.mcc,
    mnc: record.network.mnc,
  };
}

function drawDataLimit(random: SeededRandom, monthUsage: number, anchor: Date): OnomondoDataLimit {
  const nextMonth = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() + 1, 1));
  return {
    used: monthUsage,
    total: random.pick(DATA_LIMITS),
    type: 'data',
    period: 'monthly',
    alert_threshold: random.chance(0.3) ? null : random.pick([50, 75, 80, 90]),
    resets_at: nextMonth.toISOString(),
  };
}

function totalsByTag(
  tags: OnomondoTag[],
  sims: OnomondoSim[],
  usageBySim: ReadonlyMap<string, OnomondoUsageRecordWire[]>,
): Map<string, { bytes: number; sims: number }> {
  const totals = new Map(tags.map((tag) => [tag.id, { bytes: 0, sims: 0 }]));
  for (const sim of sims) {
    const bytes = (usageBySim.get(sim.id) ?? []).reduce((sum, record) => sum + record.bytes, 0);
    for (const tag of sim.tags) {
      const total = totals.get(tag.id);
      if (!total) continue;
      total.bytes += bytes;
      total.sims += 1;
    }
  }
  return totals;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
