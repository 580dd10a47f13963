/**
 * How the simulator signs callbacks, as Graph does: with its own RSA key (not the Entra token key), published
 * as a Bot Framework style OpenID configuration; each POST carries `Authorization: Bearer <JWT>` with
 * `iss: https://api.botframework.com`, `aud` the app's client id and `tid` the tenant (CALLS-LIVE.md 1.5).
 */
import { SignJWT } from 'jose';
import { lazySigningKey, TOKEN_ALGORITHM } from '../identity/signingKey.js';
import type { SigningKey } from '../identity/signingKey.js';

export const CALLBACK_ISSUER = 'https://api.botframework.com';
export const CALLBACK_OPENID_PATH = '/botframework/v1/.well-known/OpenIdConfiguration';
export const CALLBACK_JWKS_PATH = '/botframework/v1/.well-known/keys';
/** Lifetime of a callback token. */
export const CALLBACK_TOKEN_LIFETIME_SECONDS = 3600;

/** The process's callback signing key, separate from the token key, made on first use. */
export const sharedCallbackSigningKey = lazySigningKey();

export function callbackOpenIdConfiguration(origin: string): Record<string, unknown> {
  return {
    issuer: CALLBACK_ISSUER,
    jwks_uri: `${origin}${CALLBACK_JWKS_PATH}`,
    id_token_signing_alg_values_supported: [TOKEN_ALGORITHM],
  };
}

export function isCallbackKeyPath(path: string): boolean {
  const p = path.replace(/\/+$/, '').toLowerCase();
  return p === CALLBACK_OPENID_PATH.toLowerCase() || p === CALLBACK_JWKS_PATH.toLowerCase();
}

/** The bearer token of one callback POST. */
export function signCallbackToken(key: SigningKey, audience: string, tenantId: string, nowMs = Date.now()): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  return new SignJWT({ tid: tenantId })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(CALLBACK_ISSUER)
    .setAudience(audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + CALLBACK_TOKEN_LIFETIME_SECONDS)
    .sign(key.privateKey);
}
