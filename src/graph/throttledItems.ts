/**
 * Spotting `$batch` items Graph answered 429 without parsing the answer: an item's status is a JSON number
 * after `"status":`. A plain substring such as `429` is no guide: timestamps (`.429Z`), ids and phone numbers
 * carry it, and each false alarm cost a full parse of a large answer.
 */
import type { RawResponse } from './request.js';

const THROTTLED_ITEM = /"status"\s*:\s*429\b/g;

/** How many items of a `$batch` answer are 429s (0 for most answers, found in one scan). */
export function countThrottledItems(bodyText: string): number {
  return bodyText.match(THROTTLED_ITEM)?.length ?? 0;
}

const counted = new WeakMap<RawResponse, number>();

/**
 * The same count for one answer as the handlers see it: the budget and telemetry handlers both ask, and the body is
 * scanned once (a `$batch` answer of a page with sessions is over a megabyte).
 */
export function throttledItemsOf(res: RawResponse): number {
  let count = counted.get(res);
  if (count === undefined) counted.set(res, (count = countThrottledItems(res.bodyText)));
  return count;
}
