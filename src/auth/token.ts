/**
 * `npm run token -- --sub alice [--scope "usage:read usage:all"] [--expires 1h]`: a development token signed with
 * AUTH_JWT_SECRET (HS256), carrying AUTH_ISSUER and AUTH_AUDIENCE when they are set, printed to stdout.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { loadConfig } from '../config.js';

try {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      scope: { type: 'string', default: 'usage:read usage:all' },
      expires: { type: 'string', default: '1h' },
    },
  });
  if (values.sub === undefined || values.sub === '')
    throw new Error('usage: npm run token -- --sub <subject> [--scope "<scopes>"] [--expires 1h]');
  const { auth } = loadConfig();
  if (auth.mode !== 'jwt' || !('secret' in auth.key)) {
    throw new Error('npm run token signs with AUTH_JWT_SECRET: set it to the secret the gateway checks tokens with.');
  }
  let token = new SignJWT({ scope: values.scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.sub)
    .setIssuedAt()
    .setExpirationTime(values.expires);
  if (auth.issuer !== undefined) token = token.setIssuer(auth.issuer);
  if (auth.audience !== undefined) token = token.setAudience(auth.audience);
  console.log(await token.sign(new TextEncoder().encode(auth.key.secret)));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
