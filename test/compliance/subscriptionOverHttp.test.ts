import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { callRecordCount: 3 } });
});
afterAll(async () => {
  await stack?.stop();
});

describe('a subscription sent over HTTP', () => {
  it('is refused with 400 saying subscriptions run over graphql-ws, before anything runs', async () => {
    for (const query of [
      'subscription IncomingCalls { incomingCall { id } }',
      'subscription { callUpdated(id: "6a4b9c1e-0000-4000-8000-000000000001") { id state } }',
    ]) {
      const result = await stack.query(query);
      expect(result.status, query).toBe(400);
      expect(result.data, query).toBeUndefined();
      expect(result.errors?.[0]?.extensions?.['code'], query).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(result.errors?.[0]?.message, query).toMatch(/WebSocket \(graphql-ws\)/);
    }
  });

  it('leaves queries in the same document alone: the operation named is what counts', async () => {
    const document = 'subscription Incoming { incomingCall { id } }\nquery Records { callRecords(first: 1) { nodes { id } } }';
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: document, operationName: 'Records' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { callRecords: { nodes: unknown[] } } };
    expect(body.data?.callRecords.nodes).toHaveLength(1);
  });
});
