import type { Clock, Handler } from '../pipeline.js';
import { SlidingCounts } from '../slidingWindow.js';

export interface RetryBudgetOptions {
  /** Retries may add at most this share of first attempts, over the window. Default 20; bounds 0..1000. */
  percent: number;
  /** Retries always allowed per second of window, so a quiet gateway can still retry. Default 5; bounds 0..10 000. */
  minPerSecond: number;
  /** The sliding window. Default 10 000 ms; bounds 1 000..600 000. */
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
    const { percent, minPerSecond, windowMs } = options;
    const problems: string[] = [];
    if (!Number.isInteger(percent) || percent < 0 || percent > 1000) problems.push(`percent must be an integer between 0 and 1000, got ${String(percent)}`);
    if (!Number.isInteger(minPerSecond) || minPerSecond < 0 || minPerSecond > 10_000) {
      problems.push(`minPerSecond must be an integer between 0 and 10000, got ${String(minPerSecond)}`);
    }
    if (!Number.isInteger(windowMs) || windowMs < 1000 || windowMs > 600_000) {
      problems.push(`windowMs must be an integer between 1000 and 600000, got ${String(windowMs)}`);
    }
    if (problems.length > 0) throw new RangeError(`invalid retry budget: ${problems.join('; ')}`);
    this.counts = new SlidingCounts(['requests', 'retries'], windowMs, () => clock.now());
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

/** Counts the request as a first attempt and hands the retry stage its permit. */
export function retryBudgetHandler(budget: RetryBudget): Handler {
  return (ctx, next) => {
    budget.recordRequest();
    ctx.retryPermit = () => budget.tryRetry();
    return next(ctx);
  };
}
