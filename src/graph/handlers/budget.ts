import type { GraphBudget } from '../budget/budget.js';
import { throttledItemsOf } from '../throttledItems.js';
import type { Clock, Handler } from '../request.js';
import { headerValue } from '../headers.js';
import { parseRetryAfter } from '../retryAfter.js';

/**
 * Takes each attempt's cost from Graph's throttling budget before it goes on the wire (every `$batch` item
 * counts, as Graph counts it), and tells the budget about Graph's 429s so every replica pauses the bucket until
 * Retry-After. Per attempt, inside the retry handler: a retry costs what a first attempt costs. A refused request
 * was never sent, so a non-idempotent one is never at risk of running twice.
 */
export function budgetHandler(budget: GraphBudget, clock: Clock): Handler {
  return async (ctx, next) => {
    await budget.waitForBudget({
      method: ctx.method,
      path: ctx.path,
      body: ctx.body,
      caller: ctx.caller,
      deadline: ctx.deadline,
      signal: ctx.signal,
      clientRequestId: ctx.clientRequestId,
    });
    const res = await next(ctx);
    if (res.status === 429) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      if (retryAfterMs !== undefined) budget.pause(ctx, retryAfterMs);
    } else if (res.status === 200 && ctx.path === '/$batch' && throttledItemsOf(res) > 0) {
      budget.pauseItems(throttledItems(ctx.body, res.bodyText, clock.now()));
    }
    return res;
  };
}

/** The URL and Retry-After of each `$batch` item Graph answered 429, matched to its request by `id`. */
function throttledItems(requestBody: string | undefined, responseText: string, now: number): Array<{ url: string; retryAfterMs: number }> {
  try {
    const sent = (JSON.parse(requestBody ?? '{}') as { requests?: Array<{ id?: unknown; url?: unknown }> }).requests ?? [];
    const urls = new Map(sent.map((r) => [String(r.id), typeof r.url === 'string' ? r.url : '']));
    const answered =
      (JSON.parse(responseText) as { responses?: Array<{ id?: unknown; status?: unknown; headers?: unknown }> }).responses ?? [];
    const out: Array<{ url: string; retryAfterMs: number }> = [];
    for (const item of answered) {
      if (item?.status !== 429) continue;
      const retryAfterMs = parseRetryAfter(headerValue(item.headers, 'retry-after'), now);
      const url = urls.get(String(item.id));
      if (url && retryAfterMs !== undefined) out.push({ url, retryAfterMs });
    }
    return out;
  } catch {
    // A body that is not the JSON we sent or expect: nothing to learn from it (the batch transport reports it).
    return [];
  }
}
