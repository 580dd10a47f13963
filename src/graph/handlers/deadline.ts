import { GraphTransportError } from '../errors.js';
import type { Clock, Handler } from '../request.js';

/**
 * Refuses to start a request whose operation deadline has already passed. The timeout handler clips each
 * attempt to the deadline and the retry handler never waits past it; this handler is where a per-operation
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
