/**
 * The lower bound the gateway is measured against: each operation's data fetched by hand with the source
 * clients, using the fewest calls (the same strategy as each operation's `minCalls` derivation) and full
 * concurrency: every call starts as soon as what it needs is known, on as many connections as it likes.
 * The script knows the seeded data's shape (which organisations are top-level, how many usage pages a month
 * has), so it is an ideal no client without that knowledge reaches.
 */
import { createFourmeClient, type FourmeClient } from '../src/sources/fourme/client.js';
import { fourmeSimulatedSettings } from '../src/sources/fourme/simulator.js';
import type { FourmePerson } from '../src/sources/fourme/schemas.js';
import { createOnomondoClient, type OnomondoClient } from '../src/sources/onomondo/client.js';
import { onomondoSimulatedSettings } from '../src/sources/onomondo/simulator.js';
import { createSignicatClient, type SignicatClient, type SignicatList } from '../src/sources/signicat/client.js';
import { signicatSimulatedSettings } from '../src/sources/signicat/simulator.js';
import { defaultHttpPolicy } from '../src/upstream/http.js';
import {
  DASHBOARD_STATEMENTS,
  LIMITS,
  STATEMENTS_COUNT,
  PAGING,
  calendar,
  monthUsage,
  nodeIds,
  pagingOffset,
  topOrganizations,
  type Digest,
  type OperationName,
  type Seeds,
} from './operations.js';

export interface Clients {
  signicat: SignicatClient;
  onomondo: OnomondoClient;
  fourme: FourmeClient;
  close(): Promise<void>;
}

/** Clients with no practical connection cap, so nothing queues on the client side. */
export function createClients(urls: { signicat: string; onomondo: string; fourme: string }): Clients {
  const policy = { ...defaultHttpPolicy, maxConnections: 1024 };
  const clients = {
    signicat: createSignicatClient(signicatSimulatedSettings(urls.signicat), policy),
    onomondo: createOnomondoClient(onomondoSimulatedSettings(urls.onomondo), policy),
    fourme: createFourmeClient(fourmeSimulatedSettings(urls.fourme), policy),
  };
  return {
    ...clients,
    close: async () => {
      await Promise.all([clients.signicat.close(), clients.onomondo.close(), clients.fourme.close()]);
    },
  };
}

export interface BaselineOperation {
  steps: number;
  /** One step's calls; resolves to the digest of what it fetched (summed over steps, as for the gateway). */
  run(step: number): Promise<Digest>;
}

export function createBaselines(seeds: Seeds, clients: Clients): Record<OperationName, BaselineOperation> {
  return {
    dashboard: { steps: 1, run: () => dashboard(seeds, clients) },
    sims100: { steps: 1, run: () => sims100(seeds, clients) },
    statements: { steps: 1, run: () => statementsWithPeople(clients.fourme, STATEMENTS_COUNT) },
    paging: { steps: PAGING.forward + PAGING.backward, run: (step) => usagePage(seeds, clients, step) },
    nodes: { steps: 1, run: () => nodes(seeds, clients) },
  };
}

async function allPages<T>(read: (page: string | undefined) => Promise<SignicatList<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let page: string | undefined; ;) {
    const list = await read(page);
    items.push(...list.items);
    if (list.nextPage === null) return items;
    page = list.nextPage;
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

async function statementsWithPeople(fourme: FourmeClient, count: number): Promise<Digest> {
  const page = await fourme.listUsageStatements({ perPage: count, fields: ['billable_user_ids'] });
  const ids = page.items.flatMap((statement) => statement.billable_user_ids ?? []);
  // peopleByIds asks for the distinct ids in calls of at most 100, all at once.
  const people = new Map((await fourme.peopleByIds(ids)).items.map((person: FourmePerson) => [person.id, person]));
  const found = ids.filter((id) => people.has(id));
  return {
    statements: page.items.length,
    billableUsers: found.length,
    distinctPeople: new Set(found).size,
    missingPeople: ids.length - found.length,
  };
}

async function dashboard(seeds: Seeds, { signicat, onomondo, fourme }: Clients): Promise<Digest> {
  const { from, to } = calendar(seeds.signicat.today);
  const identity = (async () => {
    const top = await allPages((page) => signicat.listOrganizations({ limit: LIMITS.signicatListPage, page }));
    const perTree = await Promise.all(
      top.map(async (organization) => {
        const [children, rows] = await Promise.all([
          allPages((page) => signicat.listChildOrganizations(organization.id, { limit: LIMITS.signicatListPage, page })),
          (async () => {
            const items = [];
            for (let offset: number | null = 0; offset !== null;) {
              const usage = await signicat.usage(
                { organizationId: organization.id },
                {
                  fromDate: from,
                  toDate: to,
                  aggregateByPeriod: 'monthly',
                  aggregateByLevel: 'account',
                  includeChildOrganizations: true,
                  offset,
                  limit: LIMITS.signicatUsagePage,
                },
              );
              items.push(...usage.items);
              offset = usage.nextOffset;
            }
            return items;
          })(),
        ]);
        return { organization, children, rows };
      }),
    );
    return { top, perTree };
  })();
  const accounts = allPages((page) => signicat.listAccounts({ limit: LIMITS.signicatListPage, page }));
  const sims = onomondo.listSims({ limit: 50 });
  const statements = statementsWithPeople(fourme, DASHBOARD_STATEMENTS);

  const [{ top, perTree }, accountList, simPage, statementDigest] = await Promise.all([identity, accounts, sims, statements]);
  const treeIds = new Set(perTree.flatMap(({ organization, children }) => [organization.id, ...children.map((child) => child.id)]));
  const rows = perTree.flatMap((tree) => tree.rows);
  return {
    organizations: top.length,
    childOrganizations: sum(perTree.map((tree) => tree.children.length)),
    accounts: accountList.filter((account) => account.organization && treeIds.has(account.organization.id)).length,
    usageRecords: rows.length,
    usageCount: sum(rows.map((row) => row.count)),
    sims: simPage.items.length,
    simTags: sum(simPage.items.map((sim) => sim.tags.length)),
    ...statementDigest,
  };
}

async function sims100(seeds: Seeds, { onomondo }: Clients): Promise<Digest> {
  const { month } = calendar(seeds.onomondo.today.toISOString().slice(0, 10));
  // The page count comes from the seed: every page is asked for at once, by offset.
  const pages = Math.max(1, Math.ceil(monthUsage(seeds.onomondo, month).length / LIMITS.onomondoPage));
  const [simPage, ...usagePages] = await Promise.all([
    onomondo.listSims({ limit: 100 }),
    ...Array.from({ length: pages }, (_, page) =>
      onomondo.usage({ filter: { time: month }, limit: LIMITS.onomondoPage, offset: page * LIMITS.onomondoPage }),
    ),
  ]);
  const ids = new Set(simPage.items.map((sim) => sim.id));
  const usage = usagePages.flatMap((page) => page.items).filter((record) => ids.has(record.sim_id));
  return {
    sims: simPage.items.length,
    bytesThisPeriod: sum(simPage.items.map((sim) => sim.usage)),
    tags: sum(simPage.items.map((sim) => sim.tags.length)),
    usageRecords: usage.length,
    usageBytes: sum(usage.map((record) => record.bytes)),
  };
}

async function usagePage(seeds: Seeds, { onomondo }: Clients, step: number): Promise<Digest> {
  const offset = pagingOffset(step);
  const page = await onomondo.usage({ limit: PAGING.pageSize, offset });
  const wrong = page.items.filter((record, i) => record.bill_id !== seeds.onomondo.usage[offset + i]?.bill_id).length;
  return { records: page.items.length, misplacedRecords: wrong };
}

async function nodes(seeds: Seeds, { signicat, onomondo, fourme }: Clients): Promise<Digest> {
  const ids = nodeIds(seeds);
  const wanted = (typename: string) => ids.filter((id) => id.typename === typename).map((id) => id.id);
  const organizationIds = wanted('Organization').map(String);
  const topLevel = new Set(topOrganizations(seeds.signicat).map((organization) => organization.id));
  const children = organizationIds.filter((id) => !topLevel.has(id));
  // One call per parent: a single child by its own GET (a parent's child list would serve several at once).
  const parents = new Map<string, string[]>();
  for (const id of children) {
    const parent = seeds.signicat.organizationById.get(id)?.parentId ?? id;
    parents.set(parent, [...(parents.get(parent) ?? []), id]);
  }
  const [top, childLists, accounts, sims, tags, statements, people] = await Promise.all([
    organizationIds.some((id) => topLevel.has(id))
      ? signicat.listOrganizations({ limit: LIMITS.signicatListPage }).then((list) => list.items)
      : [],
    Promise.all(
      [...parents].map(([parent, members]) =>
        members.length === 1
          ? signicat.getOrganization(members[0] as string).then((organization) => [organization])
          : signicat.listChildOrganizations(parent, { limit: LIMITS.signicatListPage }).then((list) => list.items),
      ),
    ),
    signicat.listAccounts({ limit: LIMITS.signicatListPage }).then((list) => list.items),
    onomondo.listSims({ limit: LIMITS.onomondoPage }).then((page) => page.items),
    onomondo.searchTags({ limit: LIMITS.onomondoPage }).then((page) => page.items),
    fourme.listUsageStatements({ ids: wanted('UsageStatement').map(Number), perPage: LIMITS.fourmePage }).then((page) => page.items),
    fourme.listPeople({ ids: wanted('Person').map(Number), perPage: LIMITS.fourmePage }).then((page) => page.items),
  ]);
  const found = (typename: string, records: { id: string | number }[]) => {
    const have = new Set(records.map((record) => String(record.id)));
    return wanted(typename).filter((id) => have.has(String(id))).length;
  };
  const counts: Digest = {
    Organization: found('Organization', [...top, ...childLists.flat()]),
    Account: found('Account', accounts),
    Sim: found('Sim', sims),
    Tag: found('Tag', tags),
    UsageStatement: found('UsageStatement', statements),
    Person: found('Person', people),
  };
  return { nodes: sum(Object.values(counts)), ...counts };
}
