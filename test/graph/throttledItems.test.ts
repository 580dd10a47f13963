import { describe, expect, it } from 'vitest';
import { countThrottledItems, throttledItemsOf } from '../../src/graph/throttledItems.js';

describe('countThrottledItems', () => {
  it('counts the items answered 429, however the JSON is spaced', () => {
    const body = JSON.stringify({
      responses: [
        { id: '1', status: 200, body: { id: 'a' } },
        { id: '2', status: 429, headers: { 'Retry-After': '3' } },
        { id: '3', status: 429 },
      ],
    });
    expect(countThrottledItems(body)).toBe(2);
    expect(countThrottledItems(JSON.stringify(JSON.parse(body), null, 2))).toBe(2);
  });

  it('is not fooled by 429 in data', () => {
    const body = JSON.stringify({
      responses: [
        { id: '1', status: 200, body: { id: '429', startDateTime: '2026-01-01T00:00:00.429Z', phone: '+14295550100' } },
        { id: '2', status: 4290 },
        { id: '3', status: 200, body: { note: '"status":429 quoted inside a string' } },
      ],
    });
    expect(countThrottledItems(body)).toBe(0);
  });
});

describe('throttledItemsOf', () => {
  it('scans one answer once, however many handlers ask, and each answer on its own', () => {
    const text = JSON.stringify({
      responses: [
        { id: '1', status: 429 },
        { id: '2', status: 200 },
      ],
    });
    let reads = 0;
    const answer = {
      status: 200,
      headers: new Headers(),
      get bodyText() {
        reads += 1;
        return text;
      },
    };
    expect(throttledItemsOf(answer)).toBe(1);
    expect(throttledItemsOf(answer)).toBe(1);
    expect(reads).toBe(1);
    expect(throttledItemsOf({ status: 200, headers: new Headers(), bodyText: '{"responses":[]}' })).toBe(0);
  });
});
