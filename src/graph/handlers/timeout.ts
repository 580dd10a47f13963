import { AttemptTimeoutReason, DeadlineReason, type Clock, type Handler } from '../request.js';

/**
 * Bounds each attempt (connect, headers and body) by the attempt timeout, clipped to what remains of
 * the operation deadline, so no attempt can end after the deadline. The attempt's signal also follows the
 * request's own (a caller that left): a listener forwards it for the attempt's life, which costs half or less of
 * what `AbortSignal.any` does per attempt and leaves no weak reference behind for the collector (bench/RESULTS.md,
 * item 24).
 */
export function timeoutHandler(attemptMs: number, clock: Clock): Handler {
  return async (ctx, next) => {
    const remaining = ctx.deadline === undefined ? Infinity : ctx.deadline - clock.now();
    const byDeadline = remaining < attemptMs;
    const ms = Math.max(0, Math.min(attemptMs, remaining));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(byDeadline ? new DeadlineReason() : new AttemptTimeoutReason(attemptMs)), ms);
    const parent = ctx.signal;
    const forward = (): void => controller.abort(parent?.reason);
    if (parent?.aborted) forward();
    else parent?.addEventListener('abort', forward, { once: true });
    ctx.attemptSignal = controller.signal;
    try {
      return await next(ctx);
    } finally {
      clearTimeout(timer);
      parent?.removeEventListener('abort', forward);
      ctx.attemptSignal = undefined;
    }
  };
}
