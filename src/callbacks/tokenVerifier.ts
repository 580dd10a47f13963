/**
 * Verifies the bearer token Graph puts on every call notification (CALLS-LIVE.md 1.5), the way Microsoft's
 * sample does: signing keys from an OpenID configuration (its `jwks_uri`), RS256 only, issuer
 * `https://api.botframework.com` or `https://graph.microsoft.com` (trailing slash tolerated), audience the app's
 * client id, a `tid` claim equal to the tenant, `exp`/`nbf` with a small skew.
 *
 * The configuration and its keys are cached and refreshed when older than `refreshIntervalMs` (2 h in the
 * sample). A token whose `kid` no cached key has refetches both at most once per `refetchCooldownMs`, so forged
 * `kid`s cannot make the gateway hammer the key server; failed fetches are bounded by the same cooldown.
 */
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { describeFailure } from '../auth/jwtFailure.js';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Logger } from '../observability/logger.js';

export interface CallbackTokenVerifierOptions {
  /** The OpenID configuration document whose `jwks_uri` lists the signing keys. */
  openIdConfigUrl: string;
  /** The `aud` every token must carry: the gateway's Graph app (client) id. */
  audience: string;
  /** The `tid` every token must carry: the gateway's tenant. Compared case-insensitively. */
  tenantId: string;
  /** Extra CA certificates (PEM) to trust for both fetches (the simulator's CA in development). */
  caCertificate?: string;
  clockSkewSeconds: number;
  /** Keys older than this are refetched before use. */
  refreshIntervalMs: number;
  /** Least time between two fetches forced by an unknown `kid` or by a failed fetch. */
  refetchCooldownMs: number;
  logger: Logger;
  /** Milliseconds clock; a seam for tests. Default Date.now. */
  now?: () => number;
}

export type TokenVerdict =
  | { ok: true; claims: JWTPayload }
  /** `reason` is safe to log and to answer with; it never contains the token. */
  | { ok: false; kind: 'unauthenticated'; reason: string }
  /** The keys could not be fetched: no token can be judged now. */
  | { ok: false; kind: 'unavailable'; reason: string };

export interface CallbackTokenVerifier {
  verify(authorization: string | undefined): Promise<TokenVerdict>;
  close(): Promise<void>;
}

/** Issuers Microsoft's sample accepts, compared without a trailing slash (Azure Government adds one). */
const ACCEPTED_ISSUERS = new Set(['https://api.botframework.com', 'https://graph.microsoft.com']);
const MAX_TOKEN_LENGTH = 16 * 1024;
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const FETCH_TIMEOUT_MS = 5_000;

type KeySet = ReturnType<typeof createLocalJWKSet>;

export function createCallbackTokenVerifier(options: CallbackTokenVerifierOptions): CallbackTokenVerifier {
  const now = options.now ?? Date.now;
  const agent = new Agent({ connect: options.caCertificate ? { ca: options.caCertificate } : {}, connections: 2 });
  let keys: { set: KeySet; fetchedAt: number } | undefined;
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let lastUnknownKidAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;

  async function getJson(url: string, what: string): Promise<unknown> {
    const response = await undiciFetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      dispatcher: agent,
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`${what} answered ${response.status}`);
    return response.json();
  }

  /** One fetch at a time; callers arriving meanwhile wait for the same one. */
  function refresh(cause: string): Promise<void> {
    inFlight ??= (async () => {
      try {
        const config = (await getJson(options.openIdConfigUrl, 'the OpenID configuration')) as { jwks_uri?: unknown };
        const jwksUri = checkedUrl(config?.jwks_uri, options.openIdConfigUrl);
        const jwks = (await getJson(jwksUri, 'the JWKS')) as JSONWebKeySet;
        keys = { set: createLocalJWKSet(jwks), fetchedAt: now() };
        options.logger.info({ cause, keys: jwks.keys.length }, 'callback signing keys fetched');
      } catch (error) {
        lastFailureAt = now();
        options.logger.error({ cause, err: error }, 'callback signing keys could not be fetched');
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  /** After a failed fetch, the next waits out the cooldown: a key server that is down is not asked on every request. */
  const mayRefetch = () => now() - lastFailureAt >= options.refetchCooldownMs;

  async function currentKeys(): Promise<KeySet | undefined> {
    if (keys === undefined) {
      if (inFlight) await inFlight;
      else if (mayRefetch()) await refresh('first use');
    } else if (now() - keys.fetchedAt >= options.refreshIntervalMs && mayRefetch()) {
      // Stale keys still serve if the refresh fails.
      await refresh('refresh interval');
    }
    return keys?.set;
  }

  async function check(token: string, set: KeySet): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, set, {
      algorithms: ['RS256'],
      audience: options.audience,
      clockTolerance: options.clockSkewSeconds,
      requiredClaims: ['exp', 'iss', 'aud', 'tid'],
    });
    return payload;
  }

  return {
    async verify(authorization) {
      if (authorization === undefined || authorization.trim() === '') return refuse('no bearer token');
      const match = authorization.length <= MAX_TOKEN_LENGTH ? BEARER.exec(authorization.trim()) : null;
      if (!match?.[1]) return refuse('the Authorization header is not "Bearer" and a compact JWT');
      const token = match[1];
      let set = await currentKeys();
      if (set === undefined) return { ok: false, kind: 'unavailable', reason: 'the signing keys are unavailable' };
      let payload: JWTPayload;
      try {
        payload = await check(token, set);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || now() - lastUnknownKidAt < options.refetchCooldownMs || !mayRefetch()) {
          return refuse(describeFailure(error) ?? 'it is malformed');
        }
        // Keys may have rotated: one refetch per cooldown, then one more try.
        lastUnknownKidAt = now();
        await refresh('unknown key id');
        set = keys?.set ?? set;
        try {
          payload = await check(token, set);
        } catch (retryError) {
          return refuse(describeFailure(retryError) ?? 'it is malformed');
        }
      }
      const issuer = typeof payload.iss === 'string' ? payload.iss.replace(/\/+$/, '') : '';
      if (!ACCEPTED_ISSUERS.has(issuer)) return refuse('it was issued by another issuer');
      if (typeof payload['tid'] !== 'string' || payload['tid'].toLowerCase() !== options.tenantId.toLowerCase()) {
        return refuse('it was issued for another tenant');
      }
      return { ok: true, claims: payload };
    },
    close: () => agent.close(),
  };
}

function refuse(reason: string): TokenVerdict {
  return { ok: false, kind: 'unauthenticated', reason };
}

/** The `jwks_uri` as an absolute https URL (http only on loopback, where the configuration itself is). */
function checkedUrl(value: unknown, base: string): string {
  if (typeof value !== 'string') throw new Error('the OpenID configuration has no jwks_uri');
  const url = new URL(value, base);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`the OpenID configuration's jwks_uri must be https, got ${url.protocol}`);
  }
  return url.href;
}
