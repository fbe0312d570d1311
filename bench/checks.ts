/**
 * What the safety checks cost each request, measured in-process on the real modules: client authentication
 * (a gateway with `AUTH_JWT_SECRET` against one without, answering `{ __typename }`), the cost planner on each
 * benchmark operation's document and variables, and the per-client budget's check and per-call charge.
 */
import { parse } from 'graphql';
import { SignJWT } from 'jose';
import { ClientBudget } from '../src/budgets/client.js';
import { loadConfig } from '../src/config.js';
import { startGateway, type Gateway } from '../src/gateway.js';
import { planDocument } from '../src/limits/operation-cost.js';
import { schema } from '../src/schema/index.js';
import { now } from './measure.js';
import type { Operation, OperationName } from './operations.js';

export interface CheckCosts {
  /** Extra server time per request for verifying an HS256 bearer token, in µs (mean of the difference). */
  authenticationUs: number;
  /** Planning one request's document (before execution), in µs, and the plan's estimate against the default limit. */
  planning: Partial<Record<OperationName, { us: number; estimatedCalls: number; estimatedObjects: number }>>;
  /** The client budget's admission check plus one call's charge (in-process log), in µs. */
  clientBudgetUs: number;
  defaultCallLimit: number;
}

const SECRET = 'usage-graph-bench-checks-secret-0123456789';

export async function measureChecks(operations: readonly Operation[], iterations: number): Promise<CheckCosts> {
  const base = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', MAX_CLIENT_UPSTREAM_CALLS_PER_MINUTE: '0' };
  const defaults = loadConfig(base);
  const anonymous = await startGateway(defaults);
  const authenticated = await startGateway(loadConfig({ ...base, AUTH_JWT_SECRET: SECRET }));
  try {
    const token = await new SignJWT({ scope: 'usage:read usage:all' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const typename = (gateway: Gateway, authorization?: string) => async () => {
      const response = await gateway.app.fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: '{"query":"{ __typename }"}',
      });
      if (response.status !== 200) throw new Error(`{ __typename } answered HTTP ${response.status}`);
      await response.text();
    };
    // Interleaved rounds, so that warm-up and drift weigh on both sides alike.
    let withAuth = 0;
    let without = 0;
    for (let round = 0; round < 4; round += 1) {
      without += await meanUs(iterations / 4, typename(anonymous));
      withAuth += await meanUs(iterations / 4, typename(authenticated, `Bearer ${token}`));
    }

    const planning: CheckCosts['planning'] = {};
    for (const operation of operations) {
      const request = operation.request(0, undefined);
      const document = parse(request.query);
      const plan = () => planDocument(schema, document, undefined, request.variables, defaults.costs.defaultPageSize);
      const estimate = plan();
      if (!estimate) throw new Error(`${operation.name}: no plan`);
      planning[operation.name] = {
        us: await meanUs(iterations, plan),
        estimatedCalls: estimate.calls,
        estimatedObjects: estimate.objects,
      };
    }

    const budget = new ClientBudget(Number.MAX_SAFE_INTEGER);
    let client = 0;
    const clientBudgetUs = await meanUs(iterations, async () => {
      // A fresh client each time: the cost of one admission and one charge, not of a long log.
      const name = `client-${(client += 1)}`;
      await budget.wait(name);
      await budget.allowance(name).take();
    });

    return {
      authenticationUs: (withAuth - without) / 4,
      planning,
      clientBudgetUs,
      defaultCallLimit: defaults.costs.maxUpstreamCalls,
    };
  } finally {
    await Promise.all([anonymous.close(), authenticated.close()]);
  }
}

async function meanUs(iterations: number, run: () => unknown): Promise<number> {
  const count = Math.max(1, Math.round(iterations));
  await run();
  const started = now();
  for (let i = 0; i < count; i += 1) await run();
  return ((now() - started) * 1000) / count;
}
