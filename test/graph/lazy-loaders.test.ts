import { afterEach, describe, expect, it, vi } from 'vitest';
import { sourceDefinitions, sourceNames } from '../../src/sources/registry.js';
import { dataOf } from '../support/graph-data.js';
import { useTestGateway } from '../support/gateway.js';

const gw = useTestGateway();

describe('per-request loaders', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are built for the vendors an operation reads, and only for them', async () => {
    const built = sourceNames.map((name) => [name, vi.spyOn(sourceDefinitions[name], 'createLoaders')] as const);

    dataOf(await gw.query('{ sims(first: 1) { nodes { iccid } } }'));
    dataOf(await gw.query('{ __typename }'));

    expect(Object.fromEntries(built.map(([name, spy]) => [name, spy.mock.calls.length]))).toEqual({ signicat: 0, onomondo: 1, fourme: 0 });
  });

  it('are built once per request however many fields read the vendor', async () => {
    const built = vi.spyOn(sourceDefinitions.fourme, 'createLoaders');

    dataOf(await gw.query('{ a: usageStatements(first: 1) { nodes { year } } b: usageStatements(last: 1) { nodes { month } } }'));

    expect(built).toHaveBeenCalledTimes(1);
  });
});
