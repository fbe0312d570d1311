import { describe, expect, it } from 'vitest';
import { SeededRandom, addDays, anchorDay, isoDate } from '../../src/simulator/random.js';

const draw = (seed: number, count: number) => {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => random.next());
};

describe('SeededRandom', () => {
  it('the same seed gives the same sequence', () => {
    expect(draw(42, 50)).toEqual(draw(42, 50));
  });

  it('different seeds give different sequences', () => {
    expect(draw(1, 10)).not.toEqual(draw(2, 10));
  });

  it('next() stays in [0, 1)', () => {
    for (const value of draw(7, 5000)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('int(min, max) stays in range, both ends included, and reaches both ends', () => {
    const random = new SeededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const value = random.int(-2, 3);
      expect(Number.isInteger(value)).toBe(true);
      seen.add(value);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
  });

  it('chance(0) is never and chance(1) always', () => {
    const random = new SeededRandom(5);
    for (let i = 0; i < 100; i++) {
      expect(random.chance(0)).toBe(false);
      expect(random.chance(1)).toBe(true);
    }
  });

  it('pick() returns a member and throws on an empty list', () => {
    const random = new SeededRandom(9);
    for (let i = 0; i < 100; i++) expect(['a', 'b', 'c']).toContain(random.pick(['a', 'b', 'c']));
    expect(() => random.pick([])).toThrow(/empty/);
  });

  it('sample() draws distinct items, at most as many as there are', () => {
    const random = new SeededRandom(11);
    const drawn = random.sample([1, 2, 3, 4, 5, 6], 4);
    expect(drawn).toHaveLength(4);
    expect(new Set(drawn).size).toBe(4);
    expect(random.sample([1, 2], 5).sort()).toEqual([1, 2]);
  });

  it('string() and digits() use only their alphabet, at the asked length', () => {
    const random = new SeededRandom(13);
    expect(random.string(20)).toMatch(/^[a-z0-9]{20}$/);
    expect(random.string(8, 'xy')).toMatch(/^[xy]{8}$/);
    expect(random.digits(9)).toMatch(/^\d{9}$/);
  });

  it('uuid() is version-4 shaped', () => {
    const random = new SeededRandom(17);
    for (let i = 0; i < 50; i++) {
      expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});

describe('date helpers', () => {
  it('anchorDay pins a given day at midnight UTC', () => {
    expect(anchorDay('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('anchorDay rejects an invalid day', () => {
    expect(() => anchorDay('2024-13-45')).toThrow(/invalid simulator date/);
  });

  it('addDays moves across month and year ends', () => {
    expect(isoDate(addDays(new Date('2024-12-31T15:00:00Z'), 1))).toBe('2025-01-01');
    expect(isoDate(addDays(new Date('2024-03-01T00:00:00Z'), -1))).toBe('2024-02-29');
  });
});
