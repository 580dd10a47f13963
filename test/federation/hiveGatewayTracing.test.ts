import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { useOpenTelemetry } from '@graphql-hive/gateway/opentelemetry';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { TRACER_NAME } from '../../src/observability/tracing.js';
import { startTracing, type TracingRuntime } from '../../src/observability/tracingSdk.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { serveHiveGateway } from './hiveRouter.js';
import { USERS_SDL, departmentOf, startUsersSubgraph, type RunningServer, type UsersSubgraph } from './usersSubgraph.js';

/**
 * Federation through a second router, traced end to end: the published subgraph SDL (schema/published/, what the
 * schema registry gets) composed with a users subgraph, Hive Gateway's runtime on 127.0.0.1 with its OpenTelemetry
 * plugin, and the comms gateway behind it. One trace, started by the client's `traceparent`, runs through the
 * router into this subgraph: the router puts `traceparent` on its subgraph request and the gateway continues it.
 * Everything shares the process's tracer provider, whose in-memory exporter the test reads; the only path from the
 * router's span to the subgraph's is the header on the loopback HTTP request.
 */

const NOW = '2026-11-20T12:00:00Z';
const exporter = new InMemorySpanExporter();
let tracing: TracingRuntime | undefined;
let stack: Stack;
let users: UsersSubgraph;
let router: RunningServer;

beforeAll(async () => {
  tracing = await startTracing(loadConfig({}).observability.tracing, {
    logger: { warn: () => undefined, info: () => undefined },
    exporter,
  });
  stack = await startStack({ simulator: { callRecordCount: 60, now: NOW } });
  users = await startUsersSubgraph();
  const published = readFileSync(new URL('../../schema/published/comms.subgraph.graphql', import.meta.url), 'utf8');
  const composed = composeServices([
    { name: 'comms', url: stack.gateway.url, typeDefs: parse(published) },
    { name: 'users', url: users.url, typeDefs: parse(USERS_SDL) },
  ]);
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  router = await serveHiveGateway({
    supergraph: composed.supergraphSdl,
    logging: false,
    // Hive Gateway's tracing on the process's provider; it continues the client's traceparent and propagates its own.
    plugins: (ctx) => [useOpenTelemetry({ ...ctx, traces: true, inheritContext: true, propagateContext: true })],
  });
});

afterAll(async () => {
  await router?.stop();
  await users?.stop();
  await stack?.stop();
  await tracing?.shutdown();
});

const isOurs = (span: ReadableSpan): boolean => span.instrumentationScope.name === TRACER_NAME;
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('a trace through Hive Gateway into the comms subgraph', () => {
  it("answers entities across both subgraphs, and the subgraph's operation span continues the router's trace", async () => {
    const retention = new Date(Date.parse(NOW) - 30 * 24 * 3600 * 1000).toISOString();
    const records = (stack.simulator.resources.snapshot().callRecords as Array<{ id: string; startDateTime: string }>)
      .filter((r) => r.startDateTime >= retention)
      .slice(0, 3);
    users.setRecent(records.map((r) => r.id));
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');

    const response = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${clientSpanId}-01` },
      body: JSON.stringify({
        query: 'query Recent { recentCallRecords { id startDateTime organizer { identity { user { id user { department } } } } } }',
      }),
    });
    const body = (await response.json()) as {
      data?: {
        recentCallRecords: Array<{
          id: string;
          startDateTime: string;
          organizer: { identity: { user: { id: string; user: { department: string } } | null } } | null;
        }>;
      };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    const got = body.data!.recentCallRecords;
    expect(got.map((r) => [r.id, r.startDateTime])).toEqual(records.map((r) => [r.id, r.startDateTime]));
    const organizer = got.find((r) => r.organizer?.identity.user)?.organizer?.identity.user;
    expect(organizer?.user.department).toBe(departmentOf(organizer!.id));

    // Both the router's spans and the subgraph's end after the answer: wait for the subgraph's and the router's root.
    const { spans, ours } = await vi.waitFor(
      () => {
        const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
        const ours = spans.filter((s) => isOurs(s) && s.kind === SpanKind.SERVER);
        if (ours.length === 0 || !spans.some((s) => !isOurs(s) && parentOf(s) === clientSpanId)) throw new Error('trace not complete yet');
        return { spans, ours };
      },
      { timeout: 10_000, interval: 20 },
    );
    const routerSpans = new Map(spans.filter((s) => !isOurs(s)).map((s) => [s.spanContext().spanId, s]));
    // The router's root continues the client's trace.
    expect([...routerSpans.values()].some((s) => parentOf(s) === clientSpanId)).toBe(true);

    // The router asked the comms subgraph for the call records' _entities: that operation's span is a child of the
    // router's request to the subgraph, in the client's trace.
    for (const operation of ours) {
      const parent = routerSpans.get(parentOf(operation) ?? '');
      expect(parent, `parent of ${operation.name}`).toBeDefined();
      expect(parent!.kind).toBe(SpanKind.CLIENT);
      expect(operation.attributes['graphql.operation.type']).toBe('query');
    }
    // And under it, the Graph request that fetched them.
    const graph = spans.filter((s) => isOurs(s) && s.kind === SpanKind.CLIENT);
    expect(graph.length).toBeGreaterThan(0);
    const operationIds = new Set(ours.map((s) => s.spanContext().spanId));
    for (const span of graph) expect(operationIds.has(parentOf(span) ?? '')).toBe(true);
  });
});
