import { GraphOutcomeUnknownError, GraphTransportError, graphErrorFrom } from '../errors.js';
import {
  RETRYABLE_STATUSES,
  type Clock,
  type GraphClientStats,
  type GraphLogger,
  type Handler,
  type HandlerContext,
  type RawResponse,
} from '../request.js';
import { backoffDelay, parseRetryAfter } from '../retryAfter.js';
import { SlidingCounts } from '../slidingWindow.js';
import { tracedWait } from '../../observability/tracing.js';

export interface RetryOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryBudgetOptions {
  /** Retries may add at most this share of first attempts, over the window. */
  percent: number;
  /** Retries always allowed per second of window, so a quiet gateway can still retry. */
  minPerSecond: number;
  /** The sliding window. */
  windowMs: number;
}

/**
 * A retry budget shared by every request of the client (Finagle's and gRPC's idea): over the sliding
 * window, retries may number at most `minPerSecond * window + percent% of first attempts`. During an
 * outage every first attempt fails, so without it three attempts each would triple the load on Graph;
 * with it, load grows by at most `percent`. A request denied a retry ends with its last answer.
 */
export class RetryBudget {
  private readonly counts: SlidingCounts<'requests' | 'retries'>;

  constructor(
    readonly options: RetryBudgetOptions,
    clock: Clock,
  ) {
    this.counts = new SlidingCounts(['requests', 'retries'], options.windowMs, () => clock.now());
  }

  /** Counts first attempts (a request, or the items of a `$batch`): each earns `percent`% of a retry. */
  recordRequest(count = 1): void {
    if (count > 0) this.counts.add('requests', count);
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean {
    const { requests, retries } = this.counts.totals();
    const allowed = (this.options.minPerSecond * this.options.windowMs) / 1000 + (requests * this.options.percent) / 100;
    if (retries + 1 > allowed) return false;
    this.counts.add('retries');
    return true;
  }
}

/**
 * Retries what is safe to retry, within the attempt limit and the operation deadline:
 * - idempotent requests: 429, 503, 504, timeouts and dropped connections;
 * - non-idempotent requests (a call create): 429 only, because then Graph has certainly not acted.
 *   A timeout, a dropped connection or a 5xx becomes GraphOutcomeUnknownError, never a second attempt.
 * - any request whose connection could not even be opened (nothing was sent, so nothing is unknown).
 * Waits honour Retry-After (seconds with decimals, or an HTTP date), else exponential backoff with
 * full jitter. A wait that would end after the deadline, or a Retry-After above `maxDelayMs`, is not
 * taken: the last answer is returned at once (its GraphError carries retryAfterMs). Nor is a retry the
 * shared retry budget refuses: the last answer or error stands. Every request counts as a first attempt
 * in the budget.
 */
export function retryHandler(opts: RetryOptions, budget: RetryBudget, clock: Clock, stats: GraphClientStats, logger: GraphLogger): Handler {
  const fits = (ctx: HandlerContext, wait: number): boolean => ctx.deadline === undefined || clock.now() + wait < ctx.deadline;

  // Asked last, so the shared budget pays only for retries that would otherwise be taken.
  const permitted = (): boolean => {
    if (budget.tryRetry()) return true;
    stats.retriesDenied += 1;
    return false;
  };

  const waitThenLog = async (ctx: HandlerContext, wait: number, why: string): Promise<void> => {
    stats.retries += 1;
    logger.debug(
      { method: ctx.method, path: ctx.path, clientRequestId: ctx.clientRequestId, attempt: ctx.attempt, waitMs: wait, why },
      'graph retry',
    );
    await tracedWait('graph.retry.backoff', () => clock.sleep(wait, ctx.signal), {
      'graph.attempt': ctx.attempt,
      'graph.wait_ms': wait,
      'graph.retry.reason': why,
    });
  };

  return async (ctx, next) => {
    budget.recordRequest();
    for (let attempt = 1; ; attempt += 1) {
      ctx.attempt = attempt;
      let res: RawResponse;
      try {
        res = await next(ctx);
      } catch (err) {
        if (!(err instanceof GraphTransportError)) throw err;
        if (err.requestSent && !ctx.idempotent) {
          stats.outcomeUnknown += 1;
          throw new GraphOutcomeUnknownError(
            err.kind === 'connect' ? 'network' : err.kind,
            ctx.clientRequestId,
            ctx.method,
            ctx.path,
            undefined,
            { cause: err },
          );
        }
        const wait = backoffDelay(attempt, opts.baseDelayMs, opts.maxDelayMs, clock.random);
        if (err.kind === 'deadline' || attempt >= ctx.maxAttempts || !fits(ctx, wait) || !permitted()) throw err;
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
      if (!RETRYABLE_STATUSES.has(res.status) || (!ctx.idempotent && res.status !== 429) || attempt >= ctx.maxAttempts) {
        return res;
      }
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      if (retryAfter !== undefined && retryAfter > opts.maxDelayMs) return res;
      const wait = retryAfter ?? backoffDelay(attempt, opts.baseDelayMs, opts.maxDelayMs, clock.random);
      if (!fits(ctx, wait) || !permitted()) return res;
      // Graph's best-practices page: retry a 503 on a new connection.
      ctx.freshConnection = res.status === 503;
      await waitThenLog(ctx, wait, `HTTP ${res.status}`);
    }
  };
}
