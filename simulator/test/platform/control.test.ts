import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { probeRoutes, startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';
import type { RequestLogEntry, SimulatorStats } from '../../src/index.js';

describe('control surface', () => {
  let sim: TestSimulator;

  beforeAll(async () => {
    sim = await startTestSimulator({ extraRoutes: probeRoutes, now: '2023-10-01T00:00:00Z', logCapacity: 5 });
  });
  beforeEach(() => sim.control.reset());
  afterAll(() => stopTestSimulator(sim));

  const json = { 'content-type': 'application/json' };

  it('counts requests by route and status, over HTTP as in process', async () => {
    await sim.client.graph('/v1.0/probe/items/1');
    await sim.client.graph('/v1.0/probe/items/missing');
    await sim.client.fetch('/v1.0/probe/items/1');
    await sim.client.graph('/v1.0/no/such/thing');
    const res = await sim.client.fetch('/_simulator/stats');
    expect(res.status).toBe(200);
    const stats = (await res.json()) as SimulatorStats;
    expect(stats.graph['probe.item']).toEqual({ '200': 1, '404': 1 });
    // The unauthenticated request never reached route matching.
    expect(stats.graph['unmatched']).toEqual({ '401': 1, '404': 1 });
    expect(stats.total).toBe(4);
    expect(sim.control.stats()).toEqual(stats);
  });

  it('counts token requests', async () => {
    const app = sim.app('default');
    await sim.client.fetch(sim.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret ?? '',
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    expect(sim.control.stats().identity['token']).toEqual({ '200': 1 });
  });

  it('logs method, path with query, route, status, app, client-request-id and batch membership', async () => {
    await sim.client.graph('/v1.0/probe/items/9?$select=id', { headers: { 'client-request-id': 'aaaaaaaa-0000-4000-8000-000000000009' } });
    await sim.client.graph('/v1.0/$batch', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ requests: [{ id: 'x', method: 'GET', url: '/probe/items/3' }] }),
    });
    const res = await sim.client.fetch('/_simulator/log');
    const { value } = (await res.json()) as { value: RequestLogEntry[] };
    expect(value[0]).toMatchObject({
      kind: 'graph',
      method: 'GET',
      path: '/v1.0/probe/items/9?$select=id',
      route: 'probe.item',
      status: 200,
      appId: sim.app('default').clientId,
      clientRequestId: 'aaaaaaaa-0000-4000-8000-000000000009',
      inBatch: false,
    });
    expect(Number.isNaN(Date.parse(value[0]?.time ?? ''))).toBe(false);
    expect(value.find((e) => e.inBatch)).toMatchObject({
      kind: 'batchItem',
      route: 'probe.item',
      path: '/v1.0/probe/items/3',
      batchItemId: 'x',
      status: 200,
    });
    expect(value.find((e) => e.route === '$batch')).toMatchObject({ inBatch: false, status: 200 });
  });

  it('keeps only the most recent entries in the log', async () => {
    for (let i = 0; i < 8; i++) await sim.client.graph(`/v1.0/probe/items/${i}`);
    const paths = sim.control.log().map((e) => e.path);
    expect(paths).toEqual([3, 4, 5, 6, 7].map((i) => `/v1.0/probe/items/${i}`));
    expect(sim.control.stats().total).toBe(8);
  });

  it('clears counters and the log on POST /_simulator/reset', async () => {
    await sim.client.graph('/v1.0/probe/items/1');
    const res = await sim.client.fetch('/_simulator/reset', { method: 'POST' });
    expect(res.status).toBe(204);
    expect(sim.control.stats().total).toBe(0);
    expect(sim.control.log()).toEqual([]);
  });

  it('loads a bundled fixture by name and serves it', async () => {
    const res = await sim.client.fetch('/_simulator/fixtures', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'seed-004' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { loaded: number }).loaded).toBeGreaterThan(0);
    const list = await sim.client.graph('/v1.0/communications/callRecords');
    const ids = ((await list.json()) as { value: Array<{ id: string }> }).value.map((r) => r.id);
    expect(ids).toContain('3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65');
  });

  it('mints a Graph token for a named app on POST /_simulator/tokens', async () => {
    const res = await sim.client.fetch('/_simulator/tokens', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ app: 'records-only' }),
    });
    expect(res.status).toBe(200);
    const { access_token: token } = (await res.json()) as { access_token: string };
    expect((await sim.client.fetch('/v1.0/communications/callRecords', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    expect(
      (await sim.client.fetch('/v1.0/probe/echo', { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: '{}' }))
        .status,
    ).toBe(403);
  });

  it('refuses to mint for an app it does not know, naming the known ones', async () => {
    const res = await sim.client.fetch('/_simulator/tokens', { method: 'POST', headers: json, body: JSON.stringify({ app: 'nobody' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /default, calls-only, records-only, pstn-only, certificate.*got 'nobody'/,
    );
  });

  it('answers 404 for an unknown control operation', async () => {
    const res = await sim.client.fetch('/_simulator/nothing');
    expect(res.status).toBe(404);
  });

  it('needs no Graph token', async () => {
    expect((await sim.client.fetch('/_simulator/stats')).status).toBe(200);
  });
});

describe('control surface fixtures', () => {
  let sim: TestSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ now: '2023-10-01T00:00:00Z', callRecordCount: 10 });
  });
  afterAll(() => stopTestSimulator(sim));

  it('merges a bundled fixture into the generated data when asked', async () => {
    const res = await sim.client.fetch('/_simulator/fixtures', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'seed-004', merge: true }),
    });
    expect(res.status).toBe(200);
    expect(sim.resources.snapshot().callRecords.length).toBe(10 + ((await res.json()) as { loaded: number }).loaded);
  });

  it('refuses an unknown fixture with 400', async () => {
    const res = await sim.client.fetch('/_simulator/fixtures', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'seed-999' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
  });
});
