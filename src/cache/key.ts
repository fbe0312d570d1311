import { createHash } from 'node:crypto';

/** What a cache key is built from: JSON-like data, so that equal requests give equal keys. */
export type KeyMaterial = string | number | boolean | null | readonly KeyMaterial[] | { readonly [name: string]: KeyMaterial | undefined };

/**
 * A short fixed-length key: `<namespace>:<sha256 of the material, base64url>`. The material is serialised with
 * sorted object keys (so `{a, b}` and `{b, a}` agree) and `undefined` members dropped. Only a digest is kept,
 * so a credential in the material never appears in the key, and two credentials never share one.
 */
export function cacheKey(namespace: string, material: KeyMaterial): string {
  return `${namespace}:${sha256(stableJson(material))}`;
}

/** Names a credential in keys and logs without revealing it: the first 128 bits of its SHA-256, base64url. */
export function credentialId(secret: string): string {
  return sha256(secret).slice(0, 22);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function stableJson(material: KeyMaterial): string {
  if (material === null || typeof material !== 'object') return JSON.stringify(material);
  if (isList(material)) return `[${material.map(stableJson).join(',')}]`;
  const members = Object.keys(material)
    .sort()
    .flatMap((name) => {
      const value = material[name];
      return value === undefined ? [] : [`${JSON.stringify(name)}:${stableJson(value)}`];
    });
  return `{${members.join(',')}}`;
}

// `Array.isArray` does not narrow readonly arrays out of a union.
const isList = (material: object): material is readonly KeyMaterial[] => Array.isArray(material);
