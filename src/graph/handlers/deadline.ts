import { GraphTransportError } from '../errors.js';
import type { Clock, Handler } from '../pipeline.js';

/**
 * Refuses to start a request whose operation deadline has already passed. The timeout stage clips each
 * attempt to the deadline and the retry stage never waits past it; this stage is where a per-operation
 * budget (retry budget, concurrency slot, circuit breaker) can later hook in.
 */
export function deadlineHandler(clock: Clock): Handler {
  return (ctx, next) => {
    if (ctx.signal?.aborted) return Promise.reject(ctx.signal.reason as Error);
    if (ctx.deadline !== undefined && clock.now() >= ctx.deadline) {
      return Promise.reject(new GraphTransportError('deadline', ctx.clientRequestId, ctx.method, ctx.path, { requestSent: false }));
    }
    return next(ctx);
  };
}
