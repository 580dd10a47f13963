import { afterEach, describe, expect, it } from 'vitest';
import { probeRoutes, startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';
import { Chaos } from '../../src/chaos.js';
import { completeChaos } from '../../src/options.js';
import type { ChaosOptions } from '../../src/index.js';

describe('chaos', () => {
  let sims: TestSimulator[] = [];
  afterEach(async () => {
    await Promise.all(sims.map((s) => stopTestSimulator(s)));
    sims = [];
  });

  async function start(chaos: ChaosOptions | null = null): Promise<TestSimulator> {
    const s = await startTestSimulator({ extraRoutes: probeRoutes, chaos });
    sims.push(s);
    return s;
  }

  /** Status of each of `n` sequential requests; 0 for a dropped connection. */
  async function statuses(s: TestSimulator, n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      try {
        out.push((await s.client.graph(`/v1.0/probe/items/${i}`)).status);
      } catch {
        out.push(0);
      }
    }
    return out;
  }

  const mixed: ChaosOptions = { seed: 42, p429: 0.15, p503: 0.15, p504: 0.1, pDrop: 0.1 };

  it('produces the same fault sequence for the same seed', async () => {
    const [a, b] = await Promise.all([start(mixed), start(mixed)]);
    const first = await statuses(a, 40);
    expect(await statuses(b, 40)).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 429, 503, 504, 0]));
  });

  it('produces a different fault sequence for another seed', async () => {
    const [a, b] = await Promise.all([start(mixed), start({ ...mixed, seed: 43 })]);
    expect(await statuses(b, 40)).not.toEqual(await statuses(a, 40));
  });

  it('restarts the sequence when chaos is set again at run time', async () => {
    const s = await start();
    s.control.setChaos(mixed);
    const first = await statuses(s, 20);
    s.control.setChaos(mixed);
    expect(await statuses(s, 20)).toEqual(first);
  });

  it('injects 429 with Retry-After in the Graph envelope', async () => {
    const s = await start({ seed: 1, p429: 1, p503: 0, p504: 0, pDrop: 0 });
    const res = await s.client.graph('/v1.0/probe/items/1');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TooManyRequests');
    expect(s.control.log().at(-1)?.fault).toBe('429');
  });

  it('injects 503 serviceNotAvailable with Retry-After', async () => {
    const s = await start({ seed: 1, p429: 0, p503: 1, p504: 0, pDrop: 0 });
    const res = await s.client.graph('/v1.0/probe/items/1');
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await res.json()).toMatchObject({
      error: { code: 'serviceNotAvailable', innerError: { 'request-id': res.headers.get('request-id') } },
    });
  });

  it('injects 504', async () => {
    const s = await start({ seed: 1, p429: 0, p503: 0, p504: 1, pDrop: 0 });
    const res = await s.client.graph('/v1.0/probe/items/1');
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: 'gatewayTimeout' } });
  });

  it('drops the connection without a response', async () => {
    const s = await start({ seed: 1, p429: 0, p503: 0, p504: 0, pDrop: 1 });
    await expect(s.client.graph('/v1.0/probe/items/1')).rejects.toThrow();
    expect(s.control.stats().graph['probe.item']).toEqual({ '0': 1 });
  });

  it('never drops a $batch item: items get status-code faults only', async () => {
    const s = await start();
    // A seed whose first draw lets the outer request through; every later draw would drop 90% of requests.
    const spec = { pDrop: 0.9 };
    let seed = 1;
    while (new Chaos(completeChaos({ ...spec, seed })).decide(true).fault !== undefined) seed++;
    s.control.setChaos({ ...spec, seed });
    const res = await s.client.graph('/v1.0/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        requests: Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: 'GET', url: `/probe/items/${i}` })),
      }),
    });
    expect(res.status).toBe(200);
    const items = ((await res.json()) as { responses: Array<{ status: number }> }).responses;
    expect(items.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200));
  });

  it('gives $batch items their own injected 503s with Retry-After', async () => {
    const s = await start();
    const spec = { p503: 0.5 };
    let seed = 1;
    while (new Chaos(completeChaos({ ...spec, seed })).decide(true).fault !== undefined) seed++;
    s.control.setChaos({ ...spec, seed });
    const res = await s.client.graph('/v1.0/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        requests: Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: 'GET', url: `/probe/items/${i}` })),
      }),
    });
    expect(res.status).toBe(200);
    const items = ((await res.json()) as { responses: Array<{ status: number; headers: Record<string, string> }> }).responses;
    expect(new Set(items.map((r) => r.status))).toEqual(new Set([200, 503]));
    for (const item of items.filter((r) => r.status === 503)) expect(Number(item.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
  });

  it('adds seeded latency within the configured bounds', async () => {
    const s = await start({ seed: 9, p429: 0, p503: 0, p504: 0, pDrop: 0, latency: { p: 1, minMs: 120, maxMs: 160 } });
    await s.client.graph('/v1.0/probe/items/warm');
    const started = performance.now();
    expect((await s.client.graph('/v1.0/probe/items/1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('adds the fixed benchmark latency to every top-level request', async () => {
    const s = await startTestSimulator({ extraRoutes: probeRoutes, fixedLatencyMs: 150 });
    sims.push(s);
    await s.client.graph('/v1.0/probe/items/warm');
    const started = performance.now();
    await s.client.graph('/v1.0/probe/items/1');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('is switched at run time through PUT /_simulator/chaos', async () => {
    const s = await start();
    const put = await s.client.fetch('/_simulator/chaos', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seed: 3, p504: 1 }),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ chaos: { seed: 3, p504: 1, p429: 0 } });
    expect((await s.client.graph('/v1.0/probe/items/1')).status).toBe(504);
    await s.client.fetch('/_simulator/chaos', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: 'null' });
    expect((await s.client.graph('/v1.0/probe/items/1')).status).toBe(200);
  });

  it('refuses chaos settings whose probabilities exceed 1, naming the problem', async () => {
    const s = await start();
    const res = await s.client.fetch('/_simulator/chaos', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ p429: 0.7, p503: 0.7 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/at most 1, got 1\.4/);
  });
});
