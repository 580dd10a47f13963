import { describe, expect, it } from 'vitest';
import { GraphBudget, type BudgetTelemetry } from '../../../src/graph/budget/budget.js';
import { GRAPH_BUDGET_DEFAULTS } from '../../../src/graph/budget/buckets.js';
import { systemClock } from '../../../src/graph/clock.js';
import { GraphBudgetExhaustedError } from '../../../src/graph/index.js';

/** The budget alone in one process (no Redis): its local windows, its refusals and its turns between callers. */

const LIST = '/communications/callRecords?$select=id';

function budget(listLimit: number, windowMs: number, events: string[] = []): GraphBudget {
  const telemetry: BudgetTelemetry = {
    waited: (family) => events.push(`waited ${family}`),
    refused: (family) => events.push(`refused ${family}`),
    took: (source) => events.push(`took ${source}`),
    paused: (family) => events.push(`paused ${family}`),
  };
  return new GraphBudget(
    {
      limits: { ...GRAPH_BUDGET_DEFAULTS, callRecordsList: { limit: listLimit, windowMs } },
      localSharePercent: 100,
      marginMs: 0,
      maxWaitMs: 60_000,
      scope: { appId: 'app', tenantId: 'tenant' },
      telemetry,
    },
    systemClock,
  );
}

const request = (caller: string, deadline?: number) => ({
  method: 'GET',
  path: LIST,
  body: undefined,
  caller,
  deadline,
  signal: undefined,
  clientRequestId: `${caller}-request`,
});

describe('the Graph budget in one process', () => {
  it('lets requests go at once while their buckets have room', async () => {
    const events: string[] = [];
    const b = budget(3, 60_000, events);
    for (let i = 0; i < 3; i += 1) await b.waitForBudget(request('a'));
    expect(events).toEqual(['took local', 'took local', 'took local']);
  });

  it('refuses at once, unsent, a request whose wait would pass its deadline, saying when to retry', async () => {
    const events: string[] = [];
    const b = budget(1, 60_000, events);
    await b.waitForBudget(request('a'));
    const started = Date.now();
    const refusal = await b.waitForBudget(request('a', Date.now() + 5_000)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GraphBudgetExhaustedError);
    expect((refusal as GraphBudgetExhaustedError).retryAfterMs).toBeGreaterThan(55_000);
    expect((refusal as GraphBudgetExhaustedError).bucket).toBe('callRecordsList');
    // Fails fast: it did not sit out its 5 s deadline.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(events).toContain('refused callRecordsList');
  });

  it('refuses at once a newcomer to a queue that cannot wait as long as the queue already waits', async () => {
    const b = budget(1, 3_000);
    await b.waitForBudget(request('a'));
    const patient = b.waitForBudget(request('a', Date.now() + 60_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const refusal = await b.waitForBudget(request('b', Date.now() + 1_500)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GraphBudgetExhaustedError);
    expect(Date.now() - started).toBeLessThan(1_000);
    await patient;
  });

  it('waits for room when the wait fits the deadline, then lets the request go', async () => {
    const events: string[] = [];
    const b = budget(1, 300, events);
    await b.waitForBudget(request('a'));
    await b.waitForBudget(request('a', Date.now() + 10_000));
    expect(events).toContain('waited callRecordsList');
  });

  it('serves waiting callers in turn, so a caller with many queued requests cannot starve one with few', async () => {
    const b = budget(1, 100);
    await b.waitForBudget(request('busy'));
    const order: string[] = [];
    const queued = [
      ...Array.from({ length: 6 }, (_, i) => b.waitForBudget(request('busy')).then(() => order.push(`busy${i}`))),
      ...Array.from({ length: 2 }, (_, i) => b.waitForBudget(request('quiet')).then(() => order.push(`quiet${i}`))),
    ];
    await Promise.all(queued);
    // The quiet caller's two requests go second and fourth, not after the busy caller's six.
    expect(order.indexOf('quiet0')).toBeLessThanOrEqual(2);
    expect(order.indexOf('quiet1')).toBeLessThanOrEqual(4);
  });

  it("pauses a bucket until a 429's Retry-After, and only that bucket", async () => {
    const events: string[] = [];
    const b = budget(100, 60_000, events);
    b.pause({ method: 'GET', path: LIST, body: undefined }, 60_000);
    const refusal = await b.waitForBudget(request('a', Date.now() + 1_000)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(GraphBudgetExhaustedError);
    await b.waitForBudget({ ...request('a', Date.now() + 1_000), path: '/communications/callRecords/r1' });
    expect(events).toContain('paused callRecordsList');
  });

  it('stops waiting when the caller leaves', async () => {
    const b = budget(1, 60_000);
    await b.waitForBudget(request('a'));
    const controller = new AbortController();
    const waiting = b.waitForBudget({ ...request('a'), signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('caller left'));
    expect(await waiting).toMatchObject({ message: 'caller left' });
  });
});
