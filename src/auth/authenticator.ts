/**
 * Caller authentication: a bearer JWT checked with jose against a remote JWKS (signature, algorithm,
 * issuer, audience, `exp`/`nbf` with a clock tolerance), then its `roles` (and `scp`) mapped to the
 * gateway's permissions. Keys are cached; an unknown `kid` refetches the JWKS at most once per cooldown.
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import type { JwtAuthSettings, Permission } from '../config/security.js';
import type { Logger } from '../observability/logger.js';
import { ANONYMOUS, type Caller } from './caller.js';
import { keysUnavailable, unauthenticated } from './errors.js';
import { describeFailure } from './jwtFailure.js';
import { createVerifiedTokens } from './verifiedTokens.js';

export interface CallerAuthentication {
  /** Resolves the caller of a request from its Authorization header, or throws UNAUTHENTICATED (401). */
  authenticate(authorization: string | undefined): Promise<Caller>;
  /** Closes the JWKS connection pool. */
  close(): Promise<void>;
}

/** A JWT validator with everything resolved: the simulator's JWKS and issuer filled in where configured so. */
export interface ResolvedJwtAuth extends JwtAuthSettings {
  jwksUrl: string;
  issuer: string;
}

/** Compact JWS: three base64url parts. Anything longer than this is not a token we issued. */
const MAX_TOKEN_LENGTH = 8 * 1024;
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

export function noAuthentication(): CallerAuthentication {
  return { authenticate: () => Promise.resolve(ANONYMOUS), close: () => Promise.resolve() };
}

export function jwtAuthentication(settings: ResolvedJwtAuth, logger: Logger): CallerAuthentication {
  const agent = new Agent({
    connect: settings.jwksCaCertificate ? { ca: settings.jwksCaCertificate } : {},
    connections: 2,
  });
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl), {
    timeoutDuration: 5_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    // undici with the configured CA (the simulator's, or a corporate one); never follows redirects.
    [customFetch]: (url, init) =>
      undiciFetch(url, {
        method: init.method,
        headers: Object.fromEntries(init.headers.entries()),
        signal: init.signal,
        redirect: 'error',
        dispatcher: agent,
      }) as unknown as Promise<Response>,
  });
  const grants = Object.entries(settings.permissions) as Array<[Permission, { role: string; scope: string }]>;
  // A client sends the same token on every request until it expires: verify it once (verifiedTokens.ts).
  const verified = createVerifiedTokens();

  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === '') {
        throw unauthenticated('Authentication required: send Authorization: Bearer <token>.', false);
      }
      const match = authorization.length <= MAX_TOKEN_LENGTH ? BEARER.exec(authorization.trim()) : null;
      if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer" and a compact JWT.', true);
      const token = match[1];
      const known = verified.get(token);
      if (known !== undefined) return known;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, {
          algorithms: [...settings.algorithms],
          issuer: settings.issuer,
          audience: settings.audience,
          clockTolerance: settings.clockSkewSeconds,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        const reason = describeFailure(error);
        if (reason === undefined) {
          logger.error({ err: error, component: 'auth' }, 'token validation could not run: the JWKS is unavailable');
          throw keysUnavailable();
        }
        logger.debug({ component: 'auth', reason }, 'token refused');
        throw unauthenticated(`The token is not valid: ${reason}.`, true);
      }
      const roles = stringList(payload['roles']);
      const scopes = settings.acceptScopes && typeof payload['scp'] === 'string' ? payload['scp'].split(' ').filter(Boolean) : [];
      const permissions = new Set<Permission>();
      for (const [permission, grant] of grants) {
        if (roles.includes(grant.role) || scopes.includes(grant.scope)) permissions.add(permission);
      }
      const appId =
        typeof payload['azp'] === 'string' ? payload['azp'] : typeof payload['appid'] === 'string' ? payload['appid'] : undefined;
      const caller: Caller = Object.freeze({
        kind: 'token',
        subject: payload.sub ?? '',
        ...(appId !== undefined ? { appId } : {}),
        permissions,
      });
      // `exp` is required above; the caller is kept until then, and not a moment past it.
      if (typeof payload.exp === 'number') verified.set(token, caller, payload.exp * 1000);
      return caller;
    },
    close: () => agent.close(),
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
