import { afterEach, describe, expect, it } from 'vitest';
import { probeRoutes, startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';
import { DEFAULT_THROTTLE } from '../../src/options.js';
import type { ThrottleOptions } from '../../src/index.js';

describe('throttling', () => {
  let sim: TestSimulator | undefined;
  afterEach(async () => {
    await stopTestSimulator(sim);
    sim = undefined;
  });

  async function start(throttle: Partial<ThrottleOptions>): Promise<TestSimulator> {
    sim = await startTestSimulator({ extraRoutes: probeRoutes, throttle: { ...DEFAULT_THROTTLE, ...throttle } });
    return sim;
  }

  it('answers 429 TooManyRequests with Retry-After once the list limit is spent, in Graph body shape', async () => {
    const s = await start({ callRecordsList: { limit: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await s.client.graph('/v1.0/communications/callRecords')).status).toBe(200);
    const res = await s.client.graph('/v1.0/communications/callRecords', {
      headers: { 'client-request-id': 'c0ffee00-0000-4000-8000-000000000001' },
    });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await res.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('TooManyRequests');
    expect(body.error.innerError).toMatchObject({
      code: '429',
      status: '429',
      'client-request-id': 'c0ffee00-0000-4000-8000-000000000001',
    });
  });

  it('admits requests again once the window has slid past', async () => {
    const s = await start({ callRecord: { limit: 2, windowMs: 300 } });
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
    const throttled = await s.client.graph('/v1.0/probe/items/a');
    expect(throttled.status).toBe(429);
    const wait = Number(throttled.headers.get('retry-after')) * 1000;
    expect(wait).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, wait + 20));
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
  });

  it('counts each call record separately', async () => {
    const s = await start({ callRecord: { limit: 1, windowMs: 60_000 } });
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(429);
    expect((await s.client.graph('/v1.0/probe/items/b')).status).toBe(200);
  });

  it('scopes limits by app', async () => {
    const s = await start({ callRecordsList: { limit: 1, windowMs: 60_000 } });
    expect((await s.client.graph('/v1.0/communications/callRecords', { app: 'default' })).status).toBe(200);
    expect((await s.client.graph('/v1.0/communications/callRecords', { app: 'default' })).status).toBe(429);
    expect((await s.client.graph('/v1.0/communications/callRecords', { app: 'records-only' })).status).toBe(200);
  });

  it('applies the per-app call-records limit across list and record requests', async () => {
    const s = await start({ callRecordsPerApp: { limit: 2, windowMs: 60_000 } });
    expect((await s.client.graph('/v1.0/communications/callRecords')).status).toBe(200);
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
    expect((await s.client.graph('/v1.0/probe/items/b')).status).toBe(429);
  });

  it('applies the global limit to every Graph request, the outer $batch included', async () => {
    const s = await start({ global: { limit: 2, windowMs: 60_000 } });
    const batch = await s.client.graph('/v1.0/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        requests: [
          { id: '1', method: 'GET', url: '/probe/items/a' },
          { id: '2', method: 'GET', url: '/probe/items/b' },
        ],
      }),
    });
    expect(batch.status).toBe(200);
    const items = ((await batch.json()) as { responses: Array<{ id: string; status: number }> }).responses;
    expect(items.find((r) => r.id === '1')?.status).toBe(200);
    expect(items.find((r) => r.id === '2')?.status).toBe(429);
    expect((await s.client.graph('/v1.0/probe/items/c')).status).toBe(429);
  });

  it('does not count refused requests, so a client that waits Retry-After gets in', async () => {
    const s = await start({ callRecord: { limit: 1, windowMs: 400 } });
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(429);
    await new Promise((r) => setTimeout(r, 420));
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
  });

  it('forgets throttle windows on reset', async () => {
    const s = await start({ callRecord: { limit: 1, windowMs: 60_000 } });
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(429);
    s.control.reset();
    expect((await s.client.graph('/v1.0/probe/items/a')).status).toBe(200);
  });
});
