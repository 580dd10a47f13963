import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const NOW = '2026-11-20T12:00:00Z';
const MISSING = '00000000-0000-4000-8000-00000000dead';

let stack: Stack;
let recordIds: string[];
let callIds: string[];

beforeAll(async () => {
  // Default limits: nothing raised, so a 100-id operation must fit the gateway's own defaults.
  stack = await startStack({ simulator: { callRecordCount: 300, now: NOW } });
  recordIds = (stack.simulator.resources.snapshot().callRecords as Array<{ id: string }>).map((r) => r.id);
});
afterAll(async () => stack?.stop());
beforeEach(() => {
  stack.simulator.control.reset();
  const calls = Array.from({ length: 100 }, (_, i) => ({
    id: `5a1c0000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    state: 'established',
    direction: 'outgoing',
    subject: `call ${i}`,
    callbackUri: 'https://bot.contoso.com/callback',
  }));
  stack.simulator.resources.loadFixtures({ calls }, { merge: true });
  callIds = calls.map((c) => c.id);
});

/** Graph requests on the wire, by route (not the items inside a `$batch`). */
function requests(): Record<string, number> {
  const graph = stack.simulator.control.stats().graph;
  return Object.fromEntries(Object.entries(graph).map(([route, byStatus]) => [route, Object.values(byStatus).reduce((a, b) => a + b, 0)]));
}

interface Answer<T> {
  data?: Record<string, Array<T | null>> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

describe.each([
  {
    field: 'callRecordsByIds',
    selection: 'id startDateTime type organizer { id }',
    ids: () => recordIds.slice(0, 100),
  },
  { field: 'callsByIds', selection: 'id state subject', ids: () => callIds },
])('$field', ({ field, selection, ids }) => {
  it('answers 100 ids in the order asked in one operation of exactly 5 $batch requests, a missing id null with NOT_FOUND at its index', async () => {
    const asked = [...ids()].reverse();
    asked[37] = MISSING;
    const result = (await stack.query(`query($ids: [ID!]!) { ${field}(ids: $ids) { ${selection} } }`, { ids: asked })) as Answer<{
      id: string;
    }>;
    const answers = result.data![field]!;
    expect(answers).toHaveLength(100);
    expect(answers.map((a) => a?.id ?? null)).toEqual(asked.map((id) => (id === MISSING ? null : id)));
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.path).toEqual([field, 37]);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(requests()).toEqual({ $batch: 5 });
    expect(stack.simulator.control.stats().batchItems).toEqual({
      [field === 'callsByIds' ? 'calls.get' : 'callRecords.get']: { '200': 99, '404': 1 },
    });
  });

  it('accepts 100 ids written in the document under the default token, alias and cost limits', async () => {
    const list = ids()
      .map((id) => `"${id}"`)
      .join(' ');
    const result = (await stack.query(`{ ${field}(ids: [${list}]) { ${selection} } }`)) as Answer<{ id: string }>;
    expect(result.errors).toBeUndefined();
    expect(result.data![field]).toHaveLength(100);
  });

  it('refuses 101 ids and a malformed id with BAD_USER_INPUT before Graph is asked', async () => {
    const tooMany = (await stack.query(`query($ids: [ID!]!) { ${field}(ids: $ids) { id } }`, {
      ids: [...ids(), MISSING],
    })) as Answer<unknown>;
    expect(tooMany.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toContain('got 101');
    const malformed = (await stack.query(`query($ids: [ID!]!) { ${field}(ids: $ids) { id } }`, {
      ids: [ids()[0], '../calls'],
    })) as Answer<unknown>;
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids[1]' });
    expect(requests()).toEqual({});
  });

  it('answers an empty list without asking Graph', async () => {
    const result = (await stack.query(`{ ${field}(ids: []) { id } }`)) as Answer<unknown>;
    expect(result.data![field]).toEqual([]);
    expect(requests()).toEqual({});
  });
});

describe('cost of many by id', () => {
  it('charges each id: a selection that fits for one id is refused for 100 when it passes the cost limit', async () => {
    const limited = await startStack({ env: { LIMIT_MAX_COST: '1000' }, simulator: { callRecordCount: 120, now: NOW } });
    try {
      const ids = (limited.simulator.resources.snapshot().callRecords as Array<{ id: string }>).slice(0, 100).map((r) => r.id);
      const query = `query($ids: [ID!]!) { callRecordsByIds(ids: $ids) { id version type startDateTime endDateTime lastModifiedDateTime joinWebUrl modalities organizer { id identity { user { id displayName } } } } }`;
      const one = (await limited.query(query, { ids: ids.slice(0, 1) })) as Answer<unknown>;
      expect(one.errors).toBeUndefined();
      const hundred = (await limited.query(query, { ids })) as Answer<unknown>;
      expect(hundred.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(hundred.errors?.[0]?.message).toMatch(/cost limit of 1000 exceeded, found 1500/);
    } finally {
      await limited.stop();
    }
  });
});
