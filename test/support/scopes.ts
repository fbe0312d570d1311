import { expect } from 'vitest';
import type { OnomondoSeed } from '../../src/sources/onomondo/seed.js';
import type { OnomondoSim, OnomondoTag, OnomondoUsageRecordWire } from '../../src/sources/onomondo/schemas.js';
import type { SignicatSeed } from '../../src/sources/signicat/seed.js';
import type { SignicatAccountWire, SignicatOrganization } from '../../src/sources/signicat/schemas.js';
import type { GraphResponse, TestGateway } from './gateway.js';
import { mintToken, TEST_AUDIENCE, TEST_ISSUER, TEST_SECRET } from './tokens.js';

/** The environment that makes a test gateway take only HS256 tokens minted by {@link mintToken}. */
export const JWT_AUTH = { AUTH_JWT_SECRET: TEST_SECRET, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE };

/** A client of the gateway holding one token: its `scope` claim decides what it sees. */
export interface Caller {
  scope: string;
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphResponse<T>>;
  /** The data of an answer that must carry no errors. */
  data<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** A caller whose token carries `scope` (space separated, as the claim is), POSTing over HTTP with `Authorization: Bearer`. */
export function callerWith(gateway: TestGateway, scope: string, subject = 'tenant'): Caller {
  let token: Promise<string> | undefined;
  const query = async <T>(operation: string, variables?: Record<string, unknown>): Promise<GraphResponse<T>> => {
    token ??= mintToken({ subject, scope });
    const response = await fetch(gateway.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${await token}` },
      body: JSON.stringify({ query: operation, variables }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as GraphResponse<T>;
  };
  return {
    scope,
    query,
    async data<T>(operation: string, variables?: Record<string, unknown>) {
      const answer = await query<T>(operation, variables);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toBeTruthy();
      return answer.data as T;
    },
  };
}

/*
 * What a scoped caller should see, worked out from the seeds alone (never by asking the gateway): the organisation
 * tree walked down from the scoped organisations, the SIMs filtered by their tags.
 */

/** The scoped organisations that exist and every organisation below them, in the seed's order. */
export function organizationsSeenBy(seed: SignicatSeed, scoped: readonly string[]): SignicatOrganization[] {
  const seen = new Set<string>();
  const below = (id: string): void => {
    if (seen.has(id) || !seed.organizationById.has(id)) return;
    seen.add(id);
    (seed.childOrganizations.get(id) ?? []).forEach((child) => below(child.id));
  };
  scoped.forEach(below);
  return seed.organizations.filter((organization) => seen.has(organization.id));
}

/** The organisations seen whose parent is not seen: the caller's top-level organisations, by id. */
export function topOrganizationsSeenBy(seed: SignicatSeed, scoped: readonly string[]): SignicatOrganization[] {
  const seen = organizationsSeenBy(seed, scoped);
  const ids = new Set(seen.map((organization) => organization.id));
  return seen
    .filter((organization) => organization.parentId === null || !ids.has(organization.parentId))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The accounts of the organisations seen, in the seed's (the vendor's) order. */
export function accountsSeenBy(seed: SignicatSeed, scoped: readonly string[]): SignicatAccountWire[] {
  const ids = new Set(organizationsSeenBy(seed, scoped).map((organization) => organization.id));
  return seed.accounts.filter((account) => account.organization !== null && ids.has(account.organization.id));
}

/** The SIMs carrying at least one scoped tag, in the seed's order. */
export function simsSeenBy(seed: OnomondoSeed, tagIds: readonly string[]): OnomondoSim[] {
  return seed.sims.filter((sim) => sim.tags.some((tag) => tagIds.includes(tag.id)));
}

export function tagsSeenBy(seed: OnomondoSeed, tagIds: readonly string[]): OnomondoTag[] {
  return seed.tags.filter((tag) => tagIds.includes(tag.id));
}

/** The fleet's usage records of the SIMs seen, in wire order. */
export function usageSeenBy(seed: OnomondoSeed, tagIds: readonly string[]): OnomondoUsageRecordWire[] {
  const sims = new Set(simsSeenBy(seed, tagIds).map((sim) => sim.id));
  return seed.usage.filter((record) => sims.has(record.sim_id));
}

/** A tag's usage total, summed from the seed's records of the SIMs carrying it. */
export function tagTotalOf(seed: OnomondoSeed, tagId: string): { bytes: number; simCount: number } {
  const sims = simsSeenBy(seed, [tagId]);
  const ids = new Set(sims.map((sim) => sim.id));
  const bytes = seed.usage.reduce((sum, record) => (ids.has(record.sim_id) ? sum + record.bytes : sum), 0);
  return { bytes, simCount: sims.length };
}
