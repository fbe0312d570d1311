import { describe, expect, it } from 'vitest';
import { FaultPlan, breakSchema } from '../../src/simulator/faults.js';

describe('FaultPlan', () => {
  it('matches a path pattern as a regular expression', () => {
    const plan = new FaultPlan();
    plan.add({ path: '^/usage/\\d+$', status: 500 });
    expect(plan.take('GET', '/usage')).toBeUndefined();
    expect(plan.take('GET', '/usage/123')).toMatchObject({ status: 500 });
  });

  it('a counted fault is used up after count takes', () => {
    const plan = new FaultPlan();
    plan.add({ status: 503, count: 2 });
    expect([1, 2, 3].map(() => plan.take('GET', '/x')?.status)).toEqual([503, 503, undefined]);
  });

  it('a method filter skips other methods without using the fault up', () => {
    const plan = new FaultPlan();
    plan.add({ method: 'POST', status: 503, count: 1 });
    expect(plan.take('GET', '/token')).toBeUndefined();
    expect(plan.take('POST', '/token')).toMatchObject({ status: 503 });
    expect(plan.take('POST', '/token')).toBeUndefined();
  });

  it('clear() drops every fault', () => {
    const plan = new FaultPlan();
    plan.add({ status: 500 });
    plan.clear();
    expect(plan.take('GET', '/x')).toBeUndefined();
  });
});

describe('breakSchema', () => {
  it.each([
    {
      name: 'an array of records: first scalar of the first record',
      body: [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ],
      expected: [
        { id: 'not-a-number', name: 'a' },
        { id: 2, name: 'b' },
      ],
    },
    {
      name: 'records in a wrapper: first scalar of the first record',
      body: { previous: null, next: 'x', data: [{ count: 3, state: 'completed' }] },
      expected: { previous: null, next: 'x', data: [{ count: 'not-a-number', state: 'completed' }] },
    },
    {
      name: 'a string becomes a number',
      body: { items: [{ name: 'a', id: 1 }] },
      expected: { items: [{ name: 12345, id: 1 }] },
    },
    {
      name: 'a boolean becomes a string',
      body: { items: [{ online: true }] },
      expected: { items: [{ online: 'not-a-boolean' }] },
    },
    {
      name: 'nulls are skipped',
      body: [{ label: null, bytes: 10 }],
      expected: [{ label: null, bytes: 'not-a-number' }],
    },
    {
      name: 'a nested record: its first scalar',
      body: { account: { organization: { id: 'o-1', name: 'x' } } },
      expected: { account: { organization: { id: 12345, name: 'x' } } },
    },
    {
      name: 'a flat record: its first scalar',
      body: { id: 7, name: 'x' },
      expected: { id: 'not-a-number', name: 'x' },
    },
    {
      name: 'a flat record with an empty list: its first scalar',
      body: { items: [], total: 0 },
      expected: { items: [], total: 'not-a-number' },
    },
  ])('$name', ({ body, expected }) => {
    expect(breakSchema(body)).toEqual(expected);
  });

  it('leaves the input untouched', () => {
    const body = { items: [{ id: 1 }] };
    breakSchema(body);
    expect(body).toEqual({ items: [{ id: 1 }] });
  });

  it('leaves a body without scalars as it was', () => {
    expect(breakSchema({ items: [] })).toEqual({ items: [] });
    expect(breakSchema([])).toEqual([]);
  });
});
