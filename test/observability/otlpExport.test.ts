import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { printedUrl, spawnGateway } from '../helpers/mainProcess.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlpReceiver.js';

/**
 * The gateway as people run it (`src/main.ts` in its own process, embedded simulator) with only the standard OTEL_
 * variables set, exporting to a real OTLP/HTTP receiver on loopback. Its batching processor would wait seconds
 * before an export: the spans arrive because SIGTERM flushes them before the process exits.
 */

const SERVER = 2;
const CLIENT = 3;

let child: ChildProcess | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  await receiver?.stop();
  receiver = undefined;
});

describe('OTLP export from a gateway process', () => {
  it.each([
    ['http/json', 'application/json'],
    ['http/protobuf', 'application/x-protobuf'],
  ])(
    "sends the operation's span and its Graph spans, under the caller's trace, as %s, and flushes them on SIGTERM",
    async (protocol, contentType) => {
      const otlp = (receiver = await startOtlpReceiver());
      const gateway = spawnGateway({
        ...withoutOtelVariables(process.env),
        NODE_ENV: 'development',
        PORT: '0',
        LOG_LEVEL: 'info',
        SIMULATOR_RECORDS: '50',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_SERVICE_NAME: 'comms-graphql-under-test',
      });
      child = gateway.child;
      const url = await vi.waitFor(
        () => {
          const found = printedUrl(gateway.output());
          if (!found) throw new Error(`no gateway URL yet:\n${gateway.output()}`);
          return found;
        },
        { timeout: 120_000, interval: 50 },
      );

      const traceId = randomBytes(16).toString('hex');
      const callerSpanId = randomBytes(8).toString('hex');
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01` },
        body: JSON.stringify({ query: 'query Exported { callRecords(first: 2) { nodes { id } } }' }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown };
      expect(body.errors).toBeUndefined();
      // The operation's log line names the trace the spans below belong to.
      await vi.waitFor(() => expect(gateway.output()).toMatch(new RegExp(`"operationName":"Exported".*"traceId":"${traceId}"`)), {
        timeout: 10_000,
      });

      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);

      const spans = otlp.spans.filter((s) => s.traceId === traceId);
      expect(otlp.contentTypes.length).toBeGreaterThan(0);
      expect(new Set(otlp.contentTypes)).toEqual(new Set([contentType]));
      const operation = spans.find((s) => s.kind === SERVER);
      expect(operation).toMatchObject({
        name: 'query Exported',
        parentSpanId: callerSpanId,
        service: 'comms-graphql-under-test',
        attributes: { 'graphql.operation.type': 'query', 'graphql.operation.name': 'Exported', 'http.response.status_code': 200 },
      });
      const graph = spans.filter((s) => s.kind === CLIENT);
      expect(graph.length).toBeGreaterThan(0);
      for (const span of graph) {
        expect(span.parentSpanId).toBe(operation!.spanId);
        expect(span.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'graph.attempt': 1 });
        expect(span.attributes['url.template']).toMatch(/^\/communications\/callRecords/);
        expect(span.attributes['graph.client_request_id']).toMatch(/^[0-9a-f-]{36}$/);
        expect(span.attributes['graph.request_id']).toEqual(expect.any(String));
      }
    },
    180_000,
  );
});

/** The test's own environment minus any OTEL_ setting a developer's shell may carry. */
function withoutOtelVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('OTEL_')));
}
