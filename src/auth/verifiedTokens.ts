/**
 * Callers whose token was verified, kept until the token's own `exp` so a client sending the same token on every
 * request pays one signature check (an RS256 verification and the claim checks) per token, not per request.
 *
 * Bounded: at most `capacity` tokens; past it the least recently used is forgotten (and verified again if seen).
 * Never past `exp`: an entry is dropped at the token's expiry, without the clock tolerance jose allows, so a cached
 * caller never outlives what a fresh verification at that moment could accept. Only successes are kept: a refused
 * token is checked again each time (its reason may be a JWKS that was briefly unreachable). A key removed from the
 * JWKS stops new tokens at once; tokens it signed that were already seen stay accepted until their `exp`, as with
 * any verifier that caches keys.
 */
import type { Caller } from './caller.js';

export const VERIFIED_TOKEN_CAPACITY = 2_000;

export interface VerifiedTokens {
  /** The caller a still-valid token was verified as, or undefined. */
  get(token: string): Caller | undefined;
  /** Remembers `caller` for `token` until `expiresAtMs` (the token's `exp`); an expiry not in the future is not kept. */
  set(token: string, caller: Caller, expiresAtMs: number): void;
}

export function createVerifiedTokens(capacity = VERIFIED_TOKEN_CAPACITY, now: () => number = Date.now): VerifiedTokens {
  const entries = new Map<string, { caller: Caller; expiresAtMs: number }>();
  return {
    get(token) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      entries.delete(token);
      if (now() >= entry.expiresAtMs) return undefined;
      // Re-inserted last: the Map's first key is then the least recently used.
      entries.set(token, entry);
      return entry.caller;
    },
    set(token, caller, expiresAtMs) {
      if (!(expiresAtMs > now())) return;
      entries.delete(token);
      entries.set(token, { caller, expiresAtMs });
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
  };
}
