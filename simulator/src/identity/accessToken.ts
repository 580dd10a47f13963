/** Minting app-only access tokens shaped like Entra ID's (RS256, `kid`, `roles`, `idtyp: app`). */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AppRegistration } from '../options.js';
import { TOKEN_ALGORITHM } from './signingKey.js';
import type { SigningKey } from './signingKey.js';

/** How the client proved its identity: 1 = client secret, 2 = certificate (the `appidacr` claim). */
export type ClientAuthMethod = 'secret' | 'certificate';

export interface MintRequest {
  app: AppRegistration;
  tenantId: string;
  /** `${origin}/${tenantId}/v2.0`. */
  issuer: string;
  /** The resource the token is for (`aud`), e.g. `https://graph.microsoft.com`. */
  audience: string;
  lifetimeSeconds: number;
  method: ClientAuthMethod;
  /** Overrides the roles the app holds on the audience (tests of authorization). */
  roles?: readonly string[];
  /** Delegated scopes (`scp`), space-separated, as a user token would carry them. */
  scp?: string;
}

/** The roles an app holds on an audience: its `apiRoles` on an `api://` API, else its Graph permissions. */
export function rolesFor(app: AppRegistration, audience: string): readonly string[] {
  return app.apiRoles?.[audience] ?? (audience.startsWith('api://') ? [] : app.roles);
}

export async function mintAccessToken(key: SigningKey, req: MintRequest): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const oid = servicePrincipalId(req.app.clientId, req.tenantId);
  const acr = req.method === 'secret' ? '1' : '2';
  return new SignJWT({
    app_displayname: req.app.name,
    appid: req.app.clientId,
    appidacr: acr,
    azp: req.app.clientId,
    azpacr: acr,
    idp: req.issuer,
    idtyp: 'app',
    oid,
    roles: [...(req.roles ?? rolesFor(req.app, req.audience))],
    ...(req.scp !== undefined ? { scp: req.scp } : {}),
    tid: req.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  })
    .setProtectedHeader({ typ: 'JWT', alg: TOKEN_ALGORITHM, kid: key.kid })
    .setIssuer(req.issuer)
    .setAudience(req.audience)
    .setSubject(oid)
    .setIssuedAt(now)
    .setNotBefore(now - 300)
    .setExpirationTime(now + req.lifetimeSeconds)
    .sign(key.privateKey);
}

/** A stable object id for the app's service principal in the tenant (the token's `oid` and `sub`). */
export function servicePrincipalId(clientId: string, tenantId: string): string {
  const hex = createHash('sha256').update(`${tenantId}/${clientId.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
