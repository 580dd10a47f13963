import type { TokenProvider } from '../auth/msal.js';
import { raceSignal, type Handler } from '../pipeline.js';

/**
 * Attaches the app-only bearer token, only to requests bound for the configured Graph origin. On a 401
 * it gets one fresh token (bypassing MSAL's cache) and sends once more; a second 401 is returned as is.
 * A 401 means Graph did not act, so the repeat is safe even for a non-idempotent request.
 */
export function authHandler(tokens: TokenProvider, graphOrigin: string): Handler {
  return async (ctx, next) => {
    if (ctx.url.origin !== graphOrigin) {
      ctx.headers.delete('authorization');
      return next(ctx);
    }
    const token = await raceSignal(tokens.getToken({ forceRefresh: false }), ctx.signal);
    ctx.headers.set('authorization', `Bearer ${token}`);
    const res = await next(ctx);
    if (res.status !== 401) return res;
    const fresh = await raceSignal(tokens.getToken({ forceRefresh: true }), ctx.signal);
    ctx.headers.set('authorization', `Bearer ${fresh}`);
    return next(ctx);
  };
}
