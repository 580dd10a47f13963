import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningSimulator } from '@comms-graphql/simulator';
import { createClient } from 'redis';
import { redisUnavailableReason, startRedis, type RunningRedis } from '../helpers/redis.js';
import { createSimulatorClient } from '../helpers/simulator.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * The version-keyed call-record cache over real gateways, one simulator and (for the shared level) a real
 * redis-server. What Graph was asked is read from the simulator's own counters.
 */

const NOW = '2026-11-20T12:00:00Z';
const PAGE_60 = `{
  callRecords(first: 60) {
    nodes { id version lastModifiedDateTime type sessions { id modalities segments { id media { label } } } participants { id } }
    pageInfo { endCursor }
  }
}`;
const ONE_RECORD = `query ($id: ID!) { callRecord(id: $id) { id version startDateTime sessions { id segments { id } } participants { id } } }`;

interface PageNode {
  id: string;
  version: number;
  sessions: Array<{ id: string; segments: unknown[] }>;
  participants: unknown[];
}
type Page = { callRecords: { nodes: PageNode[] } };
type One = { callRecord: { id: string; version: number; sessions: Array<{ id: string }>; participants: unknown[] } | null };

/** Graph requests the simulator served so far: top-level ones (a `$batch` counts once) and the items inside `$batch`. */
function served(simulator: RunningSimulator): { requests: number; items: number; byRoute: Record<string, number> } {
  const { graph, batchItems } = simulator.control.stats();
  const sum = (counters: Record<string, Record<string, number>>): number =>
    Object.values(counters).reduce((n, byStatus) => n + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);
  const byRoute = Object.fromEntries(
    Object.entries(graph).map(([route, byStatus]) => [route, Object.values(byStatus).reduce((a, b) => a + b, 0)]),
  );
  return { requests: sum(graph), items: sum(batchItems), byRoute };
}

/** What the operation `run` cost Graph. */
async function cost<T>(
  simulator: RunningSimulator,
  run: () => Promise<T>,
): Promise<{ result: T; requests: number; items: number; byRoute: Record<string, number> }> {
  const before = served(simulator);
  const result = await run();
  const after = served(simulator);
  const byRoute = Object.fromEntries(
    Object.entries(after.byRoute)
      .map(([route, n]) => [route, n - (before.byRoute[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  return { result, requests: after.requests - before.requests, items: after.items - before.items, byRoute };
}

async function bumpVersion(simulator: RunningSimulator, id: string): Promise<{ version: number; sessions: number }> {
  // Through the control surface over HTTP, as a user of `npm start` would.
  const client = createSimulatorClient(simulator);
  try {
    const response = await client.fetch(`/_simulator/callRecords/${id}/version`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { version: number; sessions: number };
  } finally {
    await client.close();
  }
}

async function metric(stack: Stack, line: string): Promise<number> {
  const text = await (
    await fetch(
      `http://127.0.0.1:${stack.gateway.port}/metrics`,
      stack.callerToken ? { headers: { authorization: `Bearer ${stack.callerToken}` } } : {},
    )
  ).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe('the call-record cache in one process (no Redis)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      simulator: { callRecordCount: 200, now: NOW },
      env: { CALL_RECORD_CACHE_FRESHNESS_MS: '3600000' },
    });
  });
  afterAll(async () => stack?.stop());

  it('answers a warm page of 60 records with sessions and segments from one Graph request, with the data of the cold page', async () => {
    const cold = await cost(stack.simulator, () => stack.query<Page>(PAGE_60));
    expect(cold.result.errors).toBeUndefined();
    const nodes = cold.result.data!.callRecords.nodes;
    expect(nodes).toHaveLength(60);
    // The page holds a record with more sessions than Graph expands on one page: its nextLink was followed.
    expect(Math.max(...nodes.map((n) => n.sessions.length))).toBeGreaterThan(60);
    expect(cold.requests).toBeGreaterThan(1);

    const warm = await cost(stack.simulator, () => stack.query<Page>(PAGE_60));
    expect(warm.result.errors).toBeUndefined();
    expect(warm.byRoute).toEqual({ 'callRecords.list': 1 });
    expect(warm.requests).toBe(1);
    expect(warm.items).toBe(0);
    expect(warm.result.data).toEqual(cold.result.data);
    expect(await metric(stack, 'comms_callrecord_cache_lookups_total{level="memory",result="hit"}')).toBeGreaterThanOrEqual(120);
  });

  it('fetches again the expansions of a record whose version moved, and only those', async () => {
    const before = (await stack.query<Page>(PAGE_60)).data!.callRecords.nodes;
    const target = before[7]!;
    const bumped = await bumpVersion(stack.simulator, target.id);
    expect(bumped.version).toBe(target.version + 1);

    const after = await cost(stack.simulator, () => stack.query<Page>(PAGE_60));
    const node = after.result.data!.callRecords.nodes[7]!;
    expect(node.version).toBe(target.version + 1);
    expect(node.sessions).toHaveLength(target.sessions.length + 1);
    expect(node.sessions.slice(0, -1)).toEqual(target.sessions);
    // The list, then that record's sessions and participants (two GETs in one $batch); the other 59 from the cache.
    expect(after.byRoute).toEqual({ 'callRecords.list': 1, $batch: 1 });
    expect(after.items).toBe(2);
  });

  it('serves callRecord(id) within the freshness window without asking Graph', async () => {
    const id = (await stack.query<Page>(PAGE_60)).data!.callRecords.nodes[3]!.id;
    const first = await cost(stack.simulator, () => stack.query<One>(ONE_RECORD, { id }));
    expect(first.result.errors).toBeUndefined();
    expect(first.requests).toBeGreaterThan(0);
    const second = await cost(stack.simulator, () => stack.query<One>(ONE_RECORD, { id }));
    expect(second.requests + second.items).toBe(0);
    expect(second.result.data).toEqual(first.result.data);
  });

  it('answers a record Graph does not have with NOT_FOUND, and caches nothing for it', async () => {
    const missing = '00000000-0000-0000-0000-000000000000';
    for (let i = 0; i < 2; i++) {
      const { result, requests } = await cost(stack.simulator, () => stack.query<One>(ONE_RECORD, { id: missing }));
      expect(result.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
      expect(requests).toBe(1);
    }
  });
});

describe('the call-record cache behind caller authorization', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { callRecordCount: 50, now: NOW }, callerApp: 'caller-records' });
  });
  afterAll(async () => stack?.stop());

  it('refuses a caller without the call-records permission on every path to a warm cache, before reading it', async () => {
    const page = await stack.query<Page>(PAGE_60);
    expect(page.errors).toBeUndefined();
    const id = page.data!.callRecords.nodes[0]!.id;
    await stack.query<One>(ONE_RECORD, { id });
    const token = await stack.simulator.control.mintToken({ app: 'caller-no-roles' });
    const operations = [
      { query: PAGE_60 },
      { query: ONE_RECORD, variables: { id } },
      {
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { id sessions { id } } } }',
        variables: { r: [{ __typename: 'CallRecord', id }] },
      },
    ];
    const lookups = await metric(stack, 'comms_callrecord_cache_lookups_total{level="memory",result="hit"}');
    for (const operation of operations) {
      const response = await fetch(stack.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(operation),
      });
      const answer = (await response.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
      expect(answer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(answer.data ?? null).toBeNull();
    }
    // Not one lookup: the cache was never read for them.
    expect(await metric(stack, 'comms_callrecord_cache_lookups_total{level="memory",result="hit"}')).toBe(lookups);
  });
});

describe('revalidation of callRecord(id) past the freshness window', () => {
  let stack: Stack;
  beforeAll(async () => {
    // Freshness 0: every read asks Graph whether the version moved.
    stack = await startStack({ simulator: { callRecordCount: 50, now: NOW }, env: { CALL_RECORD_CACHE_FRESHNESS_MS: '0' } });
  });
  afterAll(async () => stack?.stop());

  it('checks only the version when it did not move, and reuses the cached expansions', async () => {
    const id = (await stack.query<Page>(PAGE_60)).data!.callRecords.nodes[0]!.id;
    const first = await cost(stack.simulator, () => stack.query<One>(ONE_RECORD, { id }));
    const again = await cost(stack.simulator, () => stack.query<One>(ONE_RECORD, { id }));
    expect(again.result.data).toEqual(first.result.data);
    expect(again.byRoute).toEqual({ 'callRecords.get': 1 });
    expect(again.items).toBe(0);
    const check = stack.simulator.control.log().at(-1)!;
    expect(decodeURIComponent(check.path)).toMatch(/\/callRecords\/[^?]+\?\$select=id,version$/);
    expect(await metric(stack, 'comms_callrecord_cache_revalidations_total{result="unchanged"}')).toBe(1);
  });

  it('fetches the record again when its version moved', async () => {
    const id = (await stack.query<Page>(PAGE_60)).data!.callRecords.nodes[1]!.id;
    const first = (await stack.query<One>(ONE_RECORD, { id })).data!.callRecord!;
    await bumpVersion(stack.simulator, id);
    const after = await cost(stack.simulator, () => stack.query<One>(ONE_RECORD, { id }));
    const record = after.result.data!.callRecord!;
    expect(record.version).toBe(first.version + 1);
    expect(record.sessions).toHaveLength(first.sessions.length + 1);
    // The version check, then the record with its two expansions.
    expect(after.byRoute).toEqual({ 'callRecords.get': 1, $batch: 1 });
    expect(await metric(stack, 'comms_callrecord_cache_revalidations_total{result="changed"}')).toBe(1);
  });
});

describe('the call-record cache with its in-process level bounded', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { callRecordCount: 50, now: NOW }, env: { CALL_RECORD_CACHE_MAX_ENTRIES: '10' } });
  });
  afterAll(async () => stack?.stop());

  it('holds at most the configured entries: a page of 60 no longer fits, and pushed-out entries are counted', async () => {
    const records = (await stack.query<Page>(PAGE_60)).data!.callRecords.nodes.length;
    expect(records).toBeGreaterThan(20);
    const again = await cost(stack.simulator, () => stack.query<Page>(PAGE_60));
    // Two expansions per record for 10 slots: the second page finds at most 10 of them.
    expect(again.items).toBeGreaterThanOrEqual(2 * records - 10);
    expect(await metric(stack, 'comms_callrecord_cache_evictions_total{reason="capacity"}')).toBeGreaterThanOrEqual(2 * records - 10);
  });
});

describe.skipIf(redisUnavailableReason() !== undefined)('the call-record cache shared by replicas through Redis', () => {
  let redis: RunningRedis;
  let one: Stack;
  let two: Stack;
  let three: Stack;
  beforeAll(async () => {
    redis = await startRedis();
    // One CURSOR_SECRET for the deployment, as the README asks, so that the replicas' cursors are the same.
    const env = {
      REDIS_URL: redis.url,
      // A page's 1.4 MB of expansions go to Redis in one pipeline; on this shared test machine, let it take its time.
      REDIS_COMMAND_TIMEOUT_MS: '2000',
      CALL_RECORD_CACHE_FRESHNESS_MS: '3600000',
      CURSOR_SECRET: 'a-cursor-secret-shared-by-every-replica',
    };
    one = await startStack({ env, simulator: { callRecordCount: 200, now: NOW } });
    two = await startStack({ env, sharedSimulator: one.simulator });
    three = await startStack({ env, sharedSimulator: one.simulator });
    await untilRedis([one, two, three], 'up');
  });
  afterAll(async () => {
    for (const stack of [three, two, one]) await stack?.stop();
    await redis?.stop();
  });

  async function untilRedis(stacks: Stack[], state: 'up' | 'down'): Promise<void> {
    await vi.waitFor(
      async () => {
        for (const stack of stacks) {
          const body = (await (await fetch(`http://127.0.0.1:${stack.gateway.port}/readyz`)).json()) as { redis?: string };
          expect(body.redis).toBe(state);
        }
      },
      { timeout: 15_000, interval: 50 },
    );
  }

  /**
   * Operations do not wait for their writes to Redis: before another replica reads, wait until Redis holds `fields`
   * entries (the record and its expansions) for each id, looking at Redis itself so that no replica's read is spent.
   */
  async function untilShared(ids: readonly string[], fields: number): Promise<void> {
    const client = createClient({ url: redis.url, RESP: 2 });
    await client.connect();
    try {
      await vi.waitFor(
        async () => {
          for (const id of ids) {
            const [key] = await client.keys(`comms:callrecord:*:${id}}`);
            expect(key, id).toBeDefined();
            expect(await client.hLen(key!)).toBeGreaterThanOrEqual(fields);
          }
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      client.destroy();
    }
  }

  it('serves through replica 2 a record read through replica 1 at no cost to Graph', async () => {
    const id = (await one.query<Page>(PAGE_60)).data!.callRecords.nodes[5]!.id;
    const first = await cost(one.simulator, () => one.query<One>(ONE_RECORD, { id }));
    expect(first.requests).toBeGreaterThan(0);
    await untilShared([id], 3);
    const second = await cost(one.simulator, () => two.query<One>(ONE_RECORD, { id }));
    expect(second.requests + second.items).toBe(0);
    expect(second.result.data).toEqual(first.result.data);
    expect(await metric(two, 'comms_callrecord_cache_lookups_total{level="redis",result="hit"}')).toBeGreaterThanOrEqual(3);
  });

  it('answers a page warmed on replica 1 through replica 3 with one Graph request', async () => {
    const cold = await one.query<Page>(PAGE_60);
    await untilShared(
      cold.data!.callRecords.nodes.map((n) => n.id),
      2,
    );
    const warm = await cost(one.simulator, () => three.query<Page>(PAGE_60));
    expect(warm.byRoute).toEqual({ 'callRecords.list': 1 });
    expect(warm.items).toBe(0);
    expect(warm.result.data).toEqual(cold.data);
  });

  it("evicts a record on every replica: each one's next callRecord(id) asks Graph", async () => {
    const id = (await one.query<Page>(PAGE_60)).data!.callRecords.nodes[9]!.id;
    await one.query<One>(ONE_RECORD, { id });
    await untilShared([id], 3);
    expect((await cost(one.simulator, () => two.query<One>(ONE_RECORD, { id }))).requests).toBe(0);
    const peerEvictions = await metric(two, 'comms_callrecord_cache_evictions_total{reason="peer"}');
    await bumpVersion(one.simulator, id);
    await one.gateway.callRecordCache.evict(id);
    await vi.waitFor(async () =>
      expect(await metric(two, 'comms_callrecord_cache_evictions_total{reason="peer"}')).toBeGreaterThan(peerEvictions),
    );
    const after = await cost(one.simulator, () => two.query<One>(ONE_RECORD, { id }));
    expect(after.requests).toBeGreaterThan(0);
    expect(after.result.data!.callRecord!.version).toBe((await one.query<One>(ONE_RECORD, { id })).data!.callRecord!.version);
  });

  it('keeps answering from Graph and the in-process level while Redis is down, and shares again once it is back', async () => {
    const warm = await one.query<Page>(PAGE_60);
    await redis.kill();
    try {
      await untilRedis([one, two], 'down');
      // Replica 1's own level still holds the page: one Graph request.
      const local = await cost(one.simulator, () => one.query<Page>(PAGE_60));
      expect(local.result.errors).toBeUndefined();
      expect(local.byRoute).toEqual({ 'callRecords.list': 1 });
      expect(local.result.data).toEqual(warm.data);
      // A record no replica has read (the newest; pages start with the oldest): from Graph.
      const fresh = (one.simulator.resources.snapshot().callRecords.at(-1) as { id: string }).id;
      expect(warm.data!.callRecords.nodes.map((n) => n.id)).not.toContain(fresh);
      const fromGraph = await cost(one.simulator, () => two.query<One>(ONE_RECORD, { id: fresh }));
      expect(fromGraph.result.errors).toBeUndefined();
      expect(fromGraph.requests).toBeGreaterThan(0);
    } finally {
      await redis.start();
    }
    await untilRedis([one, two, three], 'up');
    const id = (await one.query<Page>(PAGE_60)).data!.callRecords.nodes[11]!.id;
    const first = await one.query<One>(ONE_RECORD, { id });
    await untilShared([id], 3);
    const shared = await cost(one.simulator, () => three.query<One>(ONE_RECORD, { id }));
    expect(shared.requests + shared.items).toBe(0);
    expect(shared.result.data).toEqual(first.data);
  });
});
