import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { timeoutHandler } from '../../src/graph/handlers/timeout.js';
import { systemClock } from '../../src/graph/clock.js';
import { AttemptTimeoutReason, DeadlineReason, type HandlerContext, type RawResponse } from '../../src/graph/request.js';
import { handlerContext } from './handlerContext.js';

const OK: RawResponse = { status: 200, headers: new Headers(), bodyText: '{}' };

function context(signal: AbortSignal | undefined, deadline?: number): HandlerContext {
  return handlerContext({ signal, deadline });
}

/** An attempt that waits until its signal aborts and rejects with the reason, as the transport does. */
function hangingAttempt(seen: { signal?: AbortSignal }) {
  return (ctx: HandlerContext): Promise<RawResponse> =>
    new Promise((_resolve, reject) => {
      const signal = ctx.attemptSignal as AbortSignal;
      seen.signal = signal;
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
}

describe('timeout handler: the attempt signal', () => {
  it('aborts with the caller’s reason when the caller leaves during the attempt', async () => {
    const caller = new AbortController();
    const seen: { signal?: AbortSignal } = {};
    const attempt = timeoutHandler(60_000, systemClock)(context(caller.signal), hangingAttempt(seen));
    const reason = new Error('caller left');
    caller.abort(reason);
    await expect(attempt).rejects.toBe(reason);
    expect(seen.signal?.reason).toBe(reason);
  });

  it('is aborted from the start when the caller already left', async () => {
    const caller = new AbortController();
    const reason = new Error('gone before');
    caller.abort(reason);
    let aborted: boolean | undefined;
    await timeoutHandler(60_000, systemClock)(context(caller.signal), async (ctx) => {
      aborted = ctx.attemptSignal?.aborted;
      expect(ctx.attemptSignal?.reason).toBe(reason);
      return OK;
    });
    expect(aborted).toBe(true);
  });

  it('aborts with the attempt timeout, or with the deadline when that comes first', async () => {
    const seen: { signal?: AbortSignal } = {};
    await expect(timeoutHandler(20, systemClock)(context(new AbortController().signal), hangingAttempt(seen))).rejects.toBeInstanceOf(
      AttemptTimeoutReason,
    );
    await expect(
      timeoutHandler(60_000, systemClock)(context(new AbortController().signal, Date.now() + 20), hangingAttempt(seen)),
    ).rejects.toBeInstanceOf(DeadlineReason);
  });

  it('works without a caller signal', async () => {
    const seen: { signal?: AbortSignal } = {};
    await expect(timeoutHandler(20, systemClock)(context(undefined), hangingAttempt(seen))).rejects.toBeInstanceOf(AttemptTimeoutReason);
  });

  it('leaves no listener on the caller’s signal once the attempt ends, answered or failed', async () => {
    const caller = new AbortController();
    const handler = timeoutHandler(60_000, systemClock);
    let during = -1;
    await handler(context(caller.signal), async () => {
      during = getEventListeners(caller.signal, 'abort').length;
      return OK;
    });
    expect(during).toBe(1);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    await expect(handler(context(caller.signal), () => Promise.reject(new Error('reset')))).rejects.toThrow('reset');
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    // An abort after the attempt reaches no attempt controller.
    caller.abort(new Error('late'));
  });
});
