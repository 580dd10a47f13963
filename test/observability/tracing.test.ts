import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config/index.js';
import { liveChannels } from '../../src/live/events.js';
import { startTracing, type TracingRuntime } from '../../src/observability/tracingSdk.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Spans of real operations through the gateway (simulator, MSAL, undici on loopback), kept by the SDK's in-memory
 * exporter: what a collector would receive, minus the wire (otlpExport.test.ts has the wire).
 */

const NOW = '2026-11-20T12:00:00Z';
const exporter = new InMemorySpanExporter();
const lines: Array<Record<string, unknown>> = [];
let tracing: TracingRuntime | undefined;
let stack: Stack;
let ids: string[];

beforeAll(async () => {
  tracing = await startTracing(loadConfig({}).observability.tracing, {
    logger: { warn: () => undefined, info: () => undefined },
    exporter,
  });
  stack = await startStack({
    simulator: { callRecordCount: 120, now: NOW },
    // The call-record cache off: each test counts the Graph requests its operation sends, whatever the ones before read.
    env: { LOG_LEVEL: 'info', CALL_RECORD_CACHE_MAX_ENTRIES: '0' },
    logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const retention = new Date(Date.parse(NOW) - 30 * 24 * 3600 * 1000).toISOString();
  ids = (stack.simulator.resources.snapshot().callRecords as Array<{ id: string; startDateTime: string }>)
    .filter((r) => r.startDateTime >= retention)
    .map((r) => r.id);
});
afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown();
});
beforeEach(() => {
  stack.simulator.control.reset();
  stack.simulator.control.setChaos(null);
  exporter.reset();
});

/** A caller's trace: the ids a router would send in `traceparent`. */
function callerTrace(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function send(query: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

/** The finished spans of one trace, once its SERVER span has ended (it ends after the answer is written). */
async function traceSpans(traceId: string): Promise<{ operation: ReadableSpan; spans: ReadableSpan[] }> {
  return vi.waitFor(
    () => {
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const operation = spans.find((s) => s.kind === SpanKind.SERVER);
      if (!operation) throw new Error(`no operation span yet in trace ${traceId}`);
      return { operation, spans };
    },
    { timeout: 10_000, interval: 20 },
  );
}

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;
const graphSpans = (spans: ReadableSpan[]) => spans.filter((s) => s.kind === SpanKind.CLIENT);
/** What the simulator saw of Graph requests (not token requests, not the items inside a `$batch`). */
const graphLog = () => stack.simulator.control.log().filter((e) => e.kind !== 'identity' && !e.inBatch);

describe('an operation with a traceparent', () => {
  it("is one SERVER span under the caller's span, named and described by the GraphQL conventions, never with its literals", async () => {
    const caller = callerTrace();
    const id = ids[0]!;
    const body = await send(`query OneRecord { callRecord(id: "${id}") { id } }`, undefined, { traceparent: caller.traceparent });
    expect(body.errors).toBeUndefined();

    const { operation } = await traceSpans(caller.traceId);
    expect(operation.name).toBe('query OneRecord');
    expect(parentOf(operation)).toBe(caller.spanId);
    expect(operation.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'OneRecord',
      'http.request.method': 'POST',
      'http.route': '/graphql',
      'http.response.status_code': 200,
    });
    const document = String(operation.attributes['graphql.document']);
    expect(document).toContain('callRecord(id: "")');
    expect(document).not.toContain(id);
    expect(operation.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('has one CLIENT span per Graph request, its child, with route template, status, attempt and both request ids', async () => {
    const caller = callerTrace();
    const body = await send(
      'query Recent($first: Int) { callRecords(first: $first) { nodes { id } } }',
      { first: 3 },
      {
        traceparent: caller.traceparent,
      },
    );
    expect(body.errors).toBeUndefined();

    const { operation, spans } = await traceSpans(caller.traceId);
    const graph = graphSpans(spans);
    const sent = graphLog();
    expect(sent.length).toBeGreaterThan(0);
    expect(graph).toHaveLength(sent.length);
    for (const span of graph) {
      expect(parentOf(span)).toBe(operation.spanContext().spanId);
      expect(span.name).toBe(`GET ${String(span.attributes['url.template'])}`);
      expect(span.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'graph.attempt': 1 });
      // The template never carries the ids or the query string the raw URL has.
      expect(String(span.attributes['url.template'])).not.toMatch(/[?$]filter|[0-9a-f]{8}-[0-9a-f]{4}/);
    }
    // Each span names the client-request-id the gateway sent and the request-id Graph answered, as the simulator logged them.
    expect(graph.map((s) => [s.attributes['graph.client_request_id'], s.attributes['graph.request_id']]).sort()).toEqual(
      sent.map((e) => [e.clientRequestId, e.requestId]).sort(),
    );

    // The operation's log line carries the same trace id.
    const line = lines.find((l) => l['msg'] === 'graphql operation' && l['operationName'] === 'Recent' && l['traceId'] === caller.traceId);
    expect(line).toBeDefined();
  });

  it('shows a $batch as one span with its size', async () => {
    const caller = callerTrace();
    const body = await send(
      'query Three($a: ID!, $b: ID!, $c: ID!) { a: callRecord(id: $a) { id } b: callRecord(id: $b) { id } c: callRecord(id: $c) { id } }',
      { a: ids[1], b: ids[2], c: ids[3] },
      { traceparent: caller.traceparent },
    );
    expect(body.errors).toBeUndefined();

    const { operation, spans } = await traceSpans(caller.traceId);
    const batch = graphSpans(spans).filter((s) => s.attributes['url.template'] === '/$batch');
    expect(batch).toHaveLength(1);
    expect(batch[0]!.name).toBe('POST /$batch');
    expect(parentOf(batch[0]!)).toBe(operation.spanContext().spanId);
    expect(batch[0]!.attributes).toMatchObject({ 'graph.batch.size': 3, 'graph.throttled': false, 'http.response.status_code': 200 });
  });

  it('shows a throttled request as one span per attempt, each throttled with its Retry-After, and the backoff between them', async () => {
    stack.simulator.control.setChaos({ seed: 7, p429: 1, retryAfterMs: { min: 10, max: 20 } });
    const caller = callerTrace();
    const body = await send(
      'query Throttled($id: ID!) { callRecord(id: $id) { id } }',
      { id: ids[0] },
      { traceparent: caller.traceparent },
    );
    expect(body.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe('THROTTLED');

    const { operation, spans } = await traceSpans(caller.traceId);
    const attempts = graphSpans(spans).sort((a, b) => Number(a.attributes['graph.attempt']) - Number(b.attributes['graph.attempt']));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts).toHaveLength(graphLog().length);
    attempts.forEach((span, i) => {
      expect(span.attributes).toMatchObject({
        'graph.attempt': i + 1,
        'http.response.status_code': 429,
        'graph.throttled': true,
        'error.type': '429',
      });
      expect(span.attributes['http.request.resend_count']).toBe(i === 0 ? undefined : i);
      expect(span.attributes['graph.retry_after_ms']).toBeGreaterThanOrEqual(10);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
    });
    // Every attempt of one logical request keeps its client-request-id.
    expect(new Set(attempts.map((s) => s.attributes['graph.client_request_id'])).size).toBe(1);
    const waits = spans.filter((s) => s.name === 'graph.retry.backoff');
    expect(waits).toHaveLength(attempts.length - 1);
    for (const wait of waits) {
      expect(parentOf(wait)).toBe(operation.spanContext().spanId);
      expect(wait.attributes['graph.retry.reason']).toBe('HTTP 429');
    }
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation.attributes['error.type']).toBe('THROTTLED');
  });
});

describe('an operation without a traceparent', () => {
  it('starts a trace of its own, whose id is in its log line', async () => {
    const before = new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId));
    await send('query Untraced { callRecords(first: 1) { nodes { id } } }', undefined, {});
    const operation = await vi.waitFor(() => {
      const found = exporter.getFinishedSpans().find((s) => s.name === 'query Untraced');
      if (!found) throw new Error('no span yet');
      return found;
    });
    expect(parentOf(operation)).toBeUndefined();
    expect(before.has(operation.spanContext().traceId)).toBe(false);
    const line = lines.find((l) => l['msg'] === 'graphql operation' && l['operationName'] === 'Untraced');
    expect(line?.['traceId']).toBe(operation.spanContext().traceId);
  });
});

describe('a subscription over graphql-ws with a traceparent in its extensions', () => {
  it("is one SERVER span under the caller's span, lasting until it ends, parent of its Graph read", async () => {
    const placed = await stack.query<{ createCall: { id: string } }>(
      `mutation { createCall(input: { callbackUri: "https://bot.contoso.com/callback", targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5" } } }], requestedModalities: [AUDIO], mediaConfig: { serviceHosted: {} } }) { id } }`,
    );
    const id = placed.data!.createCall.id;
    exporter.reset();
    const caller = callerTrace();
    const client = createClient({ url: stack.gateway.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const results: unknown[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      client.subscribe(
        {
          query: 'subscription WatchCall($id: ID!) { callUpdated(id: $id) { id state } }',
          variables: { id },
          extensions: { traceparent: caller.traceparent },
        },
        { next: (value) => void results.push(value), error: reject, complete: resolve },
      );
    });
    await vi.waitFor(() => expect(results).toHaveLength(1), { timeout: 10_000 });
    await stack.gateway.live.bus.publish(liveChannels.call(id), {
      type: 'call',
      callId: id,
      sequence: 1,
      change: 'deleted',
      call: { id, state: 'terminated' },
    });
    await ended;
    await client.dispose();

    const { operation, spans } = await traceSpans(caller.traceId);
    expect(operation.name).toBe('subscription WatchCall');
    expect(parentOf(operation)).toBe(caller.spanId);
    expect(operation.attributes).toMatchObject({
      'graphql.operation.type': 'subscription',
      'graphql.operation.name': 'WatchCall',
      'graphql.subscription.events': 2,
    });
    const reads = graphSpans(spans);
    expect(reads.map((s) => s.name)).toContain('GET /communications/calls/{id}');
    for (const read of reads) expect(parentOf(read)).toBe(operation.spanContext().spanId);
    const line = lines.find((l) => l['msg'] === 'subscription ended' && l['operationName'] === 'WatchCall');
    expect(line?.['traceId']).toBe(caller.traceId);
  });
});
