import { SeededRandom, addDays, anchorDay, isoDate } from '../../simulator/random.js';
import { USAGE_STATES, type SignicatAccountWire, type SignicatOrganization, type SignicatUsageState } from './schemas.js';

const SEED = 0x5161_ca7;
/** A second stream for usage in states other than completed, so adding them left the rest of the seed as it was. */
const STATE_SEED = 0x5161_57a7;
const MONTHS_OF_HISTORY = 24;
const DAY_MS = 86_400_000;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A billable Signicat product as the usage API names it. */
export interface SignicatProduct {
  usageType: string;
  productName: string;
  unitOfMeasure: string;
  /** Typical daily count on a busy production account. */
  dailyVolume: number;
}

export const signicatProducts: readonly SignicatProduct[] = [
  { usageType: 'srn:sue:1:authbroker:nbid:auth:bidbax', productName: 'BankID NO', unitOfMeasure: 'Authentications', dailyVolume: 900 },
  { usageType: 'srn:sue:1:authbroker:sbid:auth', productName: 'BankID SE', unitOfMeasure: 'Authentications', dailyVolume: 700 },
  { usageType: 'srn:sue:1:authbroker:mitid:auth', productName: 'MitID', unitOfMeasure: 'Authentications', dailyVolume: 500 },
  { usageType: 'srn:sue:1:authbroker:ftn:auth', productName: 'Finnish Trust Network', unitOfMeasure: 'Authentications', dailyVolume: 300 },
  { usageType: 'srn:sue:1:authbroker:itsme:auth', productName: 'itsme', unitOfMeasure: 'Authentications', dailyVolume: 150 },
  { usageType: 'srn:sue:1:sign:nbid:sign', productName: 'BankID NO Signing', unitOfMeasure: 'Signatures', dailyVolume: 120 },
  { usageType: 'srn:sue:1:sign:mitid:sign', productName: 'MitID Signing', unitOfMeasure: 'Signatures', dailyVolume: 80 },
  { usageType: 'srn:sue:1:sign:seal:pades', productName: 'Electronic Seal', unitOfMeasure: 'Seals', dailyVolume: 60 },
  { usageType: 'srn:sue:1:idv:paper:passport', productName: 'Paper ID Verification', unitOfMeasure: 'Verifications', dailyVolume: 40 },
  { usageType: 'srn:sue:1:otp:sms:send', productName: 'SMS OTP', unitOfMeasure: 'Messages', dailyVolume: 250 },
];

/** Daily counts of one product in one state: of one account, or (with `accountId` null) summed over an organisation's own accounts. */
export interface SignicatUsageSeries {
  organizationId: string;
  accountId: string | null;
  product: SignicatProduct;
  state: SignicatUsageState;
  externalReference: string | null;
  /** Count per day; index 0 is the seed's `firstDay`. */
  counts: Uint32Array;
  /** `cumulative[i]` is the sum of `counts[0..i)`, so any period's total is one subtraction. */
  cumulative: Float64Array;
}

export interface SignicatSeed {
  /** Last seeded day, `YYYY-MM-DD`. */
  today: string;
  /** First seeded day: the first of the month 23 months before `today`'s, so 24 calendar months in all. */
  firstDay: string;
  dayCount: number;
  /** Top-level organisations first, then children; each group by id. */
  organizations: SignicatOrganization[];
  /** By id. */
  accounts: SignicatAccountWire[];
  /** Every account's series, by account id, usage type and state. */
  accountSeries: SignicatUsageSeries[];
  organizationById: ReadonlyMap<string, SignicatOrganization>;
  accountById: ReadonlyMap<string, SignicatAccountWire>;
  /** Direct children of an organisation, by id; top-level organisations under the key `null`. */
  childOrganizations: ReadonlyMap<string | null, SignicatOrganization[]>;
  /** An organisation's own accounts, by id. */
  organizationAccounts: ReadonlyMap<string, SignicatAccountWire[]>;
  /** An account's series, by usage type and state. */
  accountUsage: ReadonlyMap<string, SignicatUsageSeries[]>;
  /** An organisation's series summed over its own accounts (not its children's), by usage type and state. */
  organizationUsage: ReadonlyMap<string, SignicatUsageSeries[]>;
}

interface Company {
  name: string;
  legalSuffix: string;
  country: string;
}

const COMPANIES: readonly Company[] = [
  { name: 'Nordlys Bank', legalSuffix: 'ASA', country: 'NO' },
  { name: 'Fjellvik Forsikring', legalSuffix: 'AS', country: 'NO' },
  { name: 'Sundholm Finans', legalSuffix: 'AB', country: 'SE' },
];
const SUBSIDIARY_MARKETS: readonly Company[] = [
  { name: 'Norge', legalSuffix: 'AS', country: 'NO' },
  { name: 'Sverige', legalSuffix: 'AB', country: 'SE' },
  { name: 'Danmark', legalSuffix: 'A/S', country: 'DK' },
  { name: 'Suomi', legalSuffix: 'Oy', country: 'FI' },
  { name: 'Belgique', legalSuffix: 'SA', country: 'BE' },
];
const ACCOUNT_PURPOSES = [
  'Online banking',
  'Customer onboarding',
  'Loan signing',
  'Claims portal',
  'Mobile app',
  'Partner portal',
  'Back office',
];

/** The same organisations, accounts and usage on every run for a given `today`. */
export function seedSignicat(today?: string): SignicatSeed {
  const random = new SeededRandom(SEED);
  const lastDay = anchorDay(today);
  const first = new Date(Date.UTC(lastDay.getUTCFullYear(), lastDay.getUTCMonth() - (MONTHS_OF_HISTORY - 1), 1));
  const dayCount = Math.round((lastDay.getTime() - first.getTime()) / DAY_MS) + 1;

  const entities = seedOrganizations(random);
  const organizations = entities.map((entity) => entity.organization);
  const organizationAccounts = new Map<string, SignicatAccountWire[]>();
  const accountUsage = new Map<string, SignicatUsageSeries[]>();
  const stateRandom = new SeededRandom(STATE_SEED);
  let created = 0;
  for (const { organization, entityLegalName } of entities) {
    const accounts = Array.from({ length: random.int(2, 5) }, () => {
      const account = seedAccount(random, organization, entityLegalName, first);
      // Every sixth account carries the vendor's own sample's empty dates.
      return created++ % 6 === 2 ? { ...account, createdDate: '', lastModifiedDate: '' } : account;
    });
    organizationAccounts.set(organization.id, accounts.sort(byId));
    for (const account of accounts) {
      const completed = seedAccountSeries(random, organization.id, account, first, dayCount);
      accountUsage.set(account.id, withOtherStates(stateRandom, completed));
    }
  }
  const accounts = [...organizationAccounts.values()].flat().sort(byId);
  return {
    today: isoDate(lastDay),
    firstDay: isoDate(first),
    dayCount,
    organizations,
    accounts,
    accountSeries: accounts.flatMap((account) => accountUsage.get(account.id) ?? []),
    organizationById: new Map(organizations.map((organization) => [organization.id, organization])),
    accountById: new Map(accounts.map((account) => [account.id, account])),
    childOrganizations: groupBy(organizations, (organization) => organization.parentId),
    organizationAccounts,
    accountUsage,
    organizationUsage: new Map(
      organizations.map((organization) => {
        const own = (organizationAccounts.get(organization.id) ?? []).flatMap((account) => accountUsage.get(account.id) ?? []);
        return [organization.id, sumByProduct(organization.id, own, dayCount)];
      }),
    ),
  };
}

interface SeededOrganization {
  organization: SignicatOrganization;
  /** Accounts carry their organisation's legal entity name; organisations themselves do not. */
  entityLegalName: string;
}

function seedOrganizations(random: SeededRandom): SeededOrganization[] {
  const parents = COMPANIES.map((company) => ({
    organization: {
      id: newOrganizationId(random),
      name: company.name,
      entityId: random.digits(9),
      country: company.country,
      parentId: null,
    },
    entityLegalName: `${company.name} ${company.legalSuffix}`,
  }));
  const children = parents.flatMap(({ organization: parent }) =>
    random.sample(SUBSIDIARY_MARKETS, random.int(2, 4)).map((market) => ({
      organization: {
        id: newOrganizationId(random),
        name: `${parent.name} ${market.name}`,
        entityId: random.digits(9),
        country: market.country,
        parentId: parent.id,
      },
      entityLegalName: `${parent.name} ${market.name} ${market.legalSuffix}`,
    })),
  );
  const byOrganizationId = (a: SeededOrganization, b: SeededOrganization) => byId(a.organization, b.organization);
  return [...parents.sort(byOrganizationId), ...children.sort(byOrganizationId)];
}

function seedAccount(
  random: SeededRandom,
  organization: SignicatOrganization,
  entityLegalName: string,
  firstDay: Date,
): SignicatAccountWire {
  const isSandbox = random.chance(0.25);
  const created = addDays(firstDay, -random.int(30, 900));
  const createdDate = new Date(created.getTime() + random.int(0, DAY_MS - 1));
  const lastModifiedDate = new Date(addDays(firstDay, random.int(0, 600)).getTime() + random.int(0, DAY_MS - 1));
  const purpose = random.pick(ACCOUNT_PURPOSES);
  return {
    id: `${isSandbox ? 'a-spge-' : 'a-ppge-'}${random.string(20, ID_ALPHABET)}`,
    name: isSandbox ? `${purpose} (sandbox)` : purpose,
    createdDate: createdDate.toISOString(),
    lastModifiedDate: lastModifiedDate.toISOString(),
    isSandbox,
    region: 'EU',
    cloud: random.chance(0.7) ? 'GCP' : 'OTC',
    enabled: random.chance(0.9),
    isDeleteProtected: !isSandbox && random.chance(0.6),
    organization: {
      id: organization.id,
      name: organization.name,
      entityId: organization.entityId,
      entityLegalName,
      country: organization.country,
    },
  };
}

function seedAccountSeries(
  random: SeededRandom,
  organizationId: string,
  account: SignicatAccountWire,
  firstDay: Date,
  dayCount: number,
): SignicatUsageSeries[] {
  const products = random.sample(signicatProducts, account.isSandbox ? random.int(1, 3) : random.int(2, 6));
  const scale = account.isSandbox ? 0.004 : 0.05 + random.next() * 0.95;
  return products
    .map((product) => {
      const counts = new Uint32Array(dayCount);
      // Some products were taken into use during the period, and volumes grow over time.
      const startDay = random.chance(0.6) ? 0 : random.int(1, Math.floor(dayCount * 0.7));
      const growth = 0.6 + random.next() * 0.8;
      for (let day = startDay; day < dayCount; day++) {
        const weekDay = (firstDay.getUTCDay() + day) % 7;
        const weekendDip = weekDay === 0 || weekDay === 6 ? 0.35 : 1;
        const trend = 1 + (growth - 1) * (day / dayCount);
        counts[day] = Math.round(product.dailyVolume * scale * weekendDip * trend * (0.5 + random.next()));
      }
      return {
        organizationId,
        accountId: account.id,
        product,
        state: 'completed' as const,
        externalReference: random.chance(0.5) ? `PO-${random.digits(6)}` : null,
        counts,
        cumulative: cumulativeOf(counts),
      };
    })
    .sort((a, b) => compareText(a.product.usageType, b.product.usageType));
}

/**
 * Usage in states other than completed: which share of a series has any (`seriesChance`), on which days
 * (`dayChance`, or only the last days), and how much of the completed volume it amounts to.
 */
const OTHER_STATES: readonly {
  state: SignicatUsageState;
  seriesChance: number;
  share: number;
  dayChance: number;
  lastDays?: number;
  authOnly?: boolean;
}[] = [
  // Transactions still in progress: only in the last two days.
  { state: 'started', seriesChance: 0.3, share: 0.02, dayChance: 1, lastDays: 2 },
  { state: 'loaded', seriesChance: 0.3, share: 0.01, dayChance: 1, lastDays: 2 },
  { state: 'userAborted', seriesChance: 0.3, share: 0.04, dayChance: 0.03, authOnly: true },
  // Reported but not invoiced.
  { state: 'failed', seriesChance: 0.3, share: 0.02, dayChance: 0.02 },
];

/** Each completed series followed by its series in the other states, in the vendor's state order. */
function withOtherStates(random: SeededRandom, completed: readonly SignicatUsageSeries[]): SignicatUsageSeries[] {
  return completed.flatMap((series) => {
    const others = OTHER_STATES.filter((other) => !other.authOnly || series.product.unitOfMeasure === 'Authentications').flatMap(
      (other) => {
        if (!random.chance(other.seriesChance)) return [];
        const counts = new Uint32Array(series.counts.length);
        const firstDay = other.lastDays === undefined ? 0 : series.counts.length - other.lastDays;
        for (let day = firstDay; day < counts.length; day++) {
          if (random.chance(other.dayChance)) counts[day] = Math.round((series.counts[day] ?? 0) * other.share * (0.5 + random.next()));
        }
        return counts.some((count) => count > 0) ? [{ ...series, state: other.state, counts, cumulative: cumulativeOf(counts) }] : [];
      },
    );
    return [series, ...others].sort((a, b) => USAGE_STATES.indexOf(a.state) - USAGE_STATES.indexOf(b.state));
  });
}

function sumByProduct(organizationId: string, series: readonly SignicatUsageSeries[], dayCount: number): SignicatUsageSeries[] {
  const totals = new Map<string, { product: SignicatProduct; state: SignicatUsageState; counts: Uint32Array }>();
  for (const { product, state, counts } of series) {
    const key = `${product.usageType}|${state}`;
    const total = totals.get(key) ?? { product, state, counts: new Uint32Array(dayCount) };
    for (let day = 0; day < dayCount; day++) total.counts[day] = (total.counts[day] ?? 0) + (counts[day] ?? 0);
    totals.set(key, total);
  }
  return [...totals.values()]
    .sort((a, b) => compareText(a.product.usageType, b.product.usageType) || USAGE_STATES.indexOf(a.state) - USAGE_STATES.indexOf(b.state))
    .map(({ product, state, counts }) => ({
      organizationId,
      accountId: null,
      product,
      state,
      externalReference: null,
      counts,
      cumulative: cumulativeOf(counts),
    }));
}

function cumulativeOf(counts: Uint32Array): Float64Array {
  const cumulative = new Float64Array(counts.length + 1);
  counts.forEach((count, day) => {
    cumulative[day + 1] = (cumulative[day] ?? 0) + count;
  });
  return cumulative;
}

function newOrganizationId(random: SeededRandom): string {
  return `o-p-${random.string(20, ID_ALPHABET)}`;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Plain code-unit order, the same in every locale, so sort order is part of the wire contract. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byId(a: { id: string }, b: { id: string }): number {
  return compareText(a.id, b.id);
}
