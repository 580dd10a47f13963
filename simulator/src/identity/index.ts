/**
 * The simulated identity platform's HTTP surface under `/{tenant}/`: OpenID discovery, the JWKS and the
 * token endpoint, answering as Entra ID does (Entra-shaped errors, `Cache-Control: no-store` on tokens).
 */
import type { SimResponse } from '../types.js';
import { jsonWebKeySet, openIdConfiguration } from './discovery.js';
import { EntraError, entraErrorBody } from './entraErrors.js';
import type { SigningKey } from './signingKey.js';
import { issueToken } from './tokenEndpoint.js';
import type { TokenEndpointContext } from './tokenEndpoint.js';

export interface IdentityRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  origin: string;
}

export interface IdentityAnswer {
  route: 'openid-configuration' | 'jwks' | 'token';
  response: SimResponse;
  appId?: string;
}

const ENTRA_JSON = 'application/json; charset=utf-8';

export function isIdentityPath(path: string): boolean {
  return /^\/[^/]+\/(v2\.0\/\.well-known\/openid-configuration|discovery\/(v2\.0\/)?keys|oauth2\/v2\.0\/token)\/?$/i.test(path);
}

export async function handleIdentityRequest(
  req: IdentityRequest,
  ctx: Omit<TokenEndpointContext, 'origin'> & { key: SigningKey },
): Promise<IdentityAnswer> {
  const [, tenant = '', ...rest] = req.path.replace(/\/+$/, '').split('/');
  const tail = rest.join('/').toLowerCase();
  const route = tail.startsWith('oauth2') ? 'token' : tail.startsWith('discovery') ? 'jwks' : 'openid-configuration';
  const correlationId = req.headers['client-request-id'];
  const answer = (status: number, body: unknown, appId?: string): IdentityAnswer => ({
    route,
    response: {
      status,
      headers: {
        'Content-Type': ENTRA_JSON,
        'Cache-Control': route === 'token' ? 'no-store, no-cache' : 'max-age=86400, private',
        ...(correlationId !== undefined ? { 'client-request-id': correlationId } : {}),
      },
      body,
    },
    ...(appId !== undefined ? { appId } : {}),
  });
  try {
    const knownTenant = tenant.toLowerCase() === ctx.tenantId.toLowerCase();
    if (!knownTenant && !(route === 'jwks' && tenant.toLowerCase() === 'common')) {
      throw new EntraError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (route === 'openid-configuration' || route === 'jwks') {
      if (req.method !== 'GET')
        throw new EntraError(400, 'invalid_request', 900561, `The endpoint only accepts GET requests. Received a ${req.method} request.`);
      return answer(200, route === 'jwks' ? jsonWebKeySet([ctx.key.publicJwk]) : openIdConfiguration(req.origin, ctx.tenantId));
    }
    if (req.method !== 'POST') {
      throw new EntraError(
        400,
        'invalid_request',
        900561,
        `The endpoint only accepts POST, OPTIONS requests. Received a ${req.method} request.`,
      );
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType)) {
      throw new EntraError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const issued = await issueToken(new URLSearchParams(req.body.toString('utf8')), { ...ctx, origin: req.origin });
    return answer(200, issued.response, issued.app.clientId);
  } catch (err) {
    if (err instanceof EntraError) return answer(err.status, entraErrorBody(err, req.origin, correlationId));
    throw err;
  }
}
