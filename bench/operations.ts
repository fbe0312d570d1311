/**
 * The five benchmark operations: their GraphQL documents, what a correct answer looks like (from the seeds),
 * and the fewest upstream calls the vendor APIs allow for that answer, derived in code from the seeded data
 * and each API's paging limits, with the derivation written out for the report.
 */
import { seedFourme, type FourmeSeed } from '../src/sources/fourme/seed.js';
import { seedOnomondo, type OnomondoSeed } from '../src/sources/onomondo/seed.js';
import { seedSignicat, type SignicatSeed } from '../src/sources/signicat/seed.js';
import { usageRows, usageQuerySchema } from '../src/sources/signicat/usage-report.js';
import type { SignicatOrganization } from '../src/sources/signicat/schemas.js';
import type { SourceName } from '../src/sources/registry.js';

/** The day the simulators' seeded data ends on: pinned, so every run sees the same data. */
export const TODAY = '2026-11-15';

/** Vendor limits the minimum is derived from (see /work/shared/upstreams/wire-facts.md). */
export const LIMITS = {
  /** Signicat Account Management `limit` maximum (ours: the simulator's bound; the vendor documents only the default 50). */
  signicatListPage: 100,
  /** Signicat usage `limit` maximum. */
  signicatUsagePage: 1000,
  /** Onomondo `/usage`, `/sims` and tag search `limit` maximum. */
  onomondoPage: 1000,
  /** 4me `per_page` maximum and ids per `?id=` filter. */
  fourmePage: 100,
} as const;

export type OperationName = 'dashboard' | 'sims100' | 'statements' | 'paging' | 'nodes';
export const OPERATION_NAMES: readonly OperationName[] = ['dashboard', 'sims100', 'statements', 'paging', 'nodes'];

/** Counts that describe an answer; a correct run's digest equals the one derived from the seeds. */
export type Digest = Record<string, number>;

export interface GraphRequest {
  query: string;
  variables?: Record<string, unknown>;
}

export interface MinCalls {
  total: number;
  bySource: Record<SourceName, number>;
  /** How the minimum follows from the seeds and the vendor limits, one line per source or step. */
  derivation: string[];
}

export interface Operation {
  name: OperationName;
  title: string;
  /** GraphQL requests one run of the operation makes, in order (several only for `paging`). */
  steps: number;
  /** The request of `step`; `previous` is the `data` of the previous step's answer. */
  request(step: number, previous: unknown): GraphRequest;
  /** Counts of one step's answer; the steps' digests are summed and compared with `expected`. */
  digest(step: number, data: unknown): Digest;
  expected: Digest;
  minCalls: MinCalls;
}

export interface Seeds {
  signicat: SignicatSeed;
  onomondo: OnomondoSeed;
  fourme: FourmeSeed;
}

export function loadSeeds(today = TODAY): Seeds {
  return { signicat: seedSignicat(today), onomondo: seedOnomondo(today), fourme: seedFourme(today) };
}

/** `YYYY-MM` of `TODAY` and the first day of the month eleven months before it: twelve monthly periods. */
export function calendar(today = TODAY): { month: string; from: string; to: string } {
  const day = new Date(`${today}T00:00:00Z`);
  const from = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() - 11, 1));
  return { month: today.slice(0, 7), from: from.toISOString().slice(0, 10), to: today };
}

export function globalId(typename: string, id: string | number): string {
  return Buffer.from(`${typename}:${String(id)}`).toString('base64url');
}

const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));
const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);
const minCalls = (bySource: Partial<Record<SourceName, number>>, derivation: string[]): MinCalls => {
  const full = { signicat: 0, onomondo: 0, fourme: 0, ...bySource };
  return { total: full.signicat + full.onomondo + full.fourme, bySource: full, derivation };
};

// ---------------------------------------------------------------------------------------------------------
// Seed facts shared by the operations and the direct-REST baseline.

export function topOrganizations(seed: SignicatSeed): SignicatOrganization[] {
  return seed.childOrganizations.get(null) ?? [];
}

export function childrenOf(seed: SignicatSeed, organizationId: string): SignicatOrganization[] {
  return seed.childOrganizations.get(organizationId) ?? [];
}

/** An organisation and every organisation below it. */
export function descendants(seed: SignicatSeed, organizationId: string): string[] {
  return [organizationId, ...childrenOf(seed, organizationId).flatMap((child) => descendants(seed, child.id))];
}

/** Monthly usage rows of the last twelve months for an account, or (`tree`) for every account under an organisation. */
export function monthlyRows(seed: SignicatSeed, scope: { accountId: string } | { tree: string }) {
  const { from, to } = calendar(seed.today);
  const query = usageQuerySchema.parse({ fromDate: from, toDate: to, aggregateByPeriod: 'monthly', limit: 1000 });
  const accounts =
    'accountId' in scope
      ? [scope.accountId]
      : descendants(seed, scope.tree)
          .flatMap((id) => (seed.organizationAccounts.get(id) ?? []).map((account) => account.id))
          .sort();
  const series = accounts.flatMap((id) => seed.accountUsage.get(id) ?? []);
  return usageRows(seed, series, { ...query, limit: Number.MAX_SAFE_INTEGER }).rows;
}

/** Usage records of `month` across every SIM, in wire order. */
export function monthUsage(seed: OnomondoSeed, month: string) {
  return seed.usage.filter((record) => record.time.startsWith(month));
}

/** The ids `nodes` asks for: a few of every node type, interleaved. */
export function nodeIds(seeds: Seeds): { typename: string; id: string | number }[] {
  const { signicat, onomondo, fourme } = seeds;
  const top = topOrganizations(signicat);
  // Every top-level organisation, plus one child under each of two different parents: a parent's child list
  // serves several of its children at once, so children under distinct parents keep the minimum reachable
  // without knowing the tree in advance.
  const children = top.slice(0, 2).flatMap((parent) => childrenOf(signicat, parent.id).slice(0, 1));
  const spread = <T>(items: readonly T[], count: number) =>
    Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)] as T);
  const groups: { typename: string; id: string | number }[][] = [
    [...top, ...children].map((organization) => ({ typename: 'Organization', id: organization.id })),
    spread(signicat.accounts, 10).map((account) => ({ typename: 'Account', id: account.id })),
    spread(onomondo.sims, 10).map((sim) => ({ typename: 'Sim', id: sim.id })),
    spread(onomondo.tags, 5).map((tag) => ({ typename: 'Tag', id: tag.id })),
    spread(fourme.statements, 10).map((statement) => ({ typename: 'UsageStatement', id: statement.id })),
    spread(fourme.people, 10).map((person) => ({ typename: 'Person', id: person.id })),
  ];
  const mixed: { typename: string; id: string | number }[] = [];
  for (let i = 0; mixed.length < sum(groups.map((group) => group.length)); i++) {
    for (const group of groups) if (group[i]) mixed.push(group[i] as { typename: string; id: string | number });
  }
  return mixed;
}

// ---------------------------------------------------------------------------------------------------------
// GraphQL answers, as far as the digests read them.

interface Nodes<T> {
  nodes: T[];
}
interface AccountAnswer {
  identityUsage: Nodes<{ count: number }> | null;
}
interface OrganizationAnswer {
  accounts: Nodes<AccountAnswer> | null;
  children?: Nodes<OrganizationAnswer> | null;
}
interface StatementAnswer {
  userMonths: number;
  billableUsers: { totalCount: number | null; nodes: ({ id: string } | null)[] } | null;
}
interface SimAnswer {
  bytesThisPeriod?: number;
  tags: unknown[];
  usage?: Nodes<{ bytes: number }> | null;
}
interface UsagePageAnswer {
  simUsage: {
    nodes: { billId: string }[];
    pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
  } | null;
}

function statementDigest(statements: StatementAnswer[]): Digest {
  const people = statements.flatMap((statement) => statement.billableUsers?.nodes ?? []);
  return {
    statements: statements.length,
    billableUsers: people.filter((person) => person !== null).length,
    distinctPeople: new Set(people.flatMap((person) => (person === null ? [] : [person.id]))).size,
    missingPeople: people.filter((person) => person === null).length,
  };
}

/** People billed on old statements but no longer in the account are null nodes, counted as missing. */
function expectedStatementDigest(seed: FourmeSeed, count: number): Digest {
  const statements = seed.statements.slice(0, count);
  const billed = statements.flatMap((statement) => statement.billable_user_ids);
  const present = billed.filter((id) => seed.peopleById.has(id));
  return {
    statements: statements.length,
    billableUsers: present.length,
    distinctPeople: new Set(present).size,
    missingPeople: billed.length - present.length,
  };
}

/** Fewest 4me calls for `count` statements with their billable people: one list call, then the people by id. */
function statementsMinimum(seed: FourmeSeed, count: number): { calls: number; text: string } {
  const people = new Set(seed.statements.slice(0, count).flatMap((statement) => statement.billable_user_ids)).size;
  const byIds = pages(people, LIMITS.fourmePage);
  const byList = pages(seed.people.length, LIMITS.fourmePage);
  const peopleCalls = Math.min(byIds, byList);
  return {
    calls: 1 + peopleCalls,
    text:
      `4me ${1 + peopleCalls}: 1 × GET /account/usage_statements?per_page=${count}&fields=…,billable_user_ids (${count} ≤ ${LIMITS.fourmePage} per page; ` +
      `the list carries every statement's billable_user_ids) + the ${people} distinct billable people: ` +
      `min(⌈${people}/${LIMITS.fourmePage}⌉ GET /people?id=… calls, ⌈${seed.people.length} people/${LIMITS.fourmePage}⌉ pages of all people) = ${peopleCalls}`,
  };
}

// ---------------------------------------------------------------------------------------------------------

export function createOperations(seeds: Seeds): Record<OperationName, Operation> {
  return {
    dashboard: dashboard(seeds),
    sims100: sims100(seeds),
    statements: statements(seeds),
    paging: paging(seeds),
    nodes: nodes(seeds),
  };
}

/**
 * Page sizes fit the seed and keep each operation within the default operation budgets (50 vendor calls at worst):
 * the planner prices an operation by the pages it asks for, so a dashboard pages like a real one would.
 */
export const DASHBOARD_STATEMENTS = 6;
export const STATEMENTS_COUNT = 16;

const DASHBOARD = /* GraphQL */ `
  query Dashboard($from: Date!, $to: Date!) {
    organizations(first: 5) {
      nodes {
        id
        name
        country
        accounts(first: 5) {
          nodes {
            ...AccountUsage
          }
        }
        children(first: 5) {
          nodes {
            id
            name
            country
            accounts(first: 5) {
              nodes {
                ...AccountUsage
              }
            }
          }
        }
      }
    }
    sims(first: 50) {
      nodes {
        id
        iccid
        label
        tags {
          id
          name
          color
        }
      }
    }
    usageStatements(first: 6) {
      nodes {
        id
        year
        month
        plan
        userMonths
        billableUsers(first: 300) {
          totalCount
          nodes {
            id
            name
          }
        }
      }
    }
  }
  fragment AccountUsage on Account {
    id
    name
    sandbox
    identityUsage(period: MONTHLY, from: $from, to: $to, first: 100) {
      nodes {
        product
        count
        period {
          start
          end
        }
      }
    }
  }
`;

function dashboard(seeds: Seeds): Operation {
  const { signicat, onomondo, fourme } = seeds;
  const { from, to } = calendar(signicat.today);
  const top = topOrganizations(signicat);
  const children = top.flatMap((organization) => childrenOf(signicat, organization.id));
  const organizations = [...top, ...children];
  const accounts = organizations.flatMap((organization) => signicat.organizationAccounts.get(organization.id) ?? []);
  const treeRows = top.map((organization) => monthlyRows(signicat, { tree: organization.id }));
  const maxAccountRows = Math.max(...accounts.map((account) => monthlyRows(signicat, { accountId: account.id }).length));
  if (maxAccountRows > 100) throw new Error(`an account has ${maxAccountRows} monthly rows: raise identityUsage(first:) in the dashboard`);
  const sims = onomondo.sims.slice(0, 50);
  const statementsMin = statementsMinimum(fourme, DASHBOARD_STATEMENTS);

  const usageCalls = sum(treeRows.map((rows) => pages(rows.length, LIMITS.signicatUsagePage)));
  const signicatCalls = 1 + top.length + pages(signicat.accounts.length, LIMITS.signicatListPage) + usageCalls;
  return {
    name: 'dashboard',
    title: `organisation tree (${top.length} + ${children.length} organisations, ${accounts.length} accounts) with 12 months of monthly identity usage per account; first 50 SIMs with tags; latest ${DASHBOARD_STATEMENTS} usage statements with all their billable users' names`,
    steps: 1,
    request: () => ({ query: DASHBOARD, variables: { from, to } }),
    digest: (_step, data) => {
      const answer = data as {
        organizations: Nodes<OrganizationAnswer>;
        sims: Nodes<SimAnswer>;
        usageStatements: Nodes<StatementAnswer>;
      };
      const topLevel = answer.organizations.nodes;
      const childLevel = topLevel.flatMap((organization) => organization.children?.nodes ?? []);
      const accountAnswers = [...topLevel, ...childLevel].flatMap((organization) => organization.accounts?.nodes ?? []);
      const usage = accountAnswers.flatMap((account) => account.identityUsage?.nodes ?? []);
      return {
        organizations: topLevel.length,
        childOrganizations: childLevel.length,
        accounts: accountAnswers.length,
        usageRecords: usage.length,
        usageCount: sum(usage.map((record) => record.count)),
        sims: answer.sims.nodes.length,
        simTags: sum(answer.sims.nodes.map((sim) => sim.tags.length)),
        ...statementDigest(answer.usageStatements.nodes),
      };
    },
    expected: {
      organizations: top.length,
      childOrganizations: children.length,
      accounts: accounts.length,
      usageRecords: sum(treeRows.map((rows) => rows.length)),
      usageCount: sum(treeRows.flatMap((rows) => rows.map((row) => row.count))),
      sims: sims.length,
      simTags: sum(sims.map((sim) => sim.tags.length)),
      ...expectedStatementDigest(fourme, DASHBOARD_STATEMENTS),
    },
    minCalls: minCalls({ signicat: signicatCalls, onomondo: 1, fourme: statementsMin.calls }, [
      `Signicat ${signicatCalls}: 1 × GET /organizations (${top.length} top-level ≤ ${LIMITS.signicatListPage}) ` +
        `+ ${top.length} × GET /organizations/{id}/organizations (one per top-level organisation; the seed's tree is two levels deep and the operation asks two levels; children have no bulk read) ` +
        `+ ${pages(signicat.accounts.length, LIMITS.signicatListPage)} × GET /accounts?limit=${LIMITS.signicatListPage} (all ${signicat.accounts.length} accounts carry organization.id and come in id order, the order of each organisation's own list) ` +
        `+ ${usageCalls} × GET /usage/transactions with signicat-organizationid of each top-level organisation, includeChildOrganizations=true, aggregateByLevel=account, ` +
        `aggregateByPeriod=monthly, ${from}..${to}, limit=1000 (${treeRows.map((rows) => rows.length).join(' + ')} rows per tree, each ≤ 1000: one page each; ` +
        `usage has no scope wider than one organisation tree). OAuth token calls are excluded (one per 600 s token, not per operation).`,
      `Onomondo 1: GET /sims?limit=50 (tags are embedded in each SIM).`,
      statementsMin.text + '.',
    ]),
  };
}

const SIMS100 = /* GraphQL */ `
  query Sims100($month: String!) {
    sims(first: 100) {
      nodes {
        id
        iccid
        label
        bytesThisPeriod
        tags {
          id
          name
        }
        usage(filter: { period: $month }, first: 100) {
          nodes {
            time
            bytes
            country
            networkType
          }
        }
      }
    }
  }
`;

function sims100(seeds: Seeds): Operation {
  const { onomondo } = seeds;
  const { month } = calendar(onomondo.today.toISOString().slice(0, 10));
  const sims = onomondo.sims.slice(0, 100);
  const ids = new Set(sims.map((sim) => sim.id));
  const all = monthUsage(onomondo, month);
  const mine = all.filter((record) => ids.has(record.sim_id));
  const perSim = Math.max(...sims.map((sim) => mine.filter((record) => record.sim_id === sim.id).length));
  if (perSim > 100) throw new Error(`a SIM has ${perSim} records in ${month}: raise usage(first:) in sims100`);
  const bulkPages = pages(all.length, LIMITS.onomondoPage);
  const usageCalls = Math.min(sims.length, bulkPages);
  const withoutUsage = sims.filter((sim) => !mine.some((record) => record.sim_id === sim.id)).length;
  return {
    name: 'sims100',
    title: `first 100 SIMs with this month's (${month}) usage records and their tags`,
    steps: 1,
    request: () => ({ query: SIMS100, variables: { month } }),
    digest: (_step, data) => {
      const nodes = (data as { sims: Nodes<SimAnswer> }).sims.nodes;
      const usage = nodes.flatMap((sim) => sim.usage?.nodes ?? []);
      return {
        sims: nodes.length,
        bytesThisPeriod: sum(nodes.map((sim) => sim.bytesThisPeriod ?? 0)),
        tags: sum(nodes.map((sim) => sim.tags.length)),
        usageRecords: usage.length,
        usageBytes: sum(usage.map((record) => record.bytes)),
      };
    },
    expected: {
      sims: sims.length,
      bytesThisPeriod: sum(sims.map((sim) => sim.usage)),
      tags: sum(sims.map((sim) => sim.tags.length)),
      usageRecords: mine.length,
      usageBytes: sum(mine.map((record) => record.bytes)),
    },
    minCalls: minCalls({ onomondo: 1 + usageCalls }, [
      `Onomondo ${1 + usageCalls}: 1 × GET /sims?limit=100 (tags embedded) + the usage: ` +
        `min(${sims.length} × GET /usage/{sim_id}?filter[]=time:${month} (one per SIM; ${withoutUsage} of them have none, but only a call says so), ` +
        `⌈${all.length} records of all ${onomondo.sims.length} SIMs in ${month} / ${LIMITS.onomondoPage}⌉ = ${bulkPages} × GET /usage?filter[]=time:${month}&limit=${LIMITS.onomondoPage}&offset=…) = ${usageCalls}. ` +
        `/usage takes one sim_id filter at most, so the ${mine.length} records of these SIMs cannot be asked for alone.`,
    ]),
  };
}

const STATEMENTS = /* GraphQL */ `
  query Statements {
    usageStatements(first: 16) {
      totalCount
      nodes {
        id
        year
        month
        plan
        userMonths
        startDate
        endDate
        billableUsers(first: 300) {
          totalCount
          nodes {
            id
            name
            primaryEmail
            organizationName
          }
        }
      }
    }
  }
`;

function statements(seeds: Seeds): Operation {
  const { fourme } = seeds;
  const most = Math.max(...fourme.statements.slice(0, STATEMENTS_COUNT).map((statement) => statement.billable_user_ids.length));
  if (most > 300) throw new Error(`a statement bills ${most} people: raise billableUsers(first:)`);
  const minimum = statementsMinimum(fourme, STATEMENTS_COUNT);
  return {
    name: 'statements',
    title: `${STATEMENTS_COUNT} latest usage statements with all their billable users (up to ${most} each)`,
    steps: 1,
    request: () => ({ query: STATEMENTS }),
    digest: (_step, data) => statementDigest((data as { usageStatements: Nodes<StatementAnswer> }).usageStatements.nodes),
    expected: expectedStatementDigest(fourme, STATEMENTS_COUNT),
    minCalls: minCalls({ fourme: minimum.calls }, [minimum.text + '.']),
  };
}

const PAGE = /* GraphQL */ `
  query UsagePage($first: Int, $after: String, $last: Int, $before: String) {
    simUsage(first: $first, after: $after, last: $last, before: $before) {
      nodes {
        billId
        time
        bytes
        iccid
        country
      }
      pageInfo {
        startCursor
        endCursor
        hasNextPage
        hasPreviousPage
      }
    }
  }
`;

/** Forward pages: records 0–999 in 10 pages of 100; then back to the start from the last page: 9 pages. */
export const PAGING = { pageSize: 100, forward: 10, backward: 9 } as const;

/** First record offset of each paging step. */
export function pagingOffset(step: number): number {
  return step < PAGING.forward ? step * PAGING.pageSize : (PAGING.forward - 1 - (step - PAGING.forward + 1)) * PAGING.pageSize;
}

function paging(seeds: Seeds): Operation {
  const { onomondo } = seeds;
  const steps = PAGING.forward + PAGING.backward;
  const size = PAGING.pageSize;
  return {
    name: 'paging',
    title: `SIM usage records 0–999 walked forwards in ${PAGING.forward} pages of ${size}, then backwards to the start (${PAGING.backward} pages): ${steps} requests`,
    steps,
    request: (step, previous) => {
      const info = (previous as UsagePageAnswer | undefined)?.simUsage?.pageInfo;
      if (step === 0) return { query: PAGE, variables: { first: size } };
      if (!info) throw new Error(`paging step ${step}: the previous page has no pageInfo`);
      return step < PAGING.forward
        ? { query: PAGE, variables: { first: size, after: info.endCursor } }
        : { query: PAGE, variables: { last: size, before: info.startCursor } };
    },
    digest: (step, data) => {
      const page = (data as UsagePageAnswer).simUsage;
      const offset = pagingOffset(step);
      const wrong = (page?.nodes ?? []).filter((record, i) => record.billId !== onomondo.usage[offset + i]?.bill_id).length;
      return { records: page?.nodes.length ?? 0, misplacedRecords: wrong };
    },
    expected: { records: steps * size, misplacedRecords: 0 },
    minCalls: minCalls({ onomondo: steps }, [
      `Onomondo ${steps}: one GET /usage?limit=${size}&offset=… per page request (${steps} GraphQL requests, each a separate operation with nothing cached between them; ` +
        `Onomondo's offset reaches any position in one call and has_more answers hasNextPage, so a page never needs a second call). ` +
        `A client that wanted all 1,000 records at once would need 1 call (limit=${LIMITS.onomondoPage}); the walk's answer is ${steps} separate pages.`,
    ]),
  };
}

const NODES = /* GraphQL */ `
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Organization {
        name
        country
      }
      ... on Account {
        name
        sandbox
        region
      }
      ... on Sim {
        iccid
        label
        online
      }
      ... on Tag {
        name
        color
      }
      ... on UsageStatement {
        year
        month
        plan
        userMonths
      }
      ... on Person {
        name
        primaryEmail
      }
    }
  }
`;

function nodes(seeds: Seeds): Operation {
  const { signicat, onomondo, fourme } = seeds;
  const ids = nodeIds(seeds);
  const count = (typename: string) => ids.filter((id) => id.typename === typename).length;
  const organizations = ids
    .filter((id) => id.typename === 'Organization')
    .map((id) => signicat.organizationById.get(String(id.id)) as SignicatOrganization);
  const topLevel = organizations.filter((organization) => organization.parentId === null).length;
  const parents = new Set(organizations.flatMap((organization) => (organization.parentId === null ? [] : [organization.parentId])));
  const organizationCalls = (topLevel > 0 ? 1 : 0) + parents.size;
  const accountCalls = Math.min(count('Account'), pages(signicat.accounts.length, LIMITS.signicatListPage));
  const simCalls = Math.min(count('Sim'), pages(onomondo.sims.length, LIMITS.onomondoPage));
  const tagCalls = pages(onomondo.tags.length, LIMITS.onomondoPage);
  const statementCalls = pages(count('UsageStatement'), LIMITS.fourmePage);
  const personCalls = pages(count('Person'), LIMITS.fourmePage);
  const types = ['Organization', 'Account', 'Sim', 'Tag', 'UsageStatement', 'Person'];
  return {
    name: 'nodes',
    title: `nodes(ids:) with ${ids.length} ids: ${types.map((type) => `${count(type)} ${type}`).join(', ')}`,
    steps: 1,
    request: () => ({ query: NODES, variables: { ids: ids.map((id) => globalId(id.typename, id.id)) } }),
    digest: (_step, data) => {
      const answer = (data as { nodes: ({ __typename: string } | null)[] }).nodes;
      return {
        nodes: answer.filter((node) => node !== null).length,
        ...Object.fromEntries(types.map((type) => [type, answer.filter((node) => node?.__typename === type).length])),
      };
    },
    expected: { nodes: ids.length, ...Object.fromEntries(types.map((type) => [type, count(type)])) },
    minCalls: minCalls(
      { signicat: organizationCalls + accountCalls, onomondo: simCalls + tagCalls, fourme: statementCalls + personCalls },
      [
        `Signicat ${organizationCalls + accountCalls}: organisations ${organizationCalls} = 1 × GET /organizations (all ${topLevel} top-level ones asked for) ` +
          `+ ${parents.size} for the ${organizations.length - topLevel} children, which sit under ${parents.size} different parents (a GET /organizations/{id} each; no bulk read by id); ` +
          `accounts ${accountCalls} = min(${count('Account')} × GET /accounts/{id}, ⌈${signicat.accounts.length} accounts/${LIMITS.signicatListPage}⌉ × GET /accounts?limit=${LIMITS.signicatListPage}).`,
        `Onomondo ${simCalls + tagCalls}: SIMs ${simCalls} = min(${count('Sim')} × GET /sims/{id}, ⌈${onomondo.sims.length} SIMs/${LIMITS.onomondoPage}⌉ × GET /sims?limit=${LIMITS.onomondoPage}); ` +
          `tags ${tagCalls} = ⌈${onomondo.tags.length} tags/${LIMITS.onomondoPage}⌉ × GET /tags/search/tags (there is no single-tag read).`,
        `4me ${statementCalls + personCalls}: ${statementCalls} × GET /account/usage_statements?id=… (${count('UsageStatement')} ids ≤ ${LIMITS.fourmePage}) ` +
          `+ ${personCalls} × GET /people?id=… (${count('Person')} ids ≤ ${LIMITS.fourmePage}).`,
      ],
    ),
  };
}
