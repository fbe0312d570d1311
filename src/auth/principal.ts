/** The verified caller of a request. */
export interface Principal {
  /** The token's `sub`; `anonymous` for the demo's anonymous caller. */
  subject: string;
  /** The token's `scope` claim, split on spaces (`usage:read usage:all`). */
  scopes: ReadonlySet<string>;
  anonymous: boolean;
}

/** Without client authentication (the demo, or `AUTH_MODE=anonymous`) every caller reads everything. */
export const ANONYMOUS: Principal = { subject: 'anonymous', scopes: new Set(['usage:read', 'usage:all']), anonymous: true };

/** The principal a verified token names, or why the token cannot name one (said to the client). */
export function principalFromClaims(claims: unknown): Principal | string {
  if (typeof claims !== 'object' || claims === null) return 'The token has no claims.';
  const { sub, scope, exp } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') return 'The token has no subject (`sub`).';
  // A token without expiry would stay valid forever once leaked.
  if (typeof exp !== 'number') return 'The token has no expiry (`exp`).';
  if (scope !== undefined && typeof scope !== 'string') return 'The token’s `scope` claim is not a space-separated string.';
  return { subject: sub, scopes: new Set((scope ?? '').split(' ').filter(Boolean)), anonymous: false };
}
