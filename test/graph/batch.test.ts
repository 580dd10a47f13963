import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGraphClient,
  GraphError,
  GraphTransportError,
  type GraphRequest,
  type GraphResponse,
  type InstrumentedGraphClient,
} from '../../src/graph/index.js';
import { emptyStats, recordBatchSize, RECENT_BATCH_SIZES } from '../../src/graph/request.js';
import { countingTokens, graphErrorBody, ok, startFakeGraph, testConfig, type FakeGraph, type Reply, type Seen } from './fakeGraph.js';

let graph: FakeGraph | undefined;
let client: InstrumentedGraphClient | undefined;

afterEach(async () => {
  await client?.close();
  await graph?.close();
  client = undefined;
  graph = undefined;
});

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
}

function itemsOf(seen: Seen): BatchItem[] {
  return (JSON.parse(seen.body) as { requests: BatchItem[] }).requests;
}

/** Answers every item 200 with `{ url }`, in reverse order (Graph promises no order), unless `item` says otherwise. */
function batchGraph(item: (it: BatchItem, batchIndex: number) => Reply = (it) => ok({ url: it.url }), delayMs = 0) {
  let batches = 0;
  return (seen: Seen): Reply => {
    if (seen.method === 'GET') return ok({ url: seen.url.replace(/^\/v1\.0/, '') });
    const index = batches++;
    const responses = itemsOf(seen)
      .map((it) => {
        const r = item(it, index);
        if (typeof r === 'string') throw new Error('items cannot drop');
        return { id: it.id, status: r.status, headers: r.headers ?? {}, body: r.body };
      })
      .reverse();
    return { status: 200, body: { responses }, delayMs };
  };
}

const get = (path: string, headers?: Record<string, string>): GraphRequest => ({ method: 'GET', path, ...(headers ? { headers } : {}) });

async function setup(respond: (seen: Seen, i: number) => Reply, overrides: Parameters<typeof testConfig>[1] = {}) {
  graph = await startFakeGraph(respond);
  client = createGraphClient(testConfig(graph.origin, { ...overrides, limits: { batchWindowMs: 5, ...overrides.limits } }), {
    tokenProvider: countingTokens(),
  });
  return { graph, client };
}

function bodies(slots: Array<GraphResponse | Error>): unknown[] {
  return slots.map((s) => (s instanceof Error ? s : s.body));
}

describe('the $batch transport', () => {
  it('coalesces concurrent callers into one $batch request and answers each in input order', async () => {
    const { graph, client } = await setup(batchGraph());
    const [a, b, c] = await Promise.all([
      client.batch([get('/communications/callRecords/1'), get('/communications/callRecords/2')]),
      client.batch([get('/communications/callRecords/3')]),
      client.batch([get('/communications/calls/4'), get('/communications/calls/5')]),
    ]);
    expect(graph.seen).toHaveLength(1);
    expect(graph.seen[0]?.method).toBe('POST');
    expect(graph.seen[0]?.url).toBe('/v1.0/$batch');
    expect(bodies(a)).toEqual([{ url: '/communications/callRecords/1' }, { url: '/communications/callRecords/2' }]);
    expect(bodies(b)).toEqual([{ url: '/communications/callRecords/3' }]);
    expect(bodies(c)).toEqual([{ url: '/communications/calls/4' }, { url: '/communications/calls/5' }]);
  });

  it('sends item URLs relative to the version root, with distinct ids', async () => {
    const { graph, client } = await setup(batchGraph());
    await client.batch([get('/communications/callRecords/1?$select=id'), get('/communications/callRecords/2')]);
    const items = itemsOf(graph.seen[0] as Seen);
    expect(items.map((i) => i.url)).toEqual(['/communications/callRecords/1?$select=id', '/communications/callRecords/2']);
    expect(new Set(items.map((i) => i.id)).size).toBe(2);
    expect(items.every((i) => i.method === 'GET')).toBe(true);
  });

  it('splits more than 20 items into batches of at most 20', async () => {
    const { graph, client } = await setup(batchGraph());
    const reqs = Array.from({ length: 45 }, (_, i) => get(`/communications/callRecords/${i}`));
    const slots = await client.batch(reqs);
    expect(graph.seen).toHaveLength(3);
    expect(client.stats().batchSizes).toEqual([20, 20, 5]);
    expect(bodies(slots)).toEqual(reqs.map((r) => ({ url: r.path })));
  });

  it('matches answers to callers by id when Graph returns them shuffled', async () => {
    const shuffle = (seen: Seen): Reply => {
      const items = itemsOf(seen);
      const order = [3, 0, 4, 1, 2];
      return {
        status: 200,
        body: { responses: order.map((k) => ({ id: items[k]?.id, status: 200, headers: {}, body: { url: items[k]?.url } })) },
      };
    };
    const { client } = await setup(shuffle);
    const reqs = [0, 1, 2, 3, 4].map((i) => get(`/communications/calls/${i}`));
    expect(bodies(await client.batch(reqs))).toEqual(reqs.map((r) => ({ url: r.path })));
  });

  it('re-sends only the items answered 429, after the largest item Retry-After', async () => {
    const failing = new Set(['/communications/calls/1', '/communications/calls/3']);
    const { graph, client } = await setup(
      batchGraph((it, batch) => {
        if (batch === 0 && failing.has(it.url)) {
          const retryAfter = it.url.endsWith('1') ? '0.01' : '0.03';
          return { status: 429, headers: { 'retry-after': retryAfter }, body: graphErrorBody('TooManyRequests', 'slow down') };
        }
        return ok({ url: it.url });
      }),
    );
    const reqs = [0, 1, 2, 3, 4].map((i) => get(`/communications/calls/${i}`));
    const slots = await client.batch(reqs);
    expect(bodies(slots)).toEqual(reqs.map((r) => ({ url: r.path })));
    expect(graph.seen).toHaveLength(2);
    // The second round carries exactly the two throttled items, so it goes as one $batch of 2.
    expect(
      itemsOf(graph.seen[1] as Seen)
        .map((i) => i.url)
        .sort(),
    ).toEqual([...failing].sort());
    expect(client.stats().itemRetries).toBe(2);
  });

  it('sends a lone retried item as a plain GET', async () => {
    const { graph, client } = await setup(
      batchGraph((it, batch) =>
        batch === 0 && it.url.endsWith('/1') ? { status: 503, headers: { 'retry-after': '0.01' } } : ok({ url: it.url }),
      ),
    );
    const slots = await client.batch([get('/communications/calls/0'), get('/communications/calls/1')]);
    expect(bodies(slots)).toEqual([{ url: '/communications/calls/0' }, { url: '/communications/calls/1' }]);
    expect(graph.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['POST /v1.0/$batch', 'GET /v1.0/communications/calls/1']);
  });

  it('gives a throttled item its GraphError when the retry wait would pass the deadline', async () => {
    const { graph, client } = await setup(
      batchGraph((it) => (it.url.endsWith('/1') ? { status: 429, headers: { 'retry-after': '10' } } : ok({ url: it.url }))),
    );
    const slots = await client.batch([get('/communications/calls/0'), get('/communications/calls/1')], { deadline: Date.now() + 2000 });
    expect(slots[0]).not.toBeInstanceOf(Error);
    expect(slots[1]).toBeInstanceOf(GraphError);
    expect((slots[1] as GraphError).status).toBe(429);
    expect((slots[1] as GraphError).retryAfterMs).toBe(10_000);
    expect(graph.seen).toHaveLength(1);
  });

  it('sends identical GETs of one flush once and fans the answer out', async () => {
    const { graph, client } = await setup(batchGraph());
    const [a, b] = await Promise.all([
      client.batch([get('/communications/callRecords/1'), get('/communications/callRecords/2')]),
      client.batch([get('/communications/callRecords/1')]),
    ]);
    expect(itemsOf(graph.seen[0] as Seen)).toHaveLength(2);
    expect(bodies(a)).toEqual([{ url: '/communications/callRecords/1' }, { url: '/communications/callRecords/2' }]);
    expect(bodies(b)).toEqual([{ url: '/communications/callRecords/1' }]);
  });

  it('does not merge GETs of one path that differ in headers', async () => {
    const { graph, client } = await setup(batchGraph());
    await Promise.all([
      client.batch([get('/communications/callRecords/1', { Prefer: 'odata.maxpagesize=10' })]),
      client.batch([get('/communications/callRecords/1')]),
    ]);
    const items = itemsOf(graph.seen[0] as Seen);
    expect(items).toHaveLength(2);
    expect(items.find((i) => i.headers)?.headers).toEqual({ Prefer: 'odata.maxpagesize=10' });
  });

  it('sends a flush of a single item as a plain GET', async () => {
    const { graph, client } = await setup(batchGraph());
    const [a, b] = await Promise.all([
      client.batch([get('/communications/callRecords/1')]),
      client.batch([get('/communications/callRecords/1')]),
    ]);
    expect(graph.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /v1.0/communications/callRecords/1']);
    expect(bodies(a)).toEqual([{ url: '/communications/callRecords/1' }]);
    expect(bodies(b)).toEqual([{ url: '/communications/callRecords/1' }]);
    expect(client.stats().singleGets).toBe(1);
  });

  it('gives a successful item its own request-id and headers, and the $batch request-id when it has none', async () => {
    const items = batchGraph((it) =>
      it.url.endsWith('/1')
        ? // A header Graph repeats comes as a list (the Reply type speaks of single values).
          ({
            status: 200,
            headers: { 'Request-Id': 'item-req-1', 'Content-Type': 'application/json', 'x-repeated': ['a', 'b'] },
            body: {},
          } as unknown as Reply)
        : { status: 200, body: {} },
    );
    const { client } = await setup((seen) => {
      const reply = items(seen);
      return typeof reply === 'string' ? reply : { ...reply, headers: { 'request-id': 'outer-req' } };
    });
    const [first, second] = (await client.batch([get('/communications/calls/1'), get('/communications/calls/2')])) as GraphResponse[];
    expect(first!.requestId).toBe('item-req-1');
    expect(first!.headers.get('content-type')).toBe('application/json');
    expect(first!.headers.get('x-repeated')).toBe('a, b');
    expect(second!.requestId).toBe('outer-req');
    expect([...second!.headers]).toEqual([]);
  });

  it('keeps the sizes of recent $batch requests only', () => {
    const stats = emptyStats();
    for (let i = 0; i < 5 * RECENT_BATCH_SIZES; i++) recordBatchSize(stats, (i % 20) + 1);
    expect(stats.batchSizes.length).toBeGreaterThanOrEqual(RECENT_BATCH_SIZES);
    expect(stats.batchSizes.length).toBeLessThan(2 * RECENT_BATCH_SIZES);
    // The newest last, in send order.
    expect(stats.batchSizes.slice(-3)).toEqual([18, 19, 20]);
  });

  it('puts an item’s Graph error, with its request-id, in that item’s slot only', async () => {
    const { client } = await setup(
      batchGraph((it) =>
        it.url.endsWith('/gone')
          ? { status: 404, headers: { 'request-id': 'item-req-9' }, body: graphErrorBody('itemNotFound', 'no such record', 'inner-req') }
          : ok({ url: it.url }),
      ),
    );
    const slots = await client.batch([get('/communications/callRecords/gone'), get('/communications/callRecords/here')]);
    const err = slots[0] as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.status).toBe(404);
    expect(err.code).toBe('itemNotFound');
    expect(err.requestId).toBe('item-req-9');
    expect(bodies(slots)[1]).toEqual({ url: '/communications/callRecords/here' });
  });

  it('retries an outer 503 of the $batch itself and then answers every slot', async () => {
    const inner = batchGraph();
    const { graph, client } = await setup((seen, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '0.01' } } : inner(seen)));
    const slots = await client.batch([get('/communications/calls/1'), get('/communications/calls/2')]);
    expect(bodies(slots)).toEqual([{ url: '/communications/calls/1' }, { url: '/communications/calls/2' }]);
    expect(graph.seen).toHaveLength(2);
  });

  it('puts a final outer failure into every slot of that batch', async () => {
    const { client } = await setup(() => ({ status: 500, body: graphErrorBody('generalException', 'boom') }), {
      limits: { maxAttempts: 1 },
    });
    const slots = await client.batch([get('/communications/calls/1'), get('/communications/calls/2')]);
    expect(slots.map((s) => (s as GraphError).code)).toEqual(['generalException', 'generalException']);
  });

  it('settles an aborted caller’s slots at once without disturbing the others', async () => {
    const { client } = await setup(batchGraph(undefined, 150));
    const controller = new AbortController();
    const leaving = client.batch([get('/communications/calls/1')], { signal: controller.signal });
    const staying = client.batch([get('/communications/calls/2')]);
    await new Promise((r) => setTimeout(r, 30));
    controller.abort(new Error('caller left'));
    const [left] = await leaving;
    expect((left as Error).message).toBe('caller left');
    expect(bodies(await staying)).toEqual([{ url: '/communications/calls/2' }]);
  });

  it('holds one abort listener for all of a call’s items, and none once they are answered', async () => {
    const { client } = await setup(batchGraph(undefined, 50));
    const controller = new AbortController();
    const pending = client.batch(
      Array.from({ length: 30 }, (_, i) => get(`/communications/calls/${i}`)),
      { signal: controller.signal, deadline: Date.now() + 5000 },
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const slots = await pending;
    expect(bodies(slots)).toEqual(Array.from({ length: 30 }, (_, i) => ({ url: `/communications/calls/${i}` })));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('settles every item of a call with a deadline error when Graph answers after the deadline', async () => {
    const { client } = await setup(batchGraph(undefined, 400));
    const started = Date.now();
    const paths = ['/communications/calls/1', '/communications/calls/2', '/communications/calls/3'];
    const slots = await client.batch(
      paths.map((p) => get(p)),
      { deadline: started + 100 },
    );
    expect(Date.now() - started).toBeLessThan(400);
    // The items' own deadline and the $batch request's run out together; either may settle them.
    for (const [i, slot] of slots.entries()) {
      expect(slot).toBeInstanceOf(GraphTransportError);
      expect((slot as GraphTransportError).kind).toBe('deadline');
      expect([paths[i], '/$batch']).toContain((slot as GraphTransportError).path);
    }
  });

  it('refuses non-GET items in their slot', async () => {
    const { graph, client } = await setup(batchGraph());
    const [slot] = await client.batch([{ method: 'POST', path: '/communications/calls', body: {} }]);
    expect(slot).toBeInstanceOf(TypeError);
    expect(graph.seen).toHaveLength(0);
  });

  it('close() settles waiting slots with an error and can be called twice', async () => {
    const { graph, client } = await setup(batchGraph(), { limits: { batchWindowMs: 1000 } });
    const pending = client.batch([get('/communications/calls/1'), get('/communications/calls/2')]);
    await client.close();
    await client.close();
    const slots = await pending;
    expect(slots.map((s) => (s as Error).message)).toEqual(['the Graph client is closed', 'the Graph client is closed']);
    expect(graph.seen).toHaveLength(0);
  });

  it('gives every caller exactly its own answers, in ceil(distinct/20) requests, for any mix of callers', async () => {
    const { graph, client } = await setup(batchGraph());
    const callers = fc.array(fc.array(fc.integer({ min: 0, max: 59 }), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(callers, async (ids) => {
        const before = graph.seen.length;
        const results = await Promise.all(ids.map((list) => client.batch(list.map((n) => get(`/communications/callRecords/${n}`)))));
        results.forEach((slots, c) => {
          expect(bodies(slots)).toEqual((ids[c] ?? []).map((n) => ({ url: `/communications/callRecords/${n}` })));
        });
        const distinct = new Set(ids.flat()).size;
        expect(graph.seen.length - before).toBe(Math.ceil(distinct / 20));
      }),
      { numRuns: 25 },
    );
  });

  it('still answers every caller correctly when any subset of items is throttled once', async () => {
    const throttledOnce = new Set<string>();
    let toThrottle = new Set<number>();
    const { client } = await setup(
      batchGraph((it) => {
        const n = Number(it.url.split('/').pop());
        if (toThrottle.has(n) && !throttledOnce.has(it.url)) {
          throttledOnce.add(it.url);
          return { status: 429, headers: { 'retry-after': '0.002' }, body: graphErrorBody('TooManyRequests', 'slow down') };
        }
        return ok({ url: it.url });
      }),
    );
    const scenario = fc.record({
      callers: fc.array(fc.array(fc.integer({ min: 0, max: 29 }), { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 5 }),
      throttled: fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { maxLength: 30 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ callers, throttled }) => {
        throttledOnce.clear();
        toThrottle = new Set(throttled);
        const results = await Promise.all(callers.map((list) => client.batch(list.map((n) => get(`/communications/callRecords/${n}`)))));
        results.forEach((slots, c) => {
          expect(bodies(slots)).toEqual((callers[c] ?? []).map((n) => ({ url: `/communications/callRecords/${n}` })));
        });
      }),
      { numRuns: 20 },
    );
  });
});
