import { afterEach, describe, expect, it } from 'vitest';
import {
  createGraphClient,
  GraphError,
  GraphOutcomeUnknownError,
  GraphTransportError,
  type InstrumentedGraphClient,
} from '../../src/graph/index.js';
import { countingTokens, graphErrorBody, ok, startFakeGraph, testConfig, virtualClock, type FakeGraph, type Reply } from './fakeGraph.js';

let graph: FakeGraph | undefined;
let client: InstrumentedGraphClient | undefined;

afterEach(async () => {
  await client?.close();
  await graph?.close();
  client = undefined;
  graph = undefined;
});

async function setup(script: Reply[], overrides: Parameters<typeof testConfig>[1] = {}) {
  graph = await startFakeGraph((_seen, i) => script[Math.min(i, script.length - 1)] ?? ok());
  const clock = virtualClock();
  client = createGraphClient(testConfig(graph.origin, overrides), { tokenProvider: countingTokens(), clock });
  return { graph, client, clock };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

const throttled = (retryAfter?: string): Reply => ({
  status: 429,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  body: graphErrorBody('TooManyRequests', 'Too many requests'),
});

describe('retries of idempotent requests', () => {
  it('waits the decimal Retry-After of a 429 to the millisecond, then succeeds', async () => {
    const { graph, client, clock } = await setup([throttled('2.128'), ok({ id: 'a' })]);
    const res = await client.request({ method: 'GET', path: '/communications/callRecords/a' });
    expect(res.body).toEqual({ id: 'a' });
    expect(clock.waits).toEqual([2128]);
    expect(graph.seen).toHaveLength(2);
  });

  it('waits until the HTTP date a Retry-After names', async () => {
    const clock = virtualClock();
    const at = new Date(clock.now() + 5000).toUTCString();
    graph = await startFakeGraph((_s, i) => (i === 0 ? { status: 503, headers: { 'retry-after': at } } : ok()));
    client = createGraphClient(testConfig(graph.origin), { tokenProvider: countingTokens(), clock });
    await client.request({ method: 'GET', path: '/communications/calls/x' });
    expect(clock.waits).toEqual([5000]);
  });

  it('retries a 504 and backs off with full jitter when there is no Retry-After', async () => {
    const { graph, client, clock } = await setup([{ status: 504 }, { status: 504 }, ok()], {
      limits: { retryBaseDelayMs: 100, retryMaxDelayMs: 10_000 },
    });
    await client.request({ method: 'GET', path: '/communications/calls/x' });
    // random() is 0.5: half of 100 * 2^0, then half of 100 * 2^1.
    expect(clock.waits).toEqual([50, 100]);
    expect(graph.seen).toHaveLength(3);
  });

  it('gives up after maxAttempts with the last GraphError', async () => {
    const { graph, client } = await setup([throttled('1')], { limits: { maxAttempts: 3, retryBaseDelayMs: 1 } });
    const err = await client.request({ method: 'GET', path: '/communications/calls/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).status).toBe(429);
    expect(graph.seen).toHaveLength(3);
  });

  it('keeps one client-request-id across the retries of one request', async () => {
    const { graph, client } = await setup([throttled('0.001'), ok()]);
    const res = await client.request({ method: 'GET', path: '/communications/calls/x' });
    const ids = graph.seen.map((s) => s.headers['client-request-id']);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ids).toEqual([res.clientRequestId, res.clientRequestId]);
  });

  it('retries a 503 on a new connection, where a 429 reuses the old one', async () => {
    graph = await startFakeGraph((_s, i) => [throttled('0.05'), { status: 503, headers: { 'retry-after': '0.05' } }, ok()][i] ?? ok());
    // Real waits here: a connection is only back in the pool a moment after its response.
    client = createGraphClient(testConfig(graph.origin), { tokenProvider: countingTokens() });
    await client.request({ method: 'GET', path: '/communications/calls/x' });
    const ports = graph.seen.map((s) => s.remotePort);
    expect(ports).toHaveLength(3);
    expect(ports[1]).toBe(ports[0]);
    expect(ports[2]).not.toBe(ports[1]);
  });

  it('retries a dropped connection of a GET', async () => {
    const { graph, client } = await setup(['drop', ok({ id: 'x' })]);
    const res = await client.request({ method: 'GET', path: '/communications/calls/x' });
    expect(res.body).toEqual({ id: 'x' });
    expect(graph.seen).toHaveLength(2);
  });

  it('times out a hanging attempt and retries it', async () => {
    const { graph, client } = await setup(['hang', ok({ id: 'x' })], { limits: { attemptTimeoutMs: 200 } });
    // The first attempt never gets an answer, so an answer at all proves it was timed out and retried.
    const res = await client.request({ method: 'GET', path: '/communications/calls/x' });
    expect(res.body).toEqual({ id: 'x' });
    expect(graph.seen.length).toBeGreaterThanOrEqual(2);
  });

  it('times out an attempt whose body stalls after the headers, and retries it', async () => {
    const { client } = await setup(['stall-body', ok({ id: 'x' })], { limits: { attemptTimeoutMs: 200 } });
    const res = await client.request({ method: 'GET', path: '/communications/calls/x' });
    expect(res.body).toEqual({ id: 'x' });
  });

  it('fails with a timeout GraphTransportError when every attempt hangs', async () => {
    const { client } = await setup(['hang'], { limits: { attemptTimeoutMs: 50, maxAttempts: 2, retryBaseDelayMs: 1 } });
    const err = await client.request({ method: 'GET', path: '/communications/calls/x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphTransportError);
    expect((err as GraphTransportError).kind).toBe('timeout');
    expect(client.stats().httpRequests).toBe(2);
  });
});

describe('the operation deadline', () => {
  it('refuses a wait that would end after the deadline and fails with the throttle error and its hint', async () => {
    const { graph, client, clock } = await setup([throttled('2.128'), throttled('2'), ok()]);
    const err = await client
      .request({ method: 'GET', path: '/communications/calls/x' }, { deadline: clock.now() + 3000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect((err as GraphError).status).toBe(429);
    expect((err as GraphError).retryAfterMs).toBe(2000);
    expect(clock.waits).toEqual([2128]);
    expect(graph.seen).toHaveLength(2);
  });

  it('fails at once when Retry-After alone exceeds the remaining time', async () => {
    const { graph, client, clock } = await setup([throttled('30'), ok()]);
    const err = await client
      .request({ method: 'GET', path: '/communications/calls/x' }, { deadline: clock.now() + 1000 })
      .catch((e: unknown) => e);
    expect((err as GraphError).retryAfterMs).toBe(30_000);
    expect(clock.waits).toEqual([]);
    expect(graph.seen).toHaveLength(1);
  });

  it('starts nothing when the deadline has already passed', async () => {
    const { graph, client, clock } = await setup([ok()]);
    const err = await client
      .request({ method: 'GET', path: '/communications/calls/x' }, { deadline: clock.now() - 1 })
      .catch((e: unknown) => e);
    expect((err as GraphTransportError).kind).toBe('deadline');
    expect(graph.seen).toHaveLength(0);
  });

  it('cuts an attempt short at the deadline', async () => {
    graph = await startFakeGraph(() => 'hang');
    client = createGraphClient(testConfig(graph.origin, { limits: { attemptTimeoutMs: 60_000 } }), { tokenProvider: countingTokens() });
    const err = await client
      .request({ method: 'GET', path: '/communications/calls/x' }, { deadline: Date.now() + 100 })
      .catch((e: unknown) => e);
    expect((err as GraphTransportError).kind).toBe('deadline');
    expect(graph.seen.length).toBeLessThanOrEqual(1);
  });
});

describe('non-idempotent requests (creating a call)', () => {
  const create = { method: 'POST' as const, path: '/communications/calls', body: { '@odata.type': '#microsoft.graph.call' } };

  it('is retried on 429, when Graph has certainly not acted', async () => {
    const { graph, client } = await setup([throttled('0.01'), { status: 201, body: { id: 'call-1' } }]);
    const res = await client.request(create);
    expect(res.status).toBe(201);
    expect(graph.seen).toHaveLength(2);
  });

  it('is not retried on 504: the outcome is unknown and the error carries the client-request-id', async () => {
    const { graph, client } = await setup([{ status: 504, body: graphErrorBody('GatewayTimeout', 'upstream') }, ok()]);
    const err = await client.request(create).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphOutcomeUnknownError);
    const unknown = err as GraphOutcomeUnknownError;
    expect(unknown.reason).toBe('status');
    expect(unknown.status).toBe(504);
    expect(unknown.clientRequestId).toBe(graph.seen[0]?.headers['client-request-id']);
    expect(graph.seen).toHaveLength(1);
    expect(client.stats().outcomeUnknown).toBe(1);
  });

  it('is not retried on 503 either', async () => {
    const { graph, client } = await setup([{ status: 503, headers: { 'retry-after': '0' } }, ok()]);
    await expect(client.request(create)).rejects.toBeInstanceOf(GraphOutcomeUnknownError);
    expect(graph.seen).toHaveLength(1);
  });

  it('is not retried after a timeout', async () => {
    const { graph, client } = await setup(['hang', ok()], { limits: { attemptTimeoutMs: 200 } });
    const err = (await client.request(create).catch((e: unknown) => e)) as GraphOutcomeUnknownError;
    expect(err).toBeInstanceOf(GraphOutcomeUnknownError);
    expect(err.reason).toBe('timeout');
    expect(client.stats().httpRequests).toBe(1);
    // On a loaded machine the attempt can time out before the request arrives; if it arrived, ids match.
    expect(graph.seen.map((s) => s.headers['client-request-id'])).toEqual(graph.seen.length ? [err.clientRequestId] : []);
  });

  it('is not retried after a dropped connection', async () => {
    const { graph, client } = await setup(['drop', ok()]);
    const err = (await client.request(create).catch((e: unknown) => e)) as GraphOutcomeUnknownError;
    expect(err).toBeInstanceOf(GraphOutcomeUnknownError);
    expect(err.reason).toBe('network');
    expect(graph.seen).toHaveLength(1);
  });

  it('sends its JSON body with a content type', async () => {
    const { graph, client } = await setup([{ status: 201, body: { id: 'call-1' } }]);
    await client.request(create);
    expect(graph.seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(graph.seen[0]?.body ?? '')).toEqual(create.body);
  });
});

describe('requests that never left', () => {
  it('retries a refused connection even for a POST, and reports it as such, not as an unknown outcome', async () => {
    const closed = await startFakeGraph(() => ok());
    const origin = closed.origin;
    await closed.close();
    const clock = virtualClock();
    client = createGraphClient(testConfig(origin), { tokenProvider: countingTokens(), clock });
    const err = await client.request({ method: 'POST', path: '/communications/calls', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphTransportError);
    expect((err as GraphTransportError).kind).toBe('connect');
    expect((err as GraphTransportError).requestSent).toBe(false);
    expect(client.stats().httpRequests).toBe(3);
    expect(client.stats().outcomeUnknown).toBe(0);
  });

  it('gives up at the deadline while the token service is slow, without sending anything', async () => {
    graph = await startFakeGraph(() => ok());
    client = createGraphClient(testConfig(graph.origin), { tokenProvider: { getToken: () => new Promise<string>(() => {}) } });
    const err = await client
      .request({ method: 'POST', path: '/communications/calls', body: {} }, { deadline: Date.now() + 50 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphTransportError);
    expect((err as GraphTransportError).kind).toBe('deadline');
    expect(graph.seen).toHaveLength(0);
  });
});

describe('logging', () => {
  it('logs each attempt at debug with method, path, status, duration and both request ids', async () => {
    graph = await startFakeGraph(() => ({ status: 200, headers: { 'request-id': 'graph-req-1' }, body: {} }));
    const lines: Array<{ level: string; obj: Record<string, unknown>; msg?: string }> = [];
    const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg });
    client = createGraphClient(testConfig(graph.origin), {
      tokenProvider: countingTokens(),
      logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    });
    const res = await client.request({ method: 'GET', path: '/communications/calls/x' });
    expect(lines).toEqual([
      {
        level: 'debug',
        msg: 'graph request',
        obj: expect.objectContaining({
          method: 'GET',
          path: '/communications/calls/x',
          status: 200,
          durationMs: expect.any(Number),
          clientRequestId: res.clientRequestId,
          requestId: 'graph-req-1',
        }),
      },
    ]);
  });
});

describe('cancellation', () => {
  it('rejects with the caller’s abort reason and makes no further attempt', async () => {
    const { graph, client } = await setup(['hang']);
    const controller = new AbortController();
    const pending = client.request({ method: 'GET', path: '/communications/calls/x' }, { signal: controller.signal });
    await until(() => graph?.seen.length === 1);
    controller.abort(new Error('caller left'));
    await expect(pending).rejects.toThrow('caller left');
    expect(graph.seen).toHaveLength(1);
  });
});
