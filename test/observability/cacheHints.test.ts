import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const NOW = '2026-11-20T12:00:00Z';
let stack: Stack;
let id: string;

beforeAll(async () => {
  stack = await startStack({ simulator: { callRecordCount: 30, now: NOW } });
  const retention = new Date(Date.parse(NOW) - 30 * 24 * 3600 * 1000).toISOString();
  id = (stack.simulator.resources.snapshot().callRecords as Array<{ id: string; startDateTime: string }>).find(
    (r) => r.startDateTime >= retention,
  )!.id;
});
afterAll(async () => stack?.stop());

async function cacheControl(query: string, variables?: Record<string, unknown>): Promise<string | null> {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
  return response.headers.get('cache-control');
}

describe('cache hints', () => {
  it('lets a caller reuse a call record, with everything inside it, for five minutes, privately', async () => {
    const query =
      'query($id: ID!) { callRecord(id: $id) { id organizer { identity { user { id user { id } } } } participants { id } sessions { id caller { __typename } } } }';
    expect(await cacheControl(query, { id })).toBe('max-age=300, private');
  });

  it('keeps the list of call records uncacheable: new records keep arriving', async () => {
    expect(await cacheControl('{ callRecords(first: 2) { nodes { id } } }')).toBe('no-store');
  });

  it('keeps calls uncacheable: they are live state', async () => {
    expect(await cacheControl('{ calls { id state } }')).toBe('no-store');
  });

  it('lets a router cache an _entities fetch of call records, but not one that includes a call', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { id } ... on Call { id } } }';
    expect(await cacheControl(query, { r: [{ __typename: 'CallRecord', id }] })).toBe('max-age=300, private');
    const mixed = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query,
        variables: {
          r: [
            { __typename: 'CallRecord', id },
            { __typename: 'Call', id: 'no-such-call' },
          ],
        },
      }),
    });
    expect(mixed.headers.get('cache-control')).toBe('no-store');
  });
});
