import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/server.js';
import { seedFourme } from '../../src/sources/fourme/seed.js';
import { seedOnomondo } from '../../src/sources/onomondo/seed.js';
import { sourceDefinitions, sourceNames } from '../../src/sources/registry.js';
import { seedSignicat } from '../../src/sources/signicat/seed.js';
import {
  PAGE_INFO,
  SIM_FIELDS,
  STATEMENT_FIELDS,
  TAG_FIELDS,
  USAGE_RECORD_FIELDS,
  backwardNodes,
  dataOf,
  expectedPerson,
  expectedSim,
  expectedStatement,
  expectedTag,
  expectedUsageRecord,
  forwardNodes,
  globalId,
  walkBackward,
  walkForward,
  type Page,
} from '../support/graph-data.js';
import { ACCOUNT_FIELDS, accountAsGraph, expectedOrganizationUsage, organizationAsGraph, withoutId } from '../support/graph-identity.js';
import { TEST_TODAY, startTestGateway, type TestGateway } from '../support/gateway.js';

/**
 * The graph pointed, by environment variables alone, at servers answering like the real vendors (upper-case SIM
 * country codes, default 4me people fields, Link-cursor paging that ignores page=, empty Signicat dates, every usage
 * state, no `previous` on a first page), in each wire variant the vendors are seen with.
 */
const signicat = seedSignicat(TEST_TODAY);
const onomondo = seedOnomondo(TEST_TODAY);
const fourme = seedFourme(TEST_TODAY);

type Json = Record<string, unknown>;

const variants = [
  { name: 'cursor /sims and Signicat next links', onomondo: { simsEnvelope: 'cursor' }, signicat: { nextLink: 'present' } },
  { name: 'offset /sims and no Signicat next links', onomondo: { simsEnvelope: 'offset' }, signicat: { nextLink: 'absent' } },
];

describe.each(variants)('the graph on real-vendor wire: $name', (variant) => {
  let gateway: TestGateway;
  let simulators: Simulator[];

  beforeAll(async () => {
    simulators = sourceNames.map((name) => sourceDefinitions[name].createSimulator({ today: TEST_TODAY, latencyMs: 0 }));
    simulators[0]?.configure({ variants: variant.signicat });
    simulators[1]?.configure({ variants: variant.onomondo });
    const urls = await Promise.all(simulators.map((simulator) => simulator.start()));
    const environment = Object.assign(
      {},
      ...sourceNames.map((name, index) => sourceDefinitions[name].simulatedEnvironment(urls[index] ?? '')),
    ) as Record<string, string>;
    gateway = await startTestGateway(environment);
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all(simulators.map((simulator) => simulator.stop()));
  });

  async function data<T = Json>(query: string, variables?: Json): Promise<T> {
    return dataOf(await gateway.query<T>(query, variables));
  }

  it('starts no simulator of its own', () => {
    expect(gateway.gateway.connected.simulators).toEqual([]);
  });

  it('lists every organisation and every account, empty vendor dates as null', async () => {
    const result = await data<{ organizations: { nodes: Json[] }; accounts: { nodes: Json[] } }>(
      `{ organizations(first: 100) { nodes { id externalId name entityId country parent { externalId } } }
         accounts(first: 100) { nodes { ${ACCOUNT_FIELDS} } } }`,
    );
    const topLevel = signicat.childOrganizations.get(null) ?? [];
    expect(result.organizations.nodes.map((node) => withoutId(node as { id: string }))).toEqual(topLevel.map(organizationAsGraph));
    expect(result.accounts.nodes.map((node) => withoutId(node as { id: string }))).toEqual(signicat.accounts.map(accountAsGraph));
    expect(result.accounts.nodes.filter((node) => node.createdAt === null).length).toBeGreaterThan(2);
  });

  it('reads identity usage in every state the vendor reports, with its raw state beside it', async () => {
    const organization = (signicat.childOrganizations.get(null) ?? [])[1]!;
    const expected = expectedOrganizationUsage(signicat, organization.id, { period: 'monthly', includeChildOrganizations: true });
    const pages = await walkForward((after) =>
      data<{ organization: { identityUsage: Page<Json> } }>(
        `query ($id: ID!, $after: String) { organization(id: $id) {
           identityUsage(period: MONTHLY, includeChildOrganizations: true, first: 100, after: $after) {
             nodes { product usageType unitOfMeasure count state vendorState invoiced period { start end } externalReference
                     organization { externalId } organizationExternalId account { externalId } accountExternalId }
             ${PAGE_INFO} } } }`,
        { id: globalId('Organization', organization.id), after },
      ).then((result) => result.organization.identityUsage),
    );
    const records = forwardNodes(pages);
    expect(records).toEqual(expected);
    expect(new Set(records.map((record) => record.state))).toEqual(new Set(['COMPLETED', 'STARTED', 'LOADED', 'USER_ABORTED', 'FAILED']));
  });

  it('lists every SIM with its upper-case network country, and every tag, colourless ones included', async () => {
    const pages = await walkForward((after) =>
      data<{ sims: Page<Json> }>(`query ($after: String) { sims(first: 100, after: $after) { nodes { ${SIM_FIELDS} } ${PAGE_INFO} } }`, {
        after,
      }).then((result) => result.sims),
    );
    expect(forwardNodes(pages)).toEqual(onomondo.sims.map(expectedSim));
    expect(onomondo.sims.some((sim) => sim.network.country_code === 'NO')).toBe(true);

    const tags = await data<{ tags: { nodes: Json[] } }>(`{ tags(first: 100) { nodes { ${TAG_FIELDS} } } }`);
    expect(tags.tags.nodes).toEqual(onomondo.tags.map(expectedTag));
    expect(tags.tags.nodes.some((tag) => tag.color === null)).toBe(true);
  });

  it('reads a SIM’s usage, its lower-case wire country exposed upper case', async () => {
    const sim = onomondo.sims.find((candidate) => (onomondo.usageBySim.get(candidate.id)?.length ?? 0) > 100)!;
    const result = await data<{ sim: { usage: Page<Json> } }>(
      `query ($id: ID!) { sim(id: $id) { usage(last: 50) { nodes { ${USAGE_RECORD_FIELDS} } ${PAGE_INFO} } } }`,
      { id: globalId('Sim', sim.id) },
    );
    expect(result.sim.usage.nodes).toEqual((onomondo.usageBySim.get(sim.id) ?? []).slice(-50).map(expectedUsageRecord));
  });

  it('walks the statements forwards and backwards past the first page without repeats', async () => {
    const page = (variables: Json) =>
      data<{ usageStatements: Page<Json> }>(
        `query ($first: Int, $after: String, $last: Int, $before: String) {
           usageStatements(first: $first, after: $after, last: $last, before: $before) { totalCount nodes { ${STATEMENT_FIELDS} } ${PAGE_INFO} } }`,
        variables,
      ).then((result) => result.usageStatements);
    const expected = fourme.statements.map(expectedStatement);

    const forward = await walkForward((after) => page({ first: 7, after }));
    expect(forward).toHaveLength(6);
    expect(forwardNodes(forward)).toEqual(expected);
    const backward = await walkBackward((before) => page({ last: 7, before }));
    expect(backwardNodes(backward)).toEqual(expected);
    expect(forward.map((each) => each.totalCount)).toEqual(forward.map(() => 36));
  });

  it('names every billable person with name and e-mail, a person no longer in the account as null', async () => {
    const statement = fourme.statements.find((candidate) =>
      candidate.billable_user_ids.some((id) => fourme.removedPersonIds.includes(id)),
    )!;
    const result = await data<{ usageStatement: { billableUserExternalIds: number[]; billableUsers: { nodes: (Json | null)[] } } }>(
      `query ($id: ID!) { usageStatement(id: $id) { billableUserExternalIds billableUsers(first: 100) {
         nodes { id externalId name primaryEmail organizationName site { externalId name } disabled createdAt updatedAt } } } }`,
      { id: globalId('UsageStatement', statement.id) },
    );
    expect(result.usageStatement.billableUserExternalIds).toEqual(statement.billable_user_ids);
    expect(result.usageStatement.billableUsers.nodes).toEqual(
      statement.billable_user_ids.slice(0, 100).map((id) => {
        const person = fourme.peopleById.get(id);
        return person ? expectedPerson(person) : null;
      }),
    );
  });

  it('answers node and nodes for an id of every type', async () => {
    const person = fourme.people[3]!;
    const ids = [
      globalId('Organization', signicat.organizations[4]!.id),
      globalId('Account', signicat.accounts[2]!.id),
      globalId('Sim', onomondo.sims[7]!.id),
      globalId('Tag', onomondo.tags[3]!.id),
      globalId('UsageStatement', fourme.statements[2]!.id),
      globalId('Person', person.id),
    ];
    const query = `query ($ids: [ID!]!, $id: ID!) {
      nodes(ids: $ids) { __typename id }
      node(id: $id) { __typename ... on Person { name primaryEmail } }
    }`;
    const result = await data<{ nodes: { __typename: string; id: string }[]; node: Json }>(query, { ids, id: ids[5] });
    expect(result.nodes).toEqual(
      ['Organization', 'Account', 'Sim', 'Tag', 'UsageStatement', 'Person'].map((typename, index) => ({
        __typename: typename,
        id: ids[index],
      })),
    );
    expect(result.node).toEqual({ __typename: 'Person', name: person.name, primaryEmail: person.primary_email });
  });
});
