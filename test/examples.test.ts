import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import codegenConfig from '../codegen.js';
import {
  fetchOrganizationUsage,
  fetchSims,
  fetchUsageStatements,
  formatDashboard,
  loadDashboard,
  type AccountUsage,
} from '../examples/dashboard.js';
import { startTestGateway, TEST_TODAY, type TestGateway } from './support/gateway.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const generatedDir = join(root, 'examples/generated');

describe('examples/generated', () => {
  it('is what `npm run codegen` produces from schema.graphql and the examples', async () => {
    const outputs = (await generate({ ...codegenConfig, cwd: root, silent: true }, false)) as { filename: string; content: string }[];
    const expected = new Map(outputs.map((output) => [basename(output.filename), output.content]));
    const committed = new Map(readdirSync(generatedDir).map((name) => [name, readFileSync(join(generatedDir, name), 'utf8')]));
    const stale = [...new Set([...expected.keys(), ...committed.keys()])].filter((name) => expected.get(name) !== committed.get(name));
    expect(stale, 'examples/generated is stale: run `npm run codegen` and commit the result').toEqual([]);
  });

  it('compiles with the project’s compiler settings', () => {
    const configPath = join(root, 'tsconfig.json');
    const { config } = ts.readConfigFile(configPath, ts.sys.readFile) as { config: unknown };
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
    const program = ts.createProgram([join(root, 'examples/dashboard.ts')], { ...parsed.options, noEmit: true });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) =>
        ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => root, getNewLine: () => '\n' }),
      );
    expect(messages).toEqual([]);
  });
});

describe('examples/dashboard.ts against the gateway', () => {
  let graph: TestGateway;
  let url: string;

  beforeAll(async () => {
    graph = await startTestGateway();
    url = graph.gateway.url;
  });
  afterAll(() => graph?.close());
  afterEach(() => graph.resetUpstreams());

  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

  it('pages through every organisation, one per request, with their accounts’ monthly identity usage', async () => {
    const from = '2026-09-01';
    const { items, errors } = await fetchOrganizationUsage(url, { pageSize: 1, from });
    expect(errors).toEqual([]);

    const all = await graph.query<{ organizations: { nodes: { id: string }[] } }>('{ organizations(first: 100) { nodes { id } } }');
    expect(items.map((organization) => organization.id)).toEqual(all.data?.organizations.nodes.map((node) => node.id));
    expect(items.length).toBeGreaterThan(1);

    for (const organization of items) {
      expect(organization.name).not.toBe('');
      expect(organization.country).toMatch(/^[A-Z]{2}$/);
      expect(organization.accounts.length).toBeGreaterThan(0);
      for (const account of organization.accounts) {
        expect(account.records.length).toBeGreaterThan(0);
        for (const record of account.records) {
          expect(record.period.start >= from && record.period.start <= TEST_TODAY).toBe(true);
          expect(Number.isInteger(record.count) && record.count >= 0).toBe(true);
          expect(['COMPLETED', 'STARTED', 'LOADED', 'USER_ABORTED', 'FAILED']).toContain(record.state);
        }
        expect(account.monthlyTotals.map((total) => total.month)).toEqual(['2026-09', '2026-10', '2026-11']);
        expect(sum(account.monthlyTotals.map((total) => total.count))).toBe(sum(account.records.map((record) => record.count)));
      }
    }
  });

  it('follows an account’s usage past one page, and its totals match the organisation’s own sum', async () => {
    // From January 2025 some accounts hold more than 100 monthly records: the example asks for the next page by cursor.
    const { items, errors } = await fetchOrganizationUsage(url, { pageSize: 2, from: '2025-01-01' });
    expect(errors).toEqual([]);
    const accounts = items.flatMap((organization) => organization.accounts);
    const long = accounts.find((account) => account.records.length > 100);
    expect(long, 'an account with more than one page of usage').toBeDefined();
    const keys = (account: AccountUsage) => account.records.map((record) => `${record.product}|${record.state}|${record.period.start}`);
    expect(new Set(keys(long!)).size).toBe(long!.records.length);

    for (const organization of items) {
      const yearly = await graph.query<{ organization: { identityUsage: { nodes: { count: number }[] } } }>(
        `query ($id: ID!) {
          organization(id: $id) {
            identityUsage(period: YEARLY, level: ORGANIZATION, from: "2025-01-01", to: "2025-12-31", first: 100) { nodes { count } }
          }
        }`,
        { id: organization.id },
      );
      const organizationTotal = sum(yearly.data!.organization.identityUsage.nodes.map((node) => node.count));
      const accountsTotal = sum(
        organization.accounts.flatMap((account) =>
          account.monthlyTotals.filter((total) => total.month.startsWith('2025-')).map((total) => total.count),
        ),
      );
      expect(accountsTotal).toBeGreaterThan(0);
      expect(accountsTotal).toBe(organizationTotal);
    }
  });

  it('pages SIMs by cursor up to the limit, with tags and latest sessions', async () => {
    const { items, errors } = await fetchSims(url, { pageSize: 7, limit: 20, sessions: 2 });
    expect(errors).toEqual([]);
    const oneShot = await graph.query<{ sims: { nodes: { id: string }[] } }>('{ sims(first: 20) { nodes { id } } }');
    expect(items.map((sim) => sim.id)).toEqual(oneShot.data?.sims.nodes.map((node) => node.id));

    for (const sim of items) {
      expect(sim.iccid).toMatch(/^\d{18,22}$/);
      expect(Number.isSafeInteger(sim.bytesThisPeriod) && sim.bytesThisPeriod >= 0).toBe(true);
      for (const tag of sim.tags) expect(tag.color ?? '#000000').toMatch(/^#[0-9a-f]{6}$/i);
      expect(sim.usage?.nodes.length).toBeLessThanOrEqual(2);
      for (const session of sim.usage?.nodes ?? []) {
        expect(Number.isNaN(Date.parse(session.time))).toBe(false);
        expect(['TWO_G', 'THREE_G', 'FOUR_G', 'FIVE_G']).toContain(session.networkType);
      }
    }
    expect(items.some((sim) => sim.tags.length > 0)).toBe(true);
    expect(items.some((sim) => (sim.usage?.nodes.length ?? 0) > 0)).toBe(true);
  });

  it('pages every usage statement, newest first, each counting its billable users', async () => {
    const { items, errors, totalCount } = await fetchUsageStatements(url, { pageSize: 10, people: 4 });
    expect(errors).toEqual([]);
    expect(totalCount).toBeGreaterThan(10);
    expect(items).toHaveLength(totalCount!);
    expect(new Set(items.map((statement) => statement.id)).size).toBe(items.length);

    const months = items.map((statement) => statement.year * 12 + statement.month);
    expect(months).toEqual([...months].sort((a, b) => b - a));
    for (const statement of items) {
      expect(['BASIC', 'PREMIUM', 'PREMIUM_PLUS']).toContain(statement.plan);
      expect(statement.startDate <= statement.endDate).toBe(true);
      expect(statement.billableUsers?.totalCount).toBe(statement.userMonths);
      expect(statement.billableUsers?.nodes.length).toBe(Math.min(4, statement.userMonths));
      // A person the account no longer holds is a null node; everyone else has an e-mail address.
      for (const person of statement.billableUsers?.nodes ?? []) if (person !== null) expect(person.primaryEmail).toContain('@');
    }
  });

  it('keeps the other sources’ data when one fails, and reports the failed field with its code', async () => {
    graph.simulators.onomondo.injectFault({ path: '^/sims', status: 503 });
    const dashboard = await loadDashboard(url, {
      organizations: { from: '2026-11-01' },
      sims: { limit: 5 },
      usageStatements: { limit: 3 },
    });
    expect(dashboard.sims.items).toEqual([]);
    expect(dashboard.sims.errors.map((error) => [error.path, error.extensions?.code, error.extensions?.source])).toEqual([
      [['sims'], 'UPSTREAM_UNAVAILABLE', 'onomondo'],
    ]);
    expect(dashboard.organizations.items.length).toBeGreaterThan(0);
    expect(dashboard.usageStatements.items).toHaveLength(3);
    expect(formatDashboard(dashboard)).toContain('sims: [UPSTREAM_UNAVAILABLE]');
  });

  it('runs as a command and prints all three sources', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/dashboard.ts', url], {
      cwd: root,
      timeout: 15_000,
    });
    const organization = (await fetchOrganizationUsage(url)).items[0]!;
    expect(stdout).toContain(`  ${organization.name} (${organization.country})`);
    expect(stdout).toMatch(/^SIMs \(50 shown, [\d.]+ [kMGT]?B this period\)$/m);
    expect(stdout).toMatch(/^Usage statements \((\d+) of \1\)$/m);
    expect(stdout).not.toContain('Partial data');
  });
});
