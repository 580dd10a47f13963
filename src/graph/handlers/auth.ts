import type { TokenProvider } from '../auth/msal.js';
import { GraphTransportError } from '../errors.js';
import { raceSignal } from '../clock.js';
import type { Clock, HandlerContext, Handler } from '../request.js';

/**
 * Attaches the app-only bearer token, only to requests bound for the configured Graph origin. On a 401
 * it gets one fresh token (bypassing MSAL's cache) and sends once more; a second 401 is returned as is.
 * A 401 means Graph did not act, so the repeat is safe even for a non-idempotent request.
 */
export function authHandler(tokens: TokenProvider, graphOrigin: string, clock: Clock): Handler {
  /** A slow token service must not hold the operation past its deadline; nothing was sent yet. */
  const token = async (ctx: HandlerContext, forceRefresh: boolean): Promise<string> => {
    const pending = raceSignal(tokens.getToken({ forceRefresh }), ctx.signal);
    const deadline = ctx.deadline;
    if (deadline === undefined) return pending;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new GraphTransportError('deadline', ctx.clientRequestId, ctx.method, ctx.path, { requestSent: false })),
        Math.max(0, deadline - clock.now()),
      );
    });
    try {
      return await Promise.race([pending, late]);
    } finally {
      clearTimeout(timer);
    }
  };

  return async (ctx, next) => {
    if (ctx.url.origin !== graphOrigin) {
      ctx.headers.delete('authorization');
      return next(ctx);
    }
    // A token in hand needs no race with the caller's abort or the deadline: it is there now.
    const held = tokens.heldToken?.();
    if (held !== undefined && ctx.signal?.aborted) throw ctx.signal.reason as Error;
    ctx.headers.set('authorization', `Bearer ${held ?? (await token(ctx, false))}`);
    const res = await next(ctx);
    if (res.status !== 401) return res;
    ctx.headers.set('authorization', `Bearer ${await token(ctx, true)}`);
    return next(ctx);
  };
}
