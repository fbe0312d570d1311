import { describe, expect, it } from 'vitest';
import { defaultTtlPolicy, ttlFor } from '../../src/cache/ttl.js';

describe('ttlFor', () => {
  const day = 86_400_000;
  const now = Date.parse('2030-06-10T12:00:00Z');
  const open = { freshMs: 60_000, staleMs: day };
  const closed = { freshMs: 30 * day, staleMs: day };

  it('keeps a period that ended more than the settle time ago for the closed TTL', () => {
    expect(ttlFor(defaultTtlPolicy, Date.parse('2030-06-01T00:00:00Z'), now)).toEqual(closed);
    expect(ttlFor(defaultTtlPolicy, now - 3 * day - 1, now)).toEqual(closed);
  });

  it('keeps a period that ended exactly the settle time ago, or less, for the open TTL', () => {
    expect(ttlFor(defaultTtlPolicy, now - 3 * day, now)).toEqual(open);
    expect(ttlFor(defaultTtlPolicy, now - day, now)).toEqual(open);
  });

  it('keeps the current period, a future end and reads without a period for the open TTL', () => {
    expect(ttlFor(defaultTtlPolicy, now + day, now)).toEqual(open);
    expect(ttlFor(defaultTtlPolicy, undefined, now)).toEqual(open);
  });

  it('follows the configured policy', () => {
    const policy = { openTtlMs: 5000, closedTtlMs: 7000, settleMs: day, staleMs: 0 };
    expect(ttlFor(policy, now - day - 1, now)).toEqual({ freshMs: 7000, staleMs: 0 });
    expect(ttlFor(policy, now - day, now)).toEqual({ freshMs: 5000, staleMs: 0 });
  });
});
