import { afterEach, describe, expect, it } from 'vitest';
import { probeRoutes, startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';
import type { SimulatorOptions } from '../../src/index.js';

interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { error?: { code: string; message: string; innerError: Record<string, string> } } & Record<string, unknown>;
}

describe('$batch', () => {
  let sim: TestSimulator | undefined;
  afterEach(async () => {
    await stopTestSimulator(sim);
    sim = undefined;
  });

  async function start(options: Partial<SimulatorOptions> = {}): Promise<TestSimulator> {
    sim = await startTestSimulator({ extraRoutes: probeRoutes, ...options });
    return sim;
  }

  async function batch(
    s: TestSimulator,
    requests: unknown[],
    version = 'v1.0',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await s.client.graph(`/${version}/$batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const get = (id: string, url: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id,
    method: 'GET',
    url,
    ...extra,
  });

  it('answers 20 requests with one response each, correlated by id', async () => {
    const s = await start();
    const requests = Array.from({ length: 20 }, (_, i) => get(String(i + 1), `/probe/items/${i + 1}`));
    const { status, body } = await batch(s, requests);
    expect(status).toBe(200);
    const responses = body.responses as BatchItemResponse[];
    expect(responses).toHaveLength(20);
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ id: r.id });
      expect(r.headers['Content-Type']).toMatch(/^application\/json/);
    }
  });

  it('returns responses in a shuffled order when shuffling is on', async () => {
    const s = await start({ shuffleBatch: true });
    const requests = Array.from({ length: 20 }, (_, i) => get(String(i + 1), `/probe/items/${i + 1}`));
    const { body } = await batch(s, requests);
    const ids = (body.responses as BatchItemResponse[]).map((r) => r.id);
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(requests.map((r) => r.id));
    expect(ids).not.toEqual(requests.map((r) => r.id));
  });

  it('keeps request order when shuffling is off', async () => {
    const s = await start({ shuffleBatch: false });
    const requests = Array.from({ length: 5 }, (_, i) => get(String(i + 1), `/probe/items/${i + 1}`));
    const { body } = await batch(s, requests);
    expect((body.responses as BatchItemResponse[]).map((r) => r.id)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('refuses 21 requests with 400', async () => {
    const s = await start();
    const { status, body } = await batch(
      s,
      Array.from({ length: 21 }, (_, i) => get(String(i), '/probe/items/1')),
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining('at most 20') } });
  });

  it('refuses ids that repeat, ignoring case, with 400', async () => {
    const s = await start();
    const { status, body } = await batch(s, [get('a', '/probe/items/1'), get('A', '/probe/items/2')]);
    expect(status).toBe(400);
    expect((body as { error: { message: string } }).error.message).toMatch(/unique/);
  });

  it('refuses a request without an id, an absolute URL, a nested $batch and an unknown dependsOn with 400', async () => {
    const s = await start();
    const cases: unknown[][] = [
      [{ method: 'GET', url: '/probe/items/1' }],
      [get('1', 'https://graph.microsoft.com/v1.0/probe/items/1')],
      [{ id: '1', method: 'POST', url: '/$batch', headers: { 'content-type': 'application/json' }, body: { requests: [] } }],
      [get('1', '/probe/items/1', { dependsOn: ['nope'] })],
      [get('1', '/probe/items/1', { dependsOn: ['2'] }), get('2', '/probe/items/2', { dependsOn: ['1'] })],
    ];
    for (const requests of cases) {
      const { status } = await batch(s, requests);
      expect(status, JSON.stringify(requests)).toBe(400);
    }
  });

  it('refuses an item with a body but no Content-Type header with 400', async () => {
    const s = await start();
    const { status, body } = await batch(s, [{ id: '1', method: 'POST', url: '/probe/echo', body: { a: 1 } }]);
    expect(status).toBe(400);
    expect((body as { error: { message: string } }).error.message).toMatch(/Content-Type/);
  });

  it('accepts item URLs without a leading slash and hands items their JSON bodies', async () => {
    const s = await start();
    const { body } = await batch(s, [
      { id: 'e', method: 'POST', url: 'probe/echo?x=1', headers: { 'Content-Type': 'application/json' }, body: { hello: 'world' } },
    ]);
    const [item] = body.responses as BatchItemResponse[];
    expect(item?.status).toBe(201);
    expect(item?.body).toMatchObject({ body: { hello: 'world' }, path: '/probe/echo', query: 'x=1', version: 'v1.0' });
  });

  it('runs dependents after their dependencies and fails them with 424 when a dependency failed', async () => {
    const s = await start();
    const { body } = await batch(s, [
      get('3', '/probe/items/c', { dependsOn: ['2'] }),
      get('1', '/probe/items/missing'),
      get('2', '/probe/items/b', { dependsOn: ['1'] }),
      get('4', '/probe/items/d'),
    ]);
    const byId = new Map((body.responses as BatchItemResponse[]).map((r) => [r.id, r]));
    expect(byId.get('1')?.status).toBe(404);
    expect(byId.get('2')?.status).toBe(424);
    expect(byId.get('2')?.body?.error?.code).toBe('FailedDependency');
    expect(byId.get('3')?.status).toBe(424);
    expect(byId.get('4')?.status).toBe(200);
    const order = s.control
      .log()
      .filter((e) => e.inBatch)
      .map((e) => e.batchItemId);
    expect(order.indexOf('1')).toBeLessThan(order.indexOf('2'));
    expect(order.indexOf('2')).toBeLessThan(order.indexOf('3'));
  });

  it('accepts item URLs that repeat the batch version, as the Graph SDK sends them, and refuses another version', async () => {
    const s = await start();
    const same = await batch(s, [get('1', '/v1.0/probe/items/1')]);
    expect((same.body.responses as BatchItemResponse[])[0]).toMatchObject({ id: '1', status: 200, body: { id: '1' } });
    const other = await batch(s, [get('1', '/beta/probe/items/1')]);
    expect(other.status).toBe(400);
  });

  it('gives each item its own status and Graph error body', async () => {
    const s = await start();
    const { body } = await batch(s, [get('ok', '/probe/items/1'), get('missing', '/probe/items/missing'), get('nowhere', '/no/such/path')]);
    const byId = new Map((body.responses as BatchItemResponse[]).map((r) => [r.id, r]));
    expect(byId.get('ok')?.status).toBe(200);
    expect(byId.get('missing')?.status).toBe(404);
    expect(byId.get('missing')?.body?.error?.code).toBe('itemNotFound');
    expect(byId.get('missing')?.body?.error?.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(byId.get('nowhere')?.status).toBe(404);
  });

  it('checks item permissions against the outer token', async () => {
    const s = await start();
    const res = await s.client.graph('/v1.0/$batch', {
      app: 'calls-only',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests: [get('r', '/communications/callRecords'), get('p', '/probe/items/1')] }),
    });
    expect(res.status).toBe(200);
    const byId = new Map(((await res.json()) as { responses: BatchItemResponse[] }).responses.map((r) => [r.id, r]));
    expect(byId.get('r')?.status).toBe(403);
    expect(byId.get('p')?.status).toBe(200);
  });

  it('throttles items on their own: a throttled item gets 429 with Retry-After in its headers', async () => {
    const s = await start({ throttle: { callRecord: { limit: 2, windowMs: 60_000 } } as SimulatorOptions['throttle'] });
    const { status, body } = await batch(s, [
      get('1', '/probe/items/x'),
      get('2', '/probe/items/x'),
      get('3', '/probe/items/x'),
      get('4', '/probe/items/y'),
    ]);
    expect(status).toBe(200);
    const byId = new Map((body.responses as BatchItemResponse[]).map((r) => [r.id, r]));
    expect(byId.get('1')?.status).toBe(200);
    expect(byId.get('2')?.status).toBe(200);
    expect(byId.get('3')?.status).toBe(429);
    expect(Number(byId.get('3')?.headers['Retry-After'])).toBeGreaterThan(0);
    expect(byId.get('3')?.body?.error?.code).toBe('TooManyRequests');
    expect(byId.get('4')?.status).toBe(200);
  });

  it('refuses a batch that is not JSON with 400 and one that is not declared JSON with 415', async () => {
    const s = await start();
    const bad = await s.client.graph('/v1.0/$batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
    const wrongType = await s.client.graph('/v1.0/$batch', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).toBe(415);
  });

  it('counts the outer request and its items separately', async () => {
    const s = await start();
    await batch(s, [get('1', '/probe/items/1'), get('2', '/probe/items/missing')]);
    const stats = s.control.stats();
    expect(stats.graph['$batch']).toEqual({ '200': 1 });
    expect(stats.batchItems['probe.item']).toEqual({ '200': 1, '404': 1 });
  });
});
