import { AttemptTimeoutReason, DeadlineReason, type Clock, type Handler } from '../request.js';

/**
 * Bounds each attempt (connect, headers and body) by the attempt timeout, clipped to what remains of
 * the operation deadline, so no attempt can end after the deadline.
 */
export function timeoutHandler(attemptMs: number, clock: Clock): Handler {
  return async (ctx, next) => {
    const remaining = ctx.deadline === undefined ? Infinity : ctx.deadline - clock.now();
    const byDeadline = remaining < attemptMs;
    const ms = Math.max(0, Math.min(attemptMs, remaining));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(byDeadline ? new DeadlineReason() : new AttemptTimeoutReason(attemptMs)), ms);
    ctx.attemptSignal = ctx.signal ? AbortSignal.any([ctx.signal, controller.signal]) : controller.signal;
    try {
      return await next(ctx);
    } finally {
      clearTimeout(timer);
      ctx.attemptSignal = undefined;
    }
  };
}
