const SECOND = 1000;
const DAY = 86_400 * SECOND;

/** How long reads stay fresh, from what the domain knows: a settled period never changes. */
export interface TtlPolicy {
  /** Freshness of reads over open periods, and of entity lists. `CACHE_TTL_S`. @default 60 s */
  openTtlMs: number;
  /** Freshness of reads over closed periods. `CACHE_CLOSED_TTL_S`. @default 30 days */
  closedTtlMs: number;
  /** How long a period's figures may still change after it ends: later, it is closed. `CACHE_SETTLE_DAYS`. @default 3 days */
  settleMs: number;
  /** How long past freshness an entry may stand in for a failed load. `CACHE_STALE_S`. @default 24 h */
  staleMs: number;
}

export const defaultTtlPolicy: TtlPolicy = { openTtlMs: 60 * SECOND, closedTtlMs: 30 * DAY, settleMs: 3 * DAY, staleMs: DAY };

/** Lifetime of one cache entry: fresh for `freshMs`, then servable on failures for `staleMs` more. */
export interface CacheTtl {
  freshMs: number;
  staleMs: number;
}

/**
 * The TTL of one read. `periodEnd` is the instant (epoch ms) the period the read covers ends, exclusive: for
 * usage through 31 May, 1 June 00:00 UTC. Leave it `undefined` for entity lists and open-ended reads. A period
 * that ended more than the settle time before `now` is closed.
 */
export function ttlFor(policy: TtlPolicy, periodEnd: number | undefined, now: number): CacheTtl {
  const closed = periodEnd !== undefined && now - periodEnd > policy.settleMs;
  return { freshMs: closed ? policy.closedTtlMs : policy.openTtlMs, staleMs: policy.staleMs };
}
