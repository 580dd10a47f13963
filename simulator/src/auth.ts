/**
 * Bearer token validation for Graph routes: the signature must be ours, the issuer one of our origins'
 * `/{tenant}/v2.0`, the audience Graph (URI or app id) or the simulator origin, and the token unexpired.
 * Failures are Graph's 401 `InvalidAuthenticationToken`.
 */
import { errors, jwtVerify } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { invalidAuthenticationToken } from './graphErrors.js';
import { TOKEN_ALGORITHM } from './identity/signingKey.js';
import type { SimApp } from './types.js';

export interface TokenVerifierOptions {
  publicKey: CryptoKey;
  issuers: readonly string[];
  audiences: readonly string[];
}

export type TokenVerifier = (authorization: string | undefined) => Promise<SimApp>;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      throw invalidAuthenticationToken('Access token is empty.');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) {
      throw invalidAuthenticationToken('Access token is empty.');
    }
    const token = match[1];
    if (token.split('.').length !== 3) {
      throw invalidAuthenticationToken('CompactToken parsing failed with error code: 80049217');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, options.publicKey, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: [...options.issuers],
        audience: [...options.audiences],
        requiredClaims: ['exp', 'tid'],
      }));
    } catch (err) {
      throw invalidAuthenticationToken(describeFailure(err));
    }
    const appId = typeof payload.appid === 'string' ? payload.appid : typeof payload.azp === 'string' ? payload.azp : undefined;
    if (appId === undefined || payload.idtyp !== 'app') {
      throw invalidAuthenticationToken('Access token validation failure. This API accepts application tokens only.');
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    return { appId, tenantId: String(payload.tid), roles };
  };
}

function describeFailure(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'Access token validation failure. Invalid audience.';
    if (err.claim === 'iss') return 'Access token validation failure. Invalid issuer.';
    if (err.claim === 'nbf') return 'Access token has expired or is not yet valid.';
    return `Access token validation failure. Invalid claim '${err.claim}'.`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'Access token validation failure. Invalid signature.';
  return 'CompactToken parsing failed with error code: 80049217';
}
