import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exampleOperation } from '../src/schema/example-operation.js';
import { TEST_TODAY } from './support/gateway.js';
import { cleanEnvironment, freePort, spawnNpm, type NpmProcess } from './support/process.js';

interface Dashboard {
  organizations: {
    nodes: {
      name: string;
      country: string;
      accounts: { nodes: { name: string; identityUsage: { nodes: { count: number }[] } | null }[] } | null;
    }[];
  } | null;
  sims: { nodes: { iccid: string; bytesThisPeriod: number; usage: { nodes: { bytes: number }[] } | null }[] } | null;
  usageStatements: {
    totalCount: number;
    nodes: { plan: string; userMonths: number; billableUsers: { totalCount: number; nodes: unknown[] } | null }[];
  } | null;
}

describe('npm start', () => {
  let server: NpmProcess;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    server = spawnNpm(
      ['start'],
      cleanEnvironment({ PORT: String(port), HOST: '127.0.0.1', SIMULATOR_TODAY: TEST_TODAY, LOG_LEVEL: 'warn' }),
    );
    const [, printed] = await server.waitFor(/GraphiQL at (http:\/\/\S+)/, 25_000);
    url = printed!;
    expect(url).toBe(`http://127.0.0.1:${port}/graphql`);
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('says the upstreams are simulated', async () => {
    // A second console.log: it may arrive in a later chunk than the URL line.
    const [, sources] = await server.waitFor(/simulated upstreams \(demo data\): (.*)\n/, 5000);
    expect(sources).toBe('signicat, onomondo, fourme');
  });

  it('warns on stderr that anyone who reaches the port reads the demo data', async () => {
    // stderr may arrive after the stdout line the start-up waited for.
    await vi.waitFor(() => {
      const lines = server
        .stderr()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: string; msg: string });
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/^no client authentication/) }));
    });
  });

  it('answers /health', async () => {
    const response = await fetch(new URL('/health', url));
    expect(response.status).toBe(200);
  });

  it('answers the example operation with data from all three sources', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: exampleOperation }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Dashboard; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    const { organizations, sims, usageStatements } = body.data;

    // Signicat: organisations, accounts, monthly identity usage.
    expect(organizations?.nodes.length).toBeGreaterThan(0);
    const accounts = organizations!.nodes.flatMap((organization) => organization.accounts?.nodes ?? []);
    expect(accounts.length).toBeGreaterThan(0);
    expect(accounts.flatMap((account) => account.identityUsage?.nodes ?? []).some((record) => record.count > 0)).toBe(true);

    // Onomondo: SIMs and their sessions.
    expect(sims?.nodes).toHaveLength(5);
    expect(sims!.nodes.every((sim) => /^\d+$/.test(sim.iccid) && sim.bytesThisPeriod >= 0)).toBe(true);
    expect(sims!.nodes.some((sim) => (sim.usage?.nodes.length ?? 0) > 0)).toBe(true);

    // 4me: statements and their billable people.
    expect(usageStatements?.totalCount).toBeGreaterThan(0);
    expect(usageStatements?.nodes).toHaveLength(3);
    for (const statement of usageStatements!.nodes) expect(statement.billableUsers?.totalCount).toBe(statement.userMonths);
  });

  it('serves GraphiQL with the example operation to a browser', async () => {
    const response = await fetch(url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<title>usage-graph</title>');
    expect(html).toContain(JSON.stringify(exampleOperation));
    // Assets are bundled: GraphiQL must not depend on a CDN.
    expect(html).not.toMatch(/unpkg\.com|jsdelivr\.net/);
  });

  it('stops on SIGTERM', async () => {
    await server.stop();
    await expect(fetch(new URL('/health', url))).rejects.toThrow();
  });
});
