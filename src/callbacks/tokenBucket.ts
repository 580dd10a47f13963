/** A token bucket: `burst` requests at once, refilled at `perSecond`; one per process, shared by every caller. */
export interface TokenBucket {
  /** Takes one token; when none is left, says how many seconds until one is (for `Retry-After`). */
  take(): { ok: true } | { ok: false; retryAfterSeconds: number };
}

export function createTokenBucket(perSecond: number, burst: number, now: () => number = Date.now): TokenBucket {
  if (!(perSecond > 0) || !(burst >= 1))
    throw new Error(`a token bucket needs perSecond > 0 and burst >= 1, got ${perSecond} and ${burst}`);
  let tokens = burst;
  let last = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(burst, tokens + ((at - last) / 1000) * perSecond);
      last = at;
      if (tokens >= 1) {
        tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    },
  };
}
