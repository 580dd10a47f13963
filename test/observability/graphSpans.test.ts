import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { BatchTransport } from '../../src/graph/batch.js';
import { systemClock } from '../../src/graph/clock.js';
import { ConcurrencyLimiter, concurrencyHandler } from '../../src/graph/handlers/concurrency.js';
import { emptyStats, type GraphResponse, type HandlerContext } from '../../src/graph/request.js';
import { linksIn, trace, traceContext, tracedWait, tracer } from '../../src/observability/tracing.js';
import { startTracing, type TracingRuntime } from '../../src/observability/tracingSdk.js';

/** The spans of the Graph client's shared parts, where timing would make an end-to-end test flaky: driven by hand here. */

const exporter = new InMemorySpanExporter();
let tracing: TracingRuntime | undefined;
beforeAll(async () => {
  tracing = await startTracing(loadConfig({}).observability.tracing, {
    logger: { warn: () => undefined, info: () => undefined },
    exporter,
  });
});
afterAll(async () => tracing?.shutdown());
beforeEach(() => exporter.reset());

/** Runs `fn` with a fresh recording span active, as an operation's resolvers run; ends it after. */
async function inOperation<T>(name: string, fn: () => Promise<T>): Promise<{ result: T; spanId: string; traceId: string }> {
  const span = tracer().startSpan(name, { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  try {
    const result = await traceContext.with(trace.setSpan(ROOT_CONTEXT, span), fn);
    return { result, ...span.spanContext() };
  } finally {
    span.end();
  }
}

describe('tracedWait', () => {
  it('is a child span of the active operation, ended when the wait settles, an error (by class, not message) when it rejects', async () => {
    const { spanId } = await inOperation('op', async () => {
      await tracedWait('budget.wait', () => new Promise((r) => setTimeout(r, 5)), { 'budget.key': 'tenant' });
      await expect(tracedWait('budget.wait', () => Promise.reject(new RangeError('secret detail')))).rejects.toThrow('secret detail');
    });
    const waits = exporter.getFinishedSpans().filter((s) => s.name === 'budget.wait');
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait.parentSpanContext?.spanId).toBe(spanId);
    expect(waits[0]!.attributes).toEqual({ 'budget.key': 'tenant' });
    expect(waits[1]!.attributes).toEqual({ 'error.type': 'RangeError' });
    expect(waits[1]!.status.message).toBeUndefined();
  });

  it('records nothing outside an operation', async () => {
    await expect(tracedWait('budget.wait', () => Promise.resolve(7))).resolves.toBe(7);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('the concurrency queue', () => {
  it('is a graph.concurrency.wait span only when a request has to queue for a slot', async () => {
    const limiter = new ConcurrencyLimiter({ maxInFlight: 1 }, systemClock);
    const handler = concurrencyHandler(limiter);
    const ctx = { attempt: 1, deadline: undefined, signal: undefined } as unknown as HandlerContext;
    const answer = { status: 200, headers: new Headers(), bodyText: '' };

    await inOperation('free', () => handler(ctx, async () => answer));
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['free']);

    const holder = await limiter.acquire(ctx);
    const { spanId } = await inOperation('queued', async () => {
      const waiting = handler(ctx, async () => answer);
      await Promise.resolve();
      holder();
      return waiting;
    });
    const wait = exporter.getFinishedSpans().find((s) => s.name === 'graph.concurrency.wait');
    expect(wait?.parentSpanContext?.spanId).toBe(spanId);
    expect(wait?.attributes).toMatchObject({ 'graph.attempt': 1, 'graph.queued': 0 });
  });
});

describe('a $batch shared by two operations', () => {
  it("is sent in the first operation's trace, linked to the second's", async () => {
    const seen: Array<{ spanId: string | undefined; links: string[] }> = [];
    const transport = new BatchTransport(
      async (req) => {
        const active = traceContext.active();
        seen.push({ spanId: trace.getSpanContext(active)?.spanId, links: linksIn(active).map((l) => l.context.spanId) });
        const count = (req.body as { requests: unknown[] }).requests.length;
        const responses = Array.from({ length: count }, (_, i) => ({ id: String(i + 1), status: 200, body: { i } }));
        return { status: 200, headers: new Headers(), body: { responses }, clientRequestId: 'c' } satisfies GraphResponse;
      },
      { maxItems: 20, windowMs: 50, maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      systemClock,
      emptyStats(),
    );
    const [first, second] = await Promise.all([
      inOperation('a', () => transport.enqueue([{ method: 'GET', path: '/communications/callRecords/1' }])),
      inOperation('b', () => transport.enqueue([{ method: 'GET', path: '/communications/callRecords/2' }])),
    ]);
    expect(seen).toEqual([{ spanId: first.spanId, links: [second.spanId] }]);
    transport.close();
  });
});
