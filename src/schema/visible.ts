import { arrayList, filteredList, type CursorList, type OffsetList } from '../sources/lists.js';
import { wholeList } from '../sources/loaders.js';
import type { FourmeLoaders } from '../sources/fourme/loaders.js';
import type { FourmePerson, FourmeUsageStatement } from '../sources/fourme/schemas.js';
import type { UsageSelection as SimUsageSelection } from '../sources/onomondo/loaders.js';
import type { OnomondoSim, OnomondoTag, OnomondoUsageRecord } from '../sources/onomondo/schemas.js';
import { organizationIdForm, type SignicatAccount, type SignicatOrganization } from '../sources/signicat/schemas.js';
import type { GraphContext } from './context.js';

/**
 * The graph's side of the caller's scopes (`src/auth/visibility.ts`): records by id and lists, each narrowed to what
 * the caller may see. Records come through the node loaders, so every path to an id (node, nodes, a lookup, a
 * reference from another record) answers an invisible record exactly as one that does not exist.
 */

type Loaded<T> = T | Error | null;

/** `count` records the caller may see none of: answered as unknown ids, with no vendor call. */
const noneOf = (count: number): null[] => Array.from({ length: count }, () => null);

/** Keeps each loaded record the caller may see; the others become null, as if the vendor did not know them. */
async function narrowed<T>(records: readonly Loaded<T>[], sees: (record: T) => boolean | Promise<boolean>): Promise<Loaded<T>[]> {
  return Promise.all(
    records.map(async (record) => {
      if (record === null || record instanceof Error) return record;
      try {
        return (await sees(record)) ? record : null;
      } catch (error) {
        // Whether the caller may see it cannot be told (its parent could not be read): the record stays hidden.
        return error instanceof Error ? error : null;
      }
    }),
  );
}

/** An organisation's parent id; undefined when it does not exist (walked up to decide visibility). */
function parentOf(context: GraphContext): (id: string) => Promise<string | null | undefined> {
  return async (id) => {
    const organization = await context.loaders.signicat.organization.load(id);
    return organization?.parentId;
  };
}

const seesOrganization = (context: GraphContext, organizationId: string) =>
  context.visibility.seesOrganization(organizationId, parentOf(context));

export async function visibleOrganizations(context: GraphContext, ids: readonly string[]): Promise<Loaded<SignicatOrganization>[]> {
  if (!context.visibility.someOrganization) return noneOf(ids.length);
  const records = await context.loaders.signicat.organization.loadMany(ids);
  return context.visibility.everyOrganization ? records : narrowed(records, (organization) => seesOrganization(context, organization.id));
}

export async function visibleAccounts(context: GraphContext, ids: readonly string[]): Promise<Loaded<SignicatAccount>[]> {
  if (!context.visibility.someOrganization) return noneOf(ids.length);
  const records = await context.loaders.signicat.account.loadMany(ids);
  if (context.visibility.everyOrganization) return records;
  return narrowed(records, (account) => (account.organization ? seesOrganization(context, account.organization.id) : false));
}

export async function visibleSims(context: GraphContext, ids: readonly string[]): Promise<Loaded<OnomondoSim>[]> {
  if (!context.visibility.someSim) return noneOf(ids.length);
  const records = await context.loaders.onomondo.sim.loadMany(ids);
  return narrowed(records, (sim) => context.visibility.seesSim(sim));
}

export async function visibleTags(context: GraphContext, ids: readonly string[]): Promise<Loaded<OnomondoTag>[]> {
  if (!context.visibility.someSim) return noneOf(ids.length);
  const records = await context.loaders.onomondo.tag.loadMany(ids);
  return narrowed(records, (tag) => context.visibility.seesTag(tag.id));
}

/** Statements, for callers with `fourme:statements`. */
export async function visibleIfStatements<T>(context: GraphContext, load: () => Promise<Loaded<T>[]>, count: number): Promise<Loaded<T>[]> {
  return context.visibility.statements ? load() : noneOf(count);
}

/** The statement's billable people: listed statements carry them; others are read by id (batched). */
export async function billableUserIds(statement: FourmeUsageStatement, loaders: FourmeLoaders): Promise<number[]> {
  return statement.billable_user_ids ?? (await loaders.statement.load(statement.id))?.billable_user_ids ?? [];
}

/**
 * People, for callers with `fourme:statements`: those a statement bills (every statement read once per operation);
 * `usage:all` sees everyone. Person ids are small numbers: without this, any person could be read by guessing ids.
 */
export async function visiblePeople(context: GraphContext, ids: readonly number[]): Promise<Loaded<FourmePerson>[]> {
  if (!context.visibility.statements) return noneOf(ids.length);
  if (context.visibility.all) return context.loaders.fourme.person.loadMany(ids);
  const statements = await wholeList(context.loaders.fourme.statements({}))();
  const billed = new Set((await Promise.all(statements.map((statement) => billableUserIds(statement, context.loaders.fourme)))).flat());
  // Only billed people are read: the others are unknown to this caller, and cost no call.
  const wanted = ids.filter((id) => billed.has(id));
  const people = await context.loaders.fourme.person.loadMany(wanted);
  const byId = new Map(wanted.map((id, index) => [id, people[index] ?? null]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * The caller's scoped organisations that exist; one that cannot be read fails the list rather than vanish from it. A
 * scoped id not of the vendor's form names none, and never reaches the vendor (as ids in the graph's lookups).
 */
async function scopedOrganizations(context: GraphContext): Promise<SignicatOrganization[]> {
  const ids = [...context.visibility.organizationIds].filter((id) => organizationIdForm.test(id));
  const scoped = await context.loaders.signicat.organization.loadMany(ids);
  return scoped
    .filter((record): record is SignicatOrganization | Error => record !== null)
    .map((record) => {
      if (record instanceof Error) throw record;
      return record;
    });
}

/**
 * Ids of every organisation below `roots`, read down their children lists level by level: only organisations the
 * caller sees are read (walking up from each record instead would read every organisation outside its trees).
 */
async function organizationsBelow(context: GraphContext, roots: readonly SignicatOrganization[]): Promise<Set<string>> {
  const below = new Set<string>();
  const read = new Set<string>();
  for (let level = roots.map((root) => root.id); level.length > 0;) {
    level.forEach((id) => read.add(id));
    const children = await Promise.all(level.map((id) => wholeList(context.loaders.signicat.childOrganizations(id))()));
    const ids = children.flat().map((child) => child.id);
    ids.forEach((id) => below.add(id));
    // Ids read already (a scoped organisation below another, a cycle in the vendor's data) are not read again.
    level = [...new Set(ids)].filter((id) => !read.has(id));
  }
  return below;
}

/** The top-level organisations the caller sees: every one, or the scoped organisations not below another scoped one. */
export async function visibleTopOrganizations(
  context: GraphContext,
): Promise<CursorList<SignicatOrganization> | OffsetList<SignicatOrganization>> {
  if (context.visibility.everyOrganization) return context.loaders.signicat.organizations;
  const roots = await scopedOrganizations(context);
  // One scoped organisation is its own top: its tree need not be read.
  const below = roots.length > 1 ? await organizationsBelow(context, roots) : new Set<string>();
  return arrayList(roots.filter((root) => !below.has(root.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}

/** The accounts the caller sees: every one, or those of its organisations' trees, in the vendor's order. */
export async function visibleAccountList(context: GraphContext): Promise<CursorList<SignicatAccount> | OffsetList<SignicatAccount>> {
  if (context.visibility.everyOrganization) return context.loaders.signicat.accounts;
  const roots = await scopedOrganizations(context);
  if (roots.length === 0) return arrayList<SignicatAccount>([]);
  const seen = new Set([...roots.map((root) => root.id), ...(await organizationsBelow(context, roots))]);
  const accounts = await context.loaders.signicat.everyAccount();
  return arrayList(accounts.filter((account) => account.organization !== null && seen.has(account.organization.id)));
}

/** The SIMs the caller sees, `filter` applied by the vendor. */
export async function visibleSimList(
  context: GraphContext,
  filter: Parameters<GraphContext['loaders']['onomondo']['sims']>[0],
): Promise<CursorList<OnomondoSim> | OffsetList<OnomondoSim>> {
  const sims = context.loaders.onomondo.sims(filter);
  if (context.visibility.everySim) return sims;
  if (!context.visibility.someSim) return arrayList<OnomondoSim>([]);
  return arrayList((await wholeList(sims)()).filter((sim) => context.visibility.seesSim(sim)));
}

/** The SIM with this ICCID, when the caller may see it. */
export async function visibleSimByIccid(context: GraphContext, iccid: string): Promise<OnomondoSim | null> {
  if (!context.visibility.someSim) return null;
  const sim = await context.loaders.onomondo.simByIccid.load(iccid);
  return sim && context.visibility.seesSim(sim) ? sim : null;
}

/** The tags the caller sees, with their count. */
export async function visibleTagList(context: GraphContext): Promise<OffsetList<OnomondoTag>> {
  if (context.visibility.everySim) return context.loaders.onomondo.tags;
  if (!context.visibility.someSim) return arrayList<OnomondoTag>([]);
  return arrayList((await context.loaders.onomondo.everyTag()).filter((tag) => context.visibility.seesTag(tag.id)));
}

/**
 * The fleet's usage records of the SIMs the caller sees: read on from the fleet's list, keeping theirs (Onomondo
 * has no filter for several SIMs); a caller who sees every SIM reads the list as it is.
 */
export async function visibleFleetUsage(
  context: GraphContext,
  query: SimUsageSelection,
): Promise<CursorList<OnomondoUsageRecord> | OffsetList<OnomondoUsageRecord>> {
  const fleet = context.loaders.onomondo.fleetUsage(query);
  if (context.visibility.everySim) return fleet;
  // Without a SIM to keep, the scan would read the fleet's whole history to find nothing.
  if (!context.visibility.someSim) return arrayList<OnomondoUsageRecord>([]);
  const visible = new Set(
    (await context.loaders.onomondo.everySim()).filter((sim) => context.visibility.seesSim(sim)).map((sim) => sim.id),
  );
  const simIdOf = (raw: unknown) => (typeof raw === 'object' && raw !== null && 'sim_id' in raw ? raw.sim_id : undefined);
  return filteredList(fleet, {
    keep: (record) => visible.has(record.sim_id),
    keepRejected: (raw) => {
      const simId = simIdOf(raw);
      return typeof simId === 'string' && visible.has(simId);
    },
    key: (record) => record.bill_id,
  });
}
