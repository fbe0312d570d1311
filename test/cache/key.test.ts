import { describe, expect, it } from 'vitest';
import { cacheKey, credentialId } from '../../src/cache/key.js';

describe('cacheKey', () => {
  const request = { path: '/usage', query: { limit: 100, filter: ['time:2030-05', 'country_code:dk'] } };

  it('gives the same key for the same material in any member order', () => {
    const reordered = { query: { filter: ['time:2030-05', 'country_code:dk'], limit: 100 }, path: '/usage' };
    expect(cacheKey('onomondo', { credential: 'c1', request })).toBe(cacheKey('onomondo', { request: reordered, credential: 'c1' }));
  });

  it('treats an undefined member as absent', () => {
    expect(cacheKey('ns', { a: 1, b: undefined })).toBe(cacheKey('ns', { a: 1 }));
  });

  it('tells apart what differs: values, list order, types, namespace', () => {
    const keys = [
      cacheKey('ns', { a: 1 }),
      cacheKey('ns', { a: '1' }),
      cacheKey('ns', { a: [1, 2] }),
      cacheKey('ns', { a: [2, 1] }),
      cacheKey('ns', { a: null }),
      cacheKey('other', { a: 1 }),
      cacheKey('ns', ['a', 1]),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never lets two credentials share a key, and never holds the secret', () => {
    const first = cacheKey('onomondo', { credential: credentialId('ono-key-one'), request });
    const second = cacheKey('onomondo', { credential: credentialId('ono-key-two'), request });
    expect(first).not.toBe(second);
    for (const key of [first, second]) {
      expect(key).toMatch(/^onomondo:[\w-]{43}$/);
      expect(key).not.toContain('ono-key');
    }
  });

  it('names a credential by a fixed-length digest', () => {
    expect(credentialId('secret-one')).toMatch(/^[\w-]{22}$/);
    expect(credentialId('secret-one')).toBe(credentialId('secret-one'));
    expect(credentialId('secret-one')).not.toBe(credentialId('secret-two'));
  });
});
