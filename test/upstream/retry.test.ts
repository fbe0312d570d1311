import { describe, expect, it } from 'vitest';
import { RETRYABLE_STATUSES, backoffDelay, parseRetryAfter } from '../../src/upstream/retry.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    { value: '0', expected: 0 },
    { value: '2', expected: 2000 },
    { value: ' 120 ', expected: 120_000 },
    { value: '1.5', expected: 1500 },
    { value: 'Tue, 01 Jan 2030 00:00:03 GMT', expected: 3000 },
    { value: new Date(NOW + 60_000).toUTCString(), expected: 60_000 },
    { value: 'Mon, 31 Dec 2029 23:59:00 GMT', expected: 0 },
  ])('reads $value as $expected ms', ({ value, expected }) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([undefined, '', '   ', 'soon', '5 minutes', '-1', '10s', '1e3'])('treats %j as absent', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it.each([
    { attempt: 0, random: 0, expected: 50 },
    { attempt: 0, random: 1, expected: 100 },
    { attempt: 1, random: 0, expected: 100 },
    { attempt: 1, random: 1, expected: 200 },
    { attempt: 2, random: 0.5, expected: 300 },
    { attempt: 3, random: 1, expected: 800 },
  ])('attempt $attempt with random $random waits $expected ms (base 100)', ({ attempt, random, expected }) => {
    expect(backoffDelay(attempt, 100, 10_000, () => random)).toBe(expected);
  });

  it('never exceeds the maximum, however many attempts', () => {
    for (const attempt of [5, 10, 50, 2000]) expect(backoffDelay(attempt, 100, 2000, () => 0.999)).toBeLessThanOrEqual(2000);
  });

  it('never falls below half the step (equal jitter)', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const step = Math.min(2000, 100 * 2 ** attempt);
      expect(backoffDelay(attempt, 100, 2000, () => 0)).toBe(step / 2);
    }
  });
});

describe('RETRYABLE_STATUSES', () => {
  it('holds 429, 502, 503 and 504 and not 500', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([429, 502, 503, 504]);
  });
});
