import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, type OperationDefinitionNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { EXAMPLE_OPERATIONS } from '../../src/schema/examples.js';
import { README_OPERATION_NAMES, runExample } from '../helpers/examples.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { OPERATION_TIMEOUT_MS: '3000' } });
});
afterAll(async () => stack?.stop());
beforeEach(() => stack.simulator.control.reset());

const PAGE = `query($filter: CallRecordFilter, $first: Int, $after: String) {
  callRecords(filter: $filter, first: $first, after: $after) { nodes { id } pageInfo { endCursor } }
}`;

function code(result: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown {
  return result.errors?.[0]?.extensions?.['code'];
}

describe('arguments the gateway refuses before calling Graph', () => {
  it.each([0, -1, 101, 1_000_000])('refuses first=%i with BAD_USER_INPUT', async (first) => {
    const result = await stack.query(PAGE, { first });
    expect(code(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain(`got ${first}`);
  });

  it.each(['', 'abc', 'eyJ2IjoxfQ.bm9wZQ', 'x'.repeat(5000)])('refuses a forged or malformed cursor %#', async (after) => {
    const result = await stack.query(PAGE, { after });
    expect(code(result)).toBe('BAD_USER_INPUT');
  });

  it('refuses a cursor that was issued for another filter', async () => {
    const first = await stack.query<{ callRecords: { pageInfo: { endCursor: string } } }>(PAGE, { first: 2 });
    const after = first.data!.callRecords.pageInfo.endCursor;
    const result = await stack.query(PAGE, { after, filter: { startDateTime: { gte: '2026-01-01T00:00:00Z' } } });
    expect(code(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('different filter');
  });

  it('refuses a cursor whose payload was altered, even with a valid-looking signature', async () => {
    const first = await stack.query<{ callRecords: { pageInfo: { endCursor: string } } }>(PAGE, { first: 2 });
    const [body, signature] = first.data!.callRecords.pageInfo.endCursor.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString());
    payload.path = 'https://evil.example/steal';
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    expect(code(await stack.query(PAGE, { after: forged }))).toBe('BAD_USER_INPUT');
  });

  it.each(['2023-02-30T00:00:00Z', '2023-09-25', 'yesterday', '1695634000', "2023-09-25T00:00:00Z' or 1 eq 1"])(
    'refuses the DateTime %s with BAD_USER_INPUT',
    async (gte) => {
      const result = await stack.query(PAGE, { filter: { startDateTime: { gte } } });
      expect(code(result)).toBe('BAD_USER_INPUT');
    },
  );

  it('escapes a participant id into the OData literal instead of splicing it', async () => {
    const result = await stack.query(PAGE, { filter: { participantId: "x') or true or ('" } });
    expect(result.errors).toBeUndefined();
    const list = stack.simulator.control.log().find((e) => e.route === 'callRecords.list')!;
    expect(new URLSearchParams(list.path.split('?')[1]).get('$filter')).toBe("participants_v2/any(p:p/id eq 'x'') or true or (''')");
  });
});

describe('Graph failures as typed errors', () => {
  it('answers an unknown call record with null and NOT_FOUND', async () => {
    const result = await stack.query(`{ callRecord(id: "3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65") { id } }`);
    expect(result.data).toEqual({ callRecord: null });
    expect(code(result)).toBe('NOT_FOUND');
  });

  it('reports FORBIDDEN when the app registration lacks CallRecords.Read.All', async () => {
    const limited = await startStack({ app: 'calls-only' });
    try {
      const result = await limited.query(PAGE, { first: 1 });
      expect(code(result)).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.extensions?.['graphRequestId']).toEqual(expect.any(String));
    } finally {
      await limited.stop();
    }
  });

  it("reports THROTTLED with a retry hint when Graph's list limit is spent and the wait exceeds the deadline", async () => {
    const throttled = await startStack({
      simulator: { throttle: { callRecordsList: { limit: 1, windowMs: 20_000 } } },
      // Graph's own 429 is under test here, not the gateway's budget (test/e2e/budget.test.ts).
      env: { OPERATION_TIMEOUT_MS: '1000', GRAPH_BUDGET_ENABLED: 'false' },
    });
    try {
      expect((await throttled.query(PAGE, { first: 1 })).errors).toBeUndefined();
      const result = await throttled.query(PAGE, { first: 1 });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', retryAfterSeconds: expect.any(Number) });
    } finally {
      await throttled.stop();
    }
  });

  it('reports UPSTREAM_UNAVAILABLE when Graph keeps failing', async () => {
    stack.simulator.control.setChaos({ p503: 1 });
    const result = await stack.query(PAGE, { first: 1 });
    stack.simulator.control.setChaos(null);
    expect(code(result)).toBe('UPSTREAM_UNAVAILABLE');
  });

  it("reports UPSTREAM_AUTH_FAILED when the gateway's credentials are refused", async () => {
    const wrong = await startStack({ credential: { clientSecret: 'not-the-registered-secret' } });
    try {
      const result = await wrong.query(PAGE, { first: 1 });
      expect(code(result)).toBe('UPSTREAM_AUTH_FAILED');
      expect(JSON.stringify(result)).not.toContain('not-the-registered-secret');
      expect(wrong.simulator.control.log().filter((e) => e.kind !== 'identity')).toEqual([]);
    } finally {
      await wrong.stop();
    }
  });

  it('never shows a stack trace or internal detail outside development', async () => {
    stack.simulator.control.setChaos({ p503: 1 });
    const result = await stack.query(PAGE, { first: 1 });
    stack.simulator.control.setChaos(null);
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/stacktrace|at \w+ \(|node_modules|Bearer /);
  });
});

describe('the README example operations', () => {
  const operations = parse(EXAMPLE_OPERATIONS).definitions as OperationDefinitionNode[];
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();

  const run = (operationName: string, variables: Record<string, unknown>) => runExample(stack, operationName, variables);

  it('has the operations the README shows', () => {
    expect(operations.map((op) => op.name?.value)).toEqual(README_OPERATION_NAMES);
  });

  it('follows the call PlaceCall placed with WatchCall over graphql-ws until it is established', async () => {
    const placed = await run('PlaceCall', {});
    expect(placed.errors).toBeUndefined();
    const id = placed.data!.createCall.id as string;
    const client = createClient({ url: stack.gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const states: string[] = [];
      for await (const result of client.iterate<{ callUpdated: { state: string } }>({
        query: EXAMPLE_OPERATIONS,
        operationName: 'WatchCall',
        variables: { id },
      })) {
        expect(result.errors).toBeUndefined();
        states.push(result.data!.callUpdated.state);
        if (result.data!.callUpdated.state === 'ESTABLISHED') break;
      }
      expect(states).toEqual(['ESTABLISHING', 'ESTABLISHED']);
    } finally {
      await client.dispose();
    }
  });

  it('pages on from RecentCallRecords with NextCallRecords, as a reader pasting the endCursor would', async () => {
    const first = await run('RecentCallRecords', { since });
    expect(first.errors).toBeUndefined();
    expect(first.data!.callRecords.edges).toHaveLength(5);
    const next = await run('NextCallRecords', { since, after: first.data!.callRecords.pageInfo.endCursor });
    expect(next.errors).toBeUndefined();
    const firstIds = first.data!.callRecords.edges.map((e: { node: { id: string } }) => e.node.id);
    const nextIds = next.data!.callRecords.nodes.map((n: { id: string }) => n.id);
    expect(nextIds).toHaveLength(5);
    expect(nextIds.filter((id: string) => firstIds.includes(id))).toEqual([]);
  });

  it('places a call with PlaceCall and reads it back with OneCall', async () => {
    const placed = await run('PlaceCall', {});
    expect(placed.errors).toBeUndefined();
    const id = placed.data!.createCall.id as string;
    const read = await run('OneCall', { id });
    expect(read.errors).toBeUndefined();
    expect(read.data!.call).toMatchObject({ id, direction: 'OUTGOING', mediaConfig: { __typename: 'ServiceHostedMediaConfig' } });
  });
});
