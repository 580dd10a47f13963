import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/** Every line the gateway logs, parsed. */
class MemoryLog {
  readonly lines: Array<Record<string, unknown>> = [];
  write(line: string): void {
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  operations(requestId: string): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l['msg'] === 'graphql operation' && l['requestId'] === requestId);
  }
}

const NOW = '2026-11-20T12:00:00Z';
const log = new MemoryLog();
let stack: Stack;
let ids: string[];

beforeAll(async () => {
  // The Graph requests counted here are each operation's own: nothing is served from the call-record cache.
  stack = await startStack({
    simulator: { callRecordCount: 120, now: NOW },
    env: { LOG_LEVEL: 'debug', CALL_RECORD_CACHE_MAX_ENTRIES: '0' },
    logDestination: log,
  });
  const retention = new Date(Date.parse(NOW) - 30 * 24 * 3600 * 1000).toISOString();
  ids = (stack.simulator.resources.snapshot().callRecords as Array<{ id: string; startDateTime: string }>)
    .filter((r) => r.startDateTime >= retention)
    .map((r) => r.id);
});
afterAll(async () => stack?.stop());
beforeEach(() => {
  stack.simulator.control.reset();
  stack.simulator.control.setChaos(null);
});

let sent = 0;
/** POSTs an operation with its own x-request-id, which the gateway's log lines carry. */
async function send(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ requestId: string; body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const requestId = `obs-test-${process.pid}-${++sent}`;
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  return { requestId, body: (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } };
}

/** `GET /metrics`, as series name with labels → value. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(new URL('/metrics', stack.gateway.url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-z_]+(?:\{.*\})?) (\S+)$/.exec(line);
    if (match) series.set(match[1]!, Number(match[2]));
  }
  return series;
}

const delta = (before: Map<string, number>, after: Map<string, number>, key: string): number =>
  (after.get(key) ?? 0) - (before.get(key) ?? 0);

describe('operation log lines', () => {
  it('writes one JSON line per operation with its request id, name, type, duration, Graph requests and outcome', async () => {
    const { requestId, body } = await send('query Page { callRecords(first: 30) { nodes { id participants { id } } } }');
    expect(body.errors).toBeUndefined();
    const lines = log.operations(requestId);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    // What Graph served for it: list pages and followed links, and the 30 records' participants as $batch items.
    const served = stack.simulator.control.log().filter((e) => e.kind !== 'identity' && e.route !== '$batch');
    expect(served.filter((e) => e.inBatch)).toHaveLength(30);
    expect(line).toMatchObject({
      level: 30,
      service: 'comms-graphql',
      requestId,
      operationName: 'Page',
      operationType: 'query',
      graphRequests: served.length,
      graphBatchItems: 30,
      outcome: 'ok',
    });
    expect(typeof line['durationMs']).toBe('number');
    expect(line).not.toHaveProperty('errorCodes');
  });

  it('gives a failed operation outcome error and the codes of its errors', async () => {
    const { requestId, body } = await send('query Missing($id: ID!) { callRecord(id: $id) { id } }', {
      id: '00000000-0000-0000-0000-000000000000',
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(log.operations(requestId)).toEqual([
      expect.objectContaining({ operationName: 'Missing', graphRequests: 1, outcome: 'error', errorCodes: ['NOT_FOUND'] }),
    ]);
  });

  it('logs an operation that never ran, such as one that fails validation, with no name and no Graph request', async () => {
    const { requestId } = await send('{ callRecords { nope } }');
    expect(log.operations(requestId)).toEqual([
      expect.objectContaining({ operationName: null, graphRequests: 0, outcome: 'error', errorCodes: ['GRAPHQL_VALIDATION_FAILED'] }),
    ]);
  });

  it("logs each Graph request at debug with the client-request-id it sent beside Graph's request-id", async () => {
    await send('{ callRecords(first: 25) { nodes { id sessions { id } } } }');
    const served = stack.simulator.control.log().filter((e) => !e.inBatch && e.kind !== 'identity');
    expect(served.length).toBeGreaterThanOrEqual(3);
    const graphLines = log.lines.filter((l) => l['msg'] === 'graph request');
    for (const request of served) {
      expect(request.clientRequestId).toBeTruthy();
      expect(request.requestId).toBeTruthy();
      expect(graphLines).toContainEqual(
        expect.objectContaining({ level: 20, clientRequestId: request.clientRequestId, requestId: request.requestId, status: 200 }),
      );
    }
  });
});

describe('/metrics', () => {
  it('counts operations by name and outcome with their durations, Graph requests by route and status, and batch sizes', async () => {
    const before = await scrape();
    await send('query Page { callRecords(first: 30) { nodes { id participants { id } } } }');
    await send('query Missing($id: ID!) { callRecord(id: $id) { id } }', { id: '00000000-0000-0000-0000-000000000000' });
    const after = await scrape();

    expect(delta(before, after, 'comms_graphql_operations_total{operation="Page",outcome="ok"}')).toBe(1);
    expect(delta(before, after, 'comms_graphql_operations_total{operation="Missing",outcome="NOT_FOUND"}')).toBe(1);
    expect(delta(before, after, 'comms_graphql_operation_duration_seconds_count{operation="Page",outcome="ok"}')).toBe(1);
    expect(delta(before, after, 'comms_graphql_operation_duration_seconds_bucket{le="+Inf",operation="Page",outcome="ok"}')).toBe(1);
    expect(delta(before, after, 'comms_graph_requests_total{method="GET",route="/communications/callRecords",status="200"}')).toBe(1);
    expect(delta(before, after, 'comms_graph_requests_total{method="POST",route="/$batch",status="200"}')).toBe(2);
    expect(delta(before, after, 'comms_graph_requests_total{method="GET",route="/communications/callRecords/{id}",status="404"}')).toBe(1);
    expect(delta(before, after, 'comms_graph_batch_size_count')).toBe(2);
    expect(delta(before, after, 'comms_graph_batch_size_sum')).toBe(30);
    // The gateway's first token came into use with its first Graph request.
    expect(after.get('comms_graph_token_refreshes_total')).toBeGreaterThanOrEqual(1);
    expect(after.get('comms_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts 429s and the retries they cause', async () => {
    stack.simulator.control.setChaos({ seed: 7, p429: 1, retryAfterMs: { min: 10, max: 20 } });
    const before = await scrape();
    const { body } = await send('query Throttled($id: ID!) { callRecord(id: $id) { id } }', { id: ids[0] });
    const after = await scrape();
    expect(body.errors?.[0]?.extensions?.code).toBe('THROTTLED');
    const throttled = delta(before, after, 'comms_graph_throttled_total{scope="request"}');
    expect(throttled).toBeGreaterThanOrEqual(2);
    expect(delta(before, after, 'comms_graph_requests_total{method="GET",route="/communications/callRecords/{id}",status="429"}')).toBe(
      throttled,
    );
    expect(delta(before, after, 'comms_graph_retries_total{route="/communications/callRecords/{id}"}')).toBe(throttled - 1);
    expect(delta(before, after, 'comms_graphql_operations_total{operation="Throttled",outcome="THROTTLED"}')).toBe(1);
  });

  it('counts 429s answered to items inside a $batch', async () => {
    stack.simulator.control.setChaos({ seed: 3, p429: 0.5, retryAfterMs: { min: 10, max: 20 } });
    const before = await scrape();
    await send('{ callRecords(first: 20) { nodes { id participants { id } } } }');
    const after = await scrape();
    const items = stack.simulator.control.log().filter((e) => e.inBatch && e.status === 429).length;
    expect(items).toBeGreaterThan(0);
    expect(delta(before, after, 'comms_graph_throttled_total{scope="batch_item"}')).toBe(items);
  });
});

describe('requests refused by caller authentication', () => {
  it('are logged and counted by code, without the token, though they never become operations', async () => {
    const refusals = new MemoryLog();
    const secured = await startStack({
      callerApp: 'caller',
      simulator: { callRecordCount: 5 },
      env: { LOG_LEVEL: 'info' },
      logDestination: refusals,
    });
    try {
      const metricsBefore = await (await fetch(new URL('/metrics', secured.gateway.url))).text();
      expect(metricsBefore).not.toMatch(/^comms_graphql_requests_refused_total\{code="UNAUTHENTICATED"\} [1-9]/m);
      const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.';
      const response = await fetch(secured.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'refused-request-0001', authorization: `Bearer ${forged}` },
        body: JSON.stringify({ query: '{ calls { id } }' }),
      });
      expect(response.status).toBe(401);
      const line = refusals.lines.find((l) => l['msg'] === 'graphql request refused');
      expect(line).toMatchObject({ requestId: 'refused-request-0001', outcome: 'refused', errorCodes: ['UNAUTHENTICATED'] });
      expect(JSON.stringify(refusals.lines)).not.toContain(forged);
      const metrics = await (await fetch(new URL('/metrics', secured.gateway.url))).text();
      expect(metrics).toMatch(/^comms_graphql_requests_refused_total\{code="UNAUTHENTICATED"\} 1$/m);
    } finally {
      await secured.stop();
    }
  });
});
