import { GraphOutcomeUnknownError, GraphTransportError, graphErrorFrom } from '../errors.js';
import type { GraphLogger } from '../config.js';
import type { Clock, GraphClientStats, GraphContext, Handler, RawResponse } from '../pipeline.js';
import { backoffDelay, parseRetryAfter } from '../retryAfter.js';

export interface RetryOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

const RETRYABLE = new Set([429, 503, 504]);

/**
 * Retries what is safe to retry, within the attempt limit and the operation deadline:
 * - idempotent requests: 429, 503, 504, timeouts and dropped connections;
 * - non-idempotent requests (a call create): 429 only, because then Graph has certainly not acted.
 *   A timeout, a dropped connection or a 5xx becomes GraphOutcomeUnknownError, never a second attempt.
 * - any request whose connection could not even be opened (nothing was sent, so nothing is unknown).
 * Waits honour Retry-After (seconds with decimals, or an HTTP date), else exponential backoff with
 * full jitter. A wait that would end after the deadline, or a Retry-After above `maxDelayMs`, is not
 * taken: the last answer is returned at once (its GraphError carries retryAfterMs). Nor is a retry the
 * shared retry budget refuses (`ctx.retryPermit`): the last answer or error stands.
 */
export function retryHandler(opts: RetryOptions, clock: Clock, stats: GraphClientStats, logger: GraphLogger): Handler {
  const fits = (ctx: GraphContext, wait: number): boolean =>
    ctx.deadline === undefined || clock.now() + wait < ctx.deadline;

  // Asked last, so the shared budget pays only for retries that would otherwise be taken.
  const permitted = (ctx: GraphContext): boolean => {
    if (ctx.retryPermit === undefined || ctx.retryPermit()) return true;
    stats.retriesDenied += 1;
    return false;
  };

  const waitThenLog = async (ctx: GraphContext, wait: number, why: string): Promise<void> => {
    stats.retries += 1;
    logger.debug(
      { method: ctx.method, path: ctx.path, clientRequestId: ctx.clientRequestId, attempt: ctx.attempt, waitMs: wait, why },
      'graph retry',
    );
    await clock.sleep(wait, ctx.signal);
  };

  return async (ctx, next) => {
    for (let attempt = 1; ; attempt += 1) {
      ctx.attempt = attempt;
      let res: RawResponse;
      try {
        res = await next(ctx);
      } catch (err) {
        if (!(err instanceof GraphTransportError)) throw err;
        if (err.requestSent && !ctx.idempotent) {
          stats.outcomeUnknown += 1;
          throw new GraphOutcomeUnknownError(err.kind === 'connect' ? 'network' : err.kind, ctx.clientRequestId, ctx.method, ctx.path, undefined, { cause: err });
        }
        const wait = backoffDelay(attempt, opts.baseDelayMs, opts.maxDelayMs, clock.random);
        if (err.kind === 'deadline' || attempt >= ctx.maxAttempts || !fits(ctx, wait) || !permitted(ctx)) throw err;
        ctx.freshConnection = err.kind === 'network';
        await waitThenLog(ctx, wait, err.kind);
        continue;
      }

      if (!ctx.idempotent && res.status >= 500) {
        stats.outcomeUnknown += 1;
        const graphError = graphErrorFrom({
          status: res.status,
          headers: res.headers,
          body: res.bodyText,
          clientRequestId: ctx.clientRequestId,
          method: ctx.method,
          path: ctx.path,
          retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), clock.now()),
        });
        throw new GraphOutcomeUnknownError('status', ctx.clientRequestId, ctx.method, ctx.path, graphError);
      }
      if (!RETRYABLE.has(res.status) || (!ctx.idempotent && res.status !== 429) || attempt >= ctx.maxAttempts) {
        return res;
      }
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      if (retryAfter !== undefined && retryAfter > opts.maxDelayMs) return res;
      const wait = retryAfter ?? backoffDelay(attempt, opts.baseDelayMs, opts.maxDelayMs, clock.random);
      if (!fits(ctx, wait) || !permitted(ctx)) return res;
      // Graph's best-practices page: retry a 503 on a new connection.
      ctx.freshConnection = res.status === 503;
      await waitThenLog(ctx, wait, `HTTP ${res.status}`);
    }
  };
}
