import { afterEach, describe, expect, it } from 'vitest';
import {
  createGraphClient,
  GraphCircuitOpenError,
  GraphError,
  GraphTransportError,
  type GraphClientConfig,
  type InstrumentedGraphClient,
} from '../../src/graph/index.js';
import { toGatewayError } from '../../src/errors/index.js';
import { countingTokens, graphErrorBody, ok, startFakeGraph, testConfig, type FakeGraph, type Reply, type Seen } from './fakeGraph.js';

let graph: FakeGraph | undefined;
let client: InstrumentedGraphClient | undefined;

afterEach(async () => {
  await client?.close();
  await graph?.close();
  client = undefined;
  graph = undefined;
});

const unavailable: Reply = { status: 503, body: graphErrorBody('serviceNotAvailable', 'Service unavailable') };
const throttled: Reply = { status: 429, headers: { 'retry-after': '0.001' }, body: graphErrorBody('TooManyRequests', 'Too many requests') };
const get = (id = 'a') => ({ method: 'GET' as const, path: `/communications/callRecords/${id}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A clock that stands still until the test moves it; waits are real but short. */
function manualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

async function setup(
  respond: (seen: Seen, index: number) => Reply | Promise<Reply>,
  overrides: Partial<GraphClientConfig> = {},
  clock?: { now(): number },
) {
  graph = await startFakeGraph(respond);
  client = createGraphClient(testConfig(graph.origin, overrides), { tokenProvider: countingTokens(), ...(clock ? { clock } : {}) });
  return { graph, client };
}

async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  try {
    return await promise;
  } catch (err) {
    return err as Error;
  }
}

describe('the concurrency cap', () => {
  it('never has more requests at Graph than the cap, and queues the rest until a slot frees', async () => {
    let atServer = 0;
    let most = 0;
    const { client } = await setup(
      async () => {
        atServer += 1;
        most = Math.max(most, atServer);
        await sleep(20);
        atServer -= 1;
        return ok({ id: 'x' });
      },
      { limits: { maxConcurrency: 3 } },
    );
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => client.request(get(String(i)))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(most).toBe(3);
  });

  it('fails a queued request at its deadline, with nothing sent, while the slot stays taken', async () => {
    const { graph, client } = await setup(() => 'hang', { limits: { maxConcurrency: 1 } });
    const holder = new AbortController();
    const first = settle(client.request(get('slow'), { signal: holder.signal }));
    while (graph.seen.length === 0) await sleep(5);
    const queued = await settle(client.request(get('queued'), { deadline: Date.now() + 150 }));
    expect(queued).toBeInstanceOf(GraphTransportError);
    expect((queued as GraphTransportError).kind).toBe('deadline');
    expect((queued as GraphTransportError).requestSent).toBe(false);
    expect(graph.seen).toHaveLength(1);
    expect(client.readiness().inFlight).toBe(1);
    expect(client.readiness().queued).toBe(0);
    holder.abort(new Error('test over'));
    await first;
  });

  it('lets a queued request go as soon as the caller ahead of it leaves', async () => {
    const { graph, client } = await setup((seen) => (seen.url.includes('slow') ? 'hang' : ok({ id: 'next' })), {
      limits: { maxConcurrency: 1 },
    });
    const holder = new AbortController();
    const first = settle(client.request(get('slow'), { signal: holder.signal }));
    while (graph.seen.length === 0) await sleep(5);
    const second = client.request(get('next'), { deadline: Date.now() + 5000 });
    holder.abort(new Error('caller left'));
    await expect(second).resolves.toMatchObject({ body: { id: 'next' } });
    await first;
  });
});

describe('the retry budget', () => {
  it('keeps retries during an outage to the budgeted share of first attempts, counted at Graph', async () => {
    const { graph, client } = await setup(() => unavailable, {
      limits: {
        maxAttempts: 3,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 10,
        retryBudgetPercent: 20,
        retryBudgetMinPerSecond: 0,
        breakerEnabled: false,
      },
    });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => settle(client.request(get(String(i))))));
    // Unbudgeted, 100 requests of 3 attempts each would be 300 at Graph.
    expect(graph.seen.length).toBeLessThanOrEqual(120);
    expect(graph.seen.length).toBeGreaterThanOrEqual(100);
    expect(client.stats().retriesDenied).toBeGreaterThan(0);
    // A request refused a retry ends with its own error, Graph's 503.
    expect(results.every((r) => r instanceof GraphError && r.status === 503)).toBe(true);
  });

  it('lets every retry through when traffic earns it, so a brief blip costs nothing', async () => {
    const { graph, client } = await setup((_s, i) => (i % 10 === 5 ? unavailable : ok({ id: 'x' })), {
      limits: {
        maxAttempts: 3,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 10,
        retryBudgetPercent: 20,
        retryBudgetMinPerSecond: 0,
        breakerEnabled: false,
      },
    });
    for (let i = 0; i < 50; i += 1) await client.request(get(String(i)));
    expect(client.stats().retriesDenied).toBe(0);
    expect(graph.seen.length).toBeGreaterThan(50);
  });
  it('still retries on a quiet gateway, within the per-second floor', async () => {
    const { graph, client } = await setup((_s, i) => (i === 0 ? unavailable : ok({ id: 'x' })), {
      limits: { maxAttempts: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 10, retryBudgetPercent: 20, retryBudgetMinPerSecond: 1 },
    });
    await expect(client.request(get())).resolves.toMatchObject({ status: 200 });
    expect(graph.seen).toHaveLength(2);
  });
});

describe('the circuit breaker', () => {
  const breaker = { breakerMinRequests: 10, breakerFailurePercent: 50, breakerCooldownMs: 1000 };

  it('opens after sustained failures and then fails fast: no request reaches Graph', async () => {
    const clock = manualClock();
    const { graph, client } = await setup(() => unavailable, { limits: { maxAttempts: 1, ...breaker } }, clock);
    for (let i = 0; i < 10; i += 1) await expect(client.request(get(String(i)))).rejects.toBeInstanceOf(GraphError);
    expect(client.readiness().circuit).toBe('open');
    const rejected = await Promise.all(Array.from({ length: 50 }, () => settle(client.request(get('more')))));
    expect(rejected.every((r) => r instanceof GraphCircuitOpenError)).toBe(true);
    expect((rejected[0] as GraphCircuitOpenError).message).toMatch(/circuit open .*, retry after 1 s/);
    expect(graph.seen).toHaveLength(10);
    expect(client.stats().circuitRejections).toBe(50);
  });

  it('half-opens after the cool-down, and one successful probe closes it', async () => {
    const clock = manualClock();
    let healthy = false;
    const { graph, client } = await setup(
      () => (healthy ? ok({ id: 'x' }) : unavailable),
      { limits: { maxAttempts: 1, ...breaker } },
      clock,
    );
    for (let i = 0; i < 10; i += 1) await settle(client.request(get(String(i))));
    await expect(client.request(get())).rejects.toBeInstanceOf(GraphCircuitOpenError);
    healthy = true;
    clock.advance(1000);
    expect(client.readiness().circuit).toBe('half-open');
    await expect(client.request(get('probe'))).resolves.toMatchObject({ status: 200 });
    expect(client.readiness().circuit).toBe('closed');
    const after = await Promise.all(Array.from({ length: 5 }, (_, i) => client.request(get(`after-${i}`))));
    expect(after.every((r) => r.status === 200)).toBe(true);
    expect(graph.seen).toHaveLength(16);
  });

  it('lets a single probe through while half-open and opens again when it fails', async () => {
    const clock = manualClock();
    const { graph, client } = await setup(() => unavailable, { limits: { maxAttempts: 1, ...breaker } }, clock);
    for (let i = 0; i < 10; i += 1) await settle(client.request(get(String(i))));
    clock.advance(1000);
    const [probe, other] = await Promise.all([settle(client.request(get('probe'))), settle(client.request(get('other')))]);
    expect(probe).toBeInstanceOf(GraphError);
    expect(other).toBeInstanceOf(GraphCircuitOpenError);
    expect(client.readiness().circuit).toBe('open');
    await expect(client.request(get('again'))).rejects.toBeInstanceOf(GraphCircuitOpenError);
    expect(graph.seen).toHaveLength(11);
  });

  it('does not count 429s as failures: throttling carries its own back-off', async () => {
    const { graph, client } = await setup(() => throttled, { limits: { maxAttempts: 1, ...breaker } });
    for (let i = 0; i < 30; i += 1) await expect(client.request(get(String(i)))).rejects.toMatchObject({ status: 429 });
    expect(client.readiness().circuit).toBe('closed');
    expect(graph.seen).toHaveLength(30);
  });

  it('counts timeouts and dropped connections as failures', async () => {
    const clock = manualClock();
    const { graph, client } = await setup(
      (_s, i) => (i % 2 === 0 ? 'drop' : { status: 200, body: {}, delayMs: 500 }),
      {
        limits: { maxAttempts: 1, attemptTimeoutMs: 30, ...breaker },
      },
      clock,
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => settle(client.request(get(String(i))))));
    expect(results.every((r) => r instanceof GraphTransportError)).toBe(true);
    await expect(client.request(get('next'))).rejects.toBeInstanceOf(GraphCircuitOpenError);
    // On a loaded machine an attempt may time out before the fake Graph sees it: it is a failure all the same.
    // What matters is that the request after the circuit opened never left.
    expect(graph.seen.length).toBeLessThanOrEqual(10);
    expect(graph.seen.length).toBeGreaterThan(0);
    expect(graph.seen.every((s) => /\/communications\/callRecords\/\d$/.test(s.url))).toBe(true);
  });

  it('answers as UPSTREAM_UNAVAILABLE with the wait in retryAfterSeconds', () => {
    const error = toGatewayError(new GraphCircuitOpenError(2300, 'crid-1', 'GET', '/communications/calls/x?$select=id'));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryAfterSeconds: 3, clientRequestId: 'crid-1' });
    expect(error.message).toContain('circuit to it is open, retry after 3 s');
  });
});

describe('protection settings', () => {
  it('refuses out-of-range values, naming each with what was expected', () => {
    expect(() =>
      createGraphClient(
        testConfig('https://graph.microsoft.com', {
          limits: { maxConcurrency: 0, retryBudgetPercent: -1, breakerFailurePercent: 101, breakerCooldownMs: 10 },
        }),
        { tokenProvider: countingTokens() },
      ),
    ).toThrow(
      /limits\.maxConcurrency must be an integer between 1 and 10000, got 0.*limits\.retryBudgetPercent must be an integer between 0 and 1000, got -1.*limits\.breakerFailurePercent must be an integer between 1 and 100, got 101.*limits\.breakerCooldownMs must be an integer between 100 and 600000, got 10/,
    );
  });
});
