import { GraphTransportError } from '../errors.js';
import type { Clock, HandlerContext, Handler } from '../request.js';
import { tracedWait } from '../../observability/tracing.js';

export interface ConcurrencyOptions {
  /** Graph requests on the wire at once, across every operation. */
  maxInFlight: number;
}

interface Waiter {
  grant(): void;
  done: boolean;
}

/**
 * A FIFO semaphore on Graph attempts. Beyond the cap a request queues; its wait counts against the
 * operation deadline, and a queued request whose deadline passes (or whose caller leaves) gives up its
 * place at once with a deadline error that says nothing was sent.
 */
export class ConcurrencyLimiter {
  private inFlight = 0;
  private waiters: Waiter[] = [];
  private head = 0;

  constructor(
    readonly options: ConcurrencyOptions,
    private readonly clock: Clock,
  ) {}

  /** Requests holding a slot now. */
  get active(): number {
    return this.inFlight;
  }

  /** Requests waiting for a slot now. */
  get queued(): number {
    let n = 0;
    for (let i = this.head; i < this.waiters.length; i += 1) if (!this.waiters[i]?.done) n += 1;
    return n;
  }

  /** True when `acquire` would have to queue now. */
  get full(): boolean {
    while (this.head < this.waiters.length && this.waiters[this.head]?.done) this.head += 1;
    return this.inFlight >= this.options.maxInFlight || this.head !== this.waiters.length;
  }

  /** Resolves with a release function once a slot is free; rejects at the deadline or the caller's abort. */
  acquire(ctx: HandlerContext): Promise<() => void> {
    if (!this.full) {
      this.inFlight += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const leave = (error: Error): void => {
        if (waiter.done) return;
        waiter.done = true;
        cleanup();
        reject(error);
      };
      const onAbort = (): void => leave(ctx.signal?.reason as Error);
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        done: false,
        grant: () => {
          waiter.done = true;
          cleanup();
          this.inFlight += 1;
          resolve(this.releaser());
        },
      };
      if (ctx.signal?.aborted) return leave(ctx.signal.reason as Error);
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      if (ctx.deadline !== undefined) {
        timer = setTimeout(
          () => leave(new GraphTransportError('deadline', ctx.clientRequestId, ctx.method, ctx.path, { requestSent: false })),
          Math.max(0, ctx.deadline - this.clock.now()),
        );
      }
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      this.grantNext();
    };
  }

  private grantNext(): void {
    while (this.inFlight < this.options.maxInFlight && this.head < this.waiters.length) {
      const waiter = this.waiters[this.head];
      this.head += 1;
      if (waiter && !waiter.done) waiter.grant();
    }
    if (this.head === this.waiters.length || this.head > 1024) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}

/** Holds a slot for one attempt (headers and body); waits between retries hold none. A queued wait is a span. */
export function concurrencyHandler(limiter: ConcurrencyLimiter): Handler {
  return async (ctx, next) => {
    const release = await (limiter.full
      ? tracedWait('graph.concurrency.wait', () => limiter.acquire(ctx), { 'graph.attempt': ctx.attempt, 'graph.queued': limiter.queued })
      : limiter.acquire(ctx));
    try {
      return await next(ctx);
    } finally {
      release();
    }
  };
}
