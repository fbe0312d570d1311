/**
 * What the core consults around a vendor call, implemented elsewhere (the read cache in `src/cache`, the vendor
 * budgets in `src/budgets`): the core knows their shape, not how they work.
 */

/** A vendor's answer as it came over the wire: what the cache stores, and parses again on each hit. */
export interface RawAnswer {
  status: number;
  /** Lower-cased response headers. */
  headers: Record<string, string>;
  body: string;
}

/** What makes two reads the same read: the vendor, whose credential, and the exact request. */
export interface AnswerKey {
  source: string;
  /** Names the credential (a digest, never the secret): one credential never reads another's answers. */
  identity: string;
  /** Origin, path and query string. */
  url: string;
  /** Headers that scope the answer (an organisation or account header); never the credentials. */
  headers: Record<string, string>;
}

/** A fresh load: the answer, and the end of the period it covers (epoch ms, exclusive; `undefined`: still open). */
export interface LoadedAnswer {
  answer: RawAnswer;
  periodEnd: number | undefined;
}

export type CacheStatus = 'hit' | 'miss' | 'stale';

export interface CachedAnswer {
  answer: RawAnswer;
  status: CacheStatus;
  /** How long ago the answer was loaded (0 for a miss). */
  ageMs: number;
}

/** Reads through a cache: a fresh entry, else one shared `load`, else (when `serveStale` allows) an expired entry. */
export interface AnswerCache {
  read(key: AnswerKey, load: () => Promise<LoadedAnswer>, serveStale: (error: unknown) => boolean): Promise<CachedAnswer>;
}

/** A vendor's call budget for one credential: asked before every attempt, told what the vendor reports after. */
export interface CallBudget {
  /** Grants a call now or after a short wait, or refuses it with how long until one would fit. */
  acquire(signal: AbortSignal): Promise<{ granted: true } | { granted: false; retryAfterMs: number }>;
  /** The answer's headers, for the vendor's own count (`x-ratelimit-remaining`, `x-ratelimit-reset`). */
  observe(headers: Record<string, string>): void;
}

/** A record served from an expired cache entry because its vendor could not answer. */
export interface StaleMark {
  source: string;
  ageMs: number;
}

const staleMarks = new WeakMap<object, StaleMark>();

/**
 * Marks a stale answer's data and the records it lists, so whoever shows them can say so: the data object, its
 * arrays, and the objects in those arrays.
 */
export function markStale(data: unknown, mark: StaleMark): void {
  if (typeof data !== 'object' || data === null) return;
  staleMarks.set(data, mark);
  for (const value of Array.isArray(data) ? [data] : Object.values(data)) {
    if (!Array.isArray(value)) continue;
    staleMarks.set(value, mark);
    for (const item of value) if (typeof item === 'object' && item !== null) staleMarks.set(item, mark);
  }
}

export function staleMarkOf(value: unknown): StaleMark | undefined {
  return typeof value === 'object' && value !== null ? staleMarks.get(value) : undefined;
}
