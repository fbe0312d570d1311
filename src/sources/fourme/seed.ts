import { SeededRandom, anchorDay } from '../../simulator/random.js';
import type { FourmePerson, FourmePlan, FourmeReference, FourmeUsageStatementWire } from './schemas.js';

/** Monthly usage statements in the seed, the newest for the month before `today`. */
export const FOURME_STATEMENT_MONTHS = 36;

const SEED = 0x4e4d;
const DAY_MS = 86_400_000;
/** People already in the account before the first statement. */
const FOUNDERS = 70;
const FIRST_PERSON_ID = 1000;

/** A person as the simulator keeps them: the fields the graph reads plus those 4me sends by default. */
export interface FourmeSeedPerson extends FourmePerson {
  sourceID: string | null;
  manager: FourmeReference | null;
}

/** What the 4me simulator serves, generated once per simulator instance. */
export interface FourmeSeed {
  /** Newest first (id descending): the order the API lists them in. */
  statements: readonly FourmeUsageStatementWire[];
  statementsById: ReadonlyMap<number, FourmeUsageStatementWire>;
  /** By name, then id: the order the API lists people in (ours), so callers must map by id. */
  people: readonly FourmeSeedPerson[];
  peopleById: ReadonlyMap<number, FourmeSeedPerson>;
  /** Billed on old statements but no longer registered in the account: their ids lead nowhere. */
  removedPersonIds: readonly number[];
  organizations: readonly FourmeReference[];
  sites: readonly FourmeReference[];
}

interface Organization extends FourmeReference {
  domain: string;
  /** UTC offset its people's timestamps are written in, like 4me writes them in the account's time zone. */
  offsetMinutes: number;
  /** Relative share of the people. */
  weight: number;
}

interface Enrolled {
  member: Member;
  person: FourmePerson;
}

interface BillingMonth {
  year: number;
  month: number;
  startMs: number;
  /** First instant of the next month. */
  endMs: number;
}

/** A person's life in the account, in statement-month indexes (0 = oldest statement). */
interface Member {
  createdMs: number;
  joinMonth: number;
  /** Last month the person was enabled; absent while still enabled. */
  leaveMonth: number | undefined;
  /** Has a role other than End User or Key Contact, so counts towards `user_months`. */
  billable: boolean;
}

const ORGANIZATIONS: readonly Organization[] = [
  { id: 11, name: 'Widget Data Center', domain: 'widget.example', offsetMinutes: -360, weight: 3 },
  { id: 17, name: 'Widget Europe', domain: 'widget.example', offsetMinutes: 60, weight: 2 },
  { id: 23, name: 'Widget Asia Pacific', domain: 'widget.example', offsetMinutes: 480, weight: 1 },
  { id: 42, name: 'Northwind Outsourcing', domain: 'northwind.example', offsetMinutes: 0, weight: 1 },
  { id: 58, name: 'Contoso Facilities', domain: 'contoso.example', offsetMinutes: -300, weight: 1 },
];

/** Each organisation as often as its weight, so a uniform pick is a weighted one. */
const ORGANIZATION_DRAW = ORGANIZATIONS.flatMap((organization) => Array.from({ length: organization.weight }, () => organization));

const SITES: readonly FourmeReference[] = [
  { id: 3, name: 'Houston' },
  { id: 5, name: 'Amsterdam' },
  { id: 8, name: 'Singapore' },
  { id: 12, name: 'New York' },
  { id: 14, name: 'London' },
  { id: 21, name: 'Remote' },
];

const FIRST_NAMES = [
  'Anna',
  'Ben',
  'Carla',
  'Daan',
  'Eva',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kim',
  'Lars',
  'Maya',
  'Noah',
  'Olga',
  'Pedro',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Wim',
  'Xena',
  'Yusuf',
  'Zoe',
  'Howard',
  'Ellen',
  'Marcus',
  'Priya',
];

const LAST_NAMES = [
  'Adams',
  'Bakker',
  'Chen',
  'Dekker',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ito',
  'Jansen',
  'Kowalski',
  'Lopez',
  'Meyer',
  'Nguyen',
  'Olsen',
  'Patel',
  'Quist',
  'Rossi',
  'Smit',
  'Tanaka',
  'Urban',
  'Visser',
  'Wong',
  'Xu',
  'Young',
  'Zimmer',
  'Tuvalu',
  'Brown',
  'Silva',
  'Novak',
];

/** The seeded account: 36 monthly statements and the 350-odd people they bill, anchored to `today`. */
export function seedFourme(today?: string): FourmeSeed {
  const random = new SeededRandom(SEED);
  const months = billingMonths(anchorDay(today).getTime());
  const members = enrol(random, roster(random, months), months);
  const statements = usageStatements(random, months, members).reverse();
  const removed = removedMembers(members);
  const people = withDefaultFields(members.filter((enrolled) => !removed.has(enrolled))).sort(
    (a, b) => a.name.localeCompare(b.name) || a.id - b.id,
  );
  return {
    statements,
    statementsById: new Map(statements.map((statement) => [statement.id, statement])),
    people,
    peopleById: new Map(people.map((person) => [person.id, person])),
    removedPersonIds: [...removed].map(({ person }) => person.id),
    organizations: ORGANIZATIONS.map(({ id, name }) => ({ id, name })),
    sites: SITES,
  };
}

/** Oldest first, ending with the month before the anchor day's month. */
function billingMonths(anchorMs: number): BillingMonth[] {
  const anchor = new Date(anchorMs);
  return Array.from({ length: FOURME_STATEMENT_MONTHS }, (_, index) => {
    const offset = index - FOURME_STATEMENT_MONTHS;
    const start = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() + offset, 1));
    const end = Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() + offset + 1, 1);
    return { year: start.getUTCFullYear(), month: start.getUTCMonth() + 1, startMs: start.getTime(), endMs: end };
  });
}

/** Founders plus a handful of joiners every month; some leave later, so the billable set grows and churns. */
function roster(random: SeededRandom, months: readonly BillingMonth[]): Member[] {
  const windowStart = months[0]?.startMs ?? 0;
  const members: Member[] = [];
  for (let i = 0; i < FOUNDERS; i++) members.push(member(random, windowStart - random.int(DAY_MS, 700 * DAY_MS), 0));
  months.forEach((month, index) => {
    const joiners = random.int(5, 11);
    for (let i = 0; i < joiners; i++) members.push(member(random, random.int(month.startMs, month.endMs - 1), index));
  });
  return members.sort((a, b) => a.createdMs - b.createdMs);
}

function member(random: SeededRandom, createdMs: number, joinMonth: number): Member {
  const billable = random.chance(0.88);
  const leaveMonth = random.chance(billable ? 0.3 : 0.05) ? joinMonth + random.int(2, 40) : undefined;
  return {
    createdMs: wholeSecond(createdMs),
    joinMonth,
    leaveMonth: leaveMonth !== undefined && leaveMonth < FOURME_STATEMENT_MONTHS ? leaveMonth : undefined,
    billable,
  };
}

/** A Person per member, in creation order; ids rise with time but leave gaps, as ids shared with other accounts do. */
function enrol(random: SeededRandom, members: readonly Member[], months: readonly BillingMonth[]): Enrolled[] {
  const takenNames = new Set<string>();
  let nextId = FIRST_PERSON_ID;
  return members.map((member) => {
    const person = personOf(random, member, months, nextId, uniqueName(random, takenNames));
    nextId += random.int(1, 6);
    return { member, person };
  });
}

function uniqueName(random: SeededRandom, taken: Set<string>): { first: string; last: string } {
  for (;;) {
    const name = { first: random.pick(FIRST_NAMES), last: random.pick(LAST_NAMES) };
    const full = `${name.first} ${name.last}`;
    if (taken.has(full)) continue;
    taken.add(full);
    return name;
  }
}

function personOf(
  random: SeededRandom,
  member: Member,
  months: readonly BillingMonth[],
  id: number,
  { first, last }: { first: string; last: string },
): FourmePerson {
  const organization = random.pick(ORGANIZATION_DRAW);
  return {
    id,
    name: `${first} ${last}`,
    primary_email: `${first}.${last}@${organization.domain}`.toLowerCase(),
    organization: { id: organization.id, name: organization.name },
    site: random.chance(0.8) ? random.pick(SITES) : null,
    disabled: member.leaveMonth !== undefined,
    created_at: timestamp(member.createdMs, organization.offsetMinutes),
    updated_at: timestamp(updatedAt(random, member, months), organization.offsetMinutes),
  };
}

/** A leaver was last touched when disabled, in the leave month; anyone else before the month of `today`. */
function updatedAt(random: SeededRandom, member: Member, months: readonly BillingMonth[]): number {
  const leave = member.leaveMonth === undefined ? undefined : months[member.leaveMonth];
  if (leave) return wholeSecond(random.int(leave.startMs, leave.endMs - 1));
  const anchorMs = months[months.length - 1]?.endMs ?? member.createdMs;
  const lastMonthEnd = Math.max(member.createdMs, anchorMs - 1000);
  return wholeSecond(random.int(member.createdMs, lastMonthEnd));
}

/** Every tenth billable leaver has since been removed from the account: old statements still bill them. */
function removedMembers(members: readonly Enrolled[]): Set<Enrolled> {
  return new Set(members.filter(({ member }) => member.billable && member.leaveMonth !== undefined).filter((_, index) => index % 10 === 0));
}

/**
 * The fields 4me sends by default that the graph does not read: a source id for some, and the organisation's
 * earliest registered person as everyone else's manager.
 */
function withDefaultFields(members: readonly Enrolled[]): FourmeSeedPerson[] {
  const firstOfOrganization = new Map<number, FourmePerson>();
  for (const { person } of members)
    if (!firstOfOrganization.has(person.organization.id)) firstOfOrganization.set(person.organization.id, person);
  return members.map(({ person }) => {
    const manager = firstOfOrganization.get(person.organization.id);
    return {
      ...person,
      sourceID: person.id % 3 === 0 ? `HR-${person.id}` : null,
      manager: manager && manager.id !== person.id ? { id: manager.id, name: manager.name } : null,
    };
  });
}

function usageStatements(random: SeededRandom, months: readonly BillingMonth[], members: readonly Enrolled[]): FourmeUsageStatementWire[] {
  const premiumFrom = random.int(9, 14);
  const premiumPlusFrom = random.int(21, 28);
  let id = random.int(1190, 1230);
  return months.map((month, index) => {
    const billable = members
      .filter(({ member }) => member.billable && member.joinMonth <= index && (member.leaveMonth ?? Infinity) >= index)
      .map(({ person }) => person.id);
    const plan: FourmePlan = index >= premiumPlusFrom ? 'premium_plus' : index >= premiumFrom ? 'premium' : 'basic';
    const statement: FourmeUsageStatementWire = {
      id,
      plan,
      year: month.year,
      month: month.month,
      start_date: isoDay(month.startMs),
      end_date: isoDay(month.endMs - DAY_MS),
      user_months: billable.length,
      billable_user_ids: billable,
    };
    id += random.int(9, 140);
    return statement;
  });
}

function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO 8601 in a fixed UTC offset, as 4me writes them: `2016-03-14T14:33:19-06:00`, or `Z` at offset 0. */
function timestamp(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const magnitude = Math.abs(offsetMinutes);
  const hours = String(Math.floor(magnitude / 60)).padStart(2, '0');
  const minutes = String(magnitude % 60).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hours}:${minutes}`;
}
