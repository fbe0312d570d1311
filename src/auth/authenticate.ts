import { generateKeyPairSync } from 'node:crypto';
import {
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  useJWT,
  type ExtractTokenFunction,
  type GetSigningKeyFunction,
} from '@graphql-yoga/plugin-jwt';
import { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { AuthSettings } from '../config.js';
import { setPrincipal } from '../http/request-context.js';
import type { Logger } from '../log.js';
import { ANONYMOUS, principalFromClaims } from './principal.js';

/** Allowed clock difference between the token issuer and this gateway when checking `exp` and `nbf`. */
const CLOCK_TOLERANCE_S = 5;
const CONTEXT_FIELD = 'jwt';
/** The scope every caller needs before any other scope counts. */
const READ_SCOPE = 'usage:read';

/**
 * Client authentication before anything is parsed or executed. With a JWT key every GraphQL request needs
 * `Authorization: Bearer <JWT>`; a missing, malformed, badly signed, `alg: none`, expired, wrong-issuer or
 * wrong-audience token gets HTTP 401 `UNAUTHENTICATED`; a valid one whose scope lacks `usage:read` gets HTTP 403
 * `FORBIDDEN`. Anonymous mode names every caller {@link ANONYMOUS}.
 */
export function useAuthentication(settings: AuthSettings, log: Logger): Plugin {
  if (settings.mode === 'anonymous') {
    return {
      onRequestParse({ request }) {
        setPrincipal(request, ANONYMOUS);
      },
    };
  }
  const jwt = useJWT({
    signingKeyProviders: [
      'secret' in settings.key ? createInlineSigningKeyProvider(settings.key.secret) : jwksKeys(settings.key.jwksUrl, log),
    ],
    tokenLookupLocations: [bearerToken],
    tokenVerification: {
      algorithms: 'secret' in settings.key ? ['HS256'] : ['RS256', 'ES256'],
      clockTolerance: CLOCK_TOLERANCE_S,
      ...(settings.issuer === undefined ? {} : { issuer: settings.issuer }),
      ...(settings.audience === undefined ? {} : { audience: settings.audience }),
    },
    extendContext: CONTEXT_FIELD,
    reject: { missingToken: true, invalidToken: true },
  });
  const verify = jwt.onRequestParse;
  if (!verify) throw new Error('@graphql-yoga/plugin-jwt no longer verifies in onRequestParse');
  return {
    onYogaInit: jwt.onYogaInit,
    async onRequestParse(payload) {
      if (!payload.request.headers.has('authorization'))
        throw unauthenticated('Authentication required: send `Authorization: Bearer <JWT>`.');
      try {
        await verify(payload);
      } catch (error) {
        // The plugin answers 400 or 401 for tokens it cannot use: all the client's, all 401 here. Anything else
        // is the gateway's own trouble (the key set could not be fetched, and was logged).
        if (error instanceof GraphQLError) throw error.extensions['code'] === 'UNAUTHENTICATED' ? error : unauthenticated('Invalid token.');
        throw createGraphQLError('Authentication is not available at the moment; try again later.', {
          extensions: { code: 'AUTH_UNAVAILABLE', http: { status: 503 } },
        });
      }
      const serverContext = payload.serverContext as Record<string, { payload?: unknown } | undefined>;
      const verified = serverContext[CONTEXT_FIELD];
      // The GraphQL context gets the principal, not the raw token the plugin left beside the claims.
      delete serverContext[CONTEXT_FIELD];
      const principal = principalFromClaims(verified?.payload);
      if (typeof principal === 'string') throw unauthenticated(principal);
      if (!principal.scopes.has(READ_SCOPE)) {
        throw createGraphQLError(`The token’s scope lacks \`${READ_SCOPE}\`, which reading any data needs.`, {
          extensions: { code: 'FORBIDDEN', http: { status: 403 } },
        });
      }
      setPrincipal(payload.request, principal);
    },
  };
}

function unauthenticated(message: string): GraphQLError {
  return createGraphQLError(message, {
    extensions: {
      code: 'UNAUTHENTICATED',
      http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="usage-graph"' } },
    },
  });
}

/** `Authorization: Bearer <token>`, the scheme case-insensitive (RFC 9110); anything else is refused. */
const bearerToken: ExtractTokenFunction = ({ request }) => {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const match = /^bearer +([\w-]+\.[\w-]+\.[\w-]*) *$/i.exec(header);
  if (!match?.[1]) throw unauthenticated('The Authorization header is not `Bearer <JWT>`.');
  return { token: match[1], prefix: 'Bearer' };
};

/**
 * Keys from the identity provider's JWKS (cached, refetched at most 10 times a minute). A token naming a key the
 * set does not have is verified against a key nothing signs with, so it fails as an invalid token (401) rather than
 * as an outage; only a key set that cannot be fetched is one (503).
 */
function jwksKeys(jwksUri: string, log: Logger): GetSigningKeyFunction {
  const remote = createRemoteJwksSigningKeyProvider({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10, timeout: 5000 });
  let unmatchable: string | undefined;
  return async (kid) => {
    try {
      return await remote(kid);
    } catch (error) {
      if (!(error instanceof Error) || !['SigningKeyNotFoundError', 'JwksRateLimitError'].includes(error.name)) {
        log.error({ err: error }, 'the JWKS (AUTH_JWKS_URL) could not be read');
        throw error;
      }
      return (unmatchable ??= generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString());
    }
  };
}
