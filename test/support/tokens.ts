import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** The HS256 secret test gateways check tokens with (AUTH_JWT_SECRET). */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789';
export const TEST_ISSUER = 'https://id.usage-graph.test/';
export const TEST_AUDIENCE = 'usage-graph';

export interface TokenOptions {
  claims?: JWTPayload;
  /** @default 'usage:read usage:all' */
  scope?: string | null;
  subject?: string | null;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an expired token; null for none. @default 3600 */
  expiresIn?: number | null;
  key?: CryptoKey | Uint8Array;
  alg?: string;
  kid?: string;
}

/** A JWT signed the way an identity provider would (HS256 with {@link TEST_SECRET} unless told otherwise). */
export async function mintToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: options.issuer ?? TEST_ISSUER,
    aud: options.audience ?? TEST_AUDIENCE,
    iat: now,
    ...(options.subject === null ? {} : { sub: options.subject ?? 'alice' }),
    ...(options.scope === null ? {} : { scope: options.scope ?? 'usage:read usage:all' }),
    ...(options.expiresIn === null ? {} : { exp: now + (options.expiresIn ?? 3600) }),
    ...options.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) })
    .sign(options.key ?? new TextEncoder().encode(TEST_SECRET));
}

/** An unsigned token (`alg: none`), as an attacker would send it. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface JwksServer {
  url: string;
  /** Requests the JWKS endpoint answered. */
  hits: number;
  close(): Promise<void>;
}

/** An identity provider's JWKS endpoint on a free loopback port. */
export async function serveJwks(keys: SigningKey[]): Promise<JwksServer> {
  const state = { hits: 0 };
  const server: Server = createServer((_request, response) => {
    state.hits += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get hits() {
      return state.hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
