import type { AnswerCache, AnswerKey, CachedAnswer, LoadedAnswer, RawAnswer } from '../upstream/read-through.js';
import { systemClock, type Clock } from '../upstream/clock.js';
import { cacheKey } from './key.js';
import type { ReadCache } from './read-cache.js';
import { ttlFor, type TtlPolicy } from './ttl.js';

/** Response headers worth keeping with an answer: paging links and totals; never cookies or the vendor's rate count. */
const DROPPED_HEADERS = /^(set-cookie|date|connection|keep-alive|transfer-encoding|content-length|x-ratelimit-.*|retry-after)$/;

/**
 * Vendor answers in the {@link ReadCache}, keyed by vendor, credential and exact request, kept as long as the period
 * they cover allows: a settled period for `CACHE_CLOSED_TTL_S`, anything still open for `CACHE_TTL_S`.
 */
export class VendorAnswerCache implements AnswerCache {
  constructor(
    private readonly cache: ReadCache,
    private readonly policy: TtlPolicy,
    private readonly clock: Clock = systemClock,
  ) {}

  async read(key: AnswerKey, load: () => Promise<LoadedAnswer>, serveStale: (error: unknown) => boolean): Promise<CachedAnswer> {
    const result = await this.cache.read(cacheKey(`answer:${key.source}`, { ...key }), {
      ttl: ttlFor(this.policy, undefined, this.clock.now()),
      load: async () => {
        const { answer, periodEnd } = await load();
        const kept: RawAnswer = { ...answer, headers: keptHeaders(answer.headers) };
        return { value: answer, serialized: JSON.stringify(kept), ttl: ttlFor(this.policy, periodEnd, this.clock.now()) };
      },
      decode: (serialized) => JSON.parse(serialized) as RawAnswer,
      serveStale,
    });
    return { answer: result.value, status: result.status, ageMs: result.ageMs };
  }
}

function keptHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !DROPPED_HEADERS.test(name)));
}
