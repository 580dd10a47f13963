import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

interface Record_ {
  id: string;
  startDateTime: string;
  participants_v2?: Array<{ id?: string }>;
}

const PAGE = `query Page($filter: CallRecordFilter, $first: Int, $after: String) {
  callRecords(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id startDateTime } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface PageData {
  callRecords: {
    edges: Array<{ cursor: string; node: { id: string; startDateTime: string } }>;
    nodes: Array<{ id: string }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

let stack: Stack;
let records: Record_[];
const NOW = '2026-11-20T12:00:00Z';

beforeAll(async () => {
  stack = await startStack({
    simulator: {
      callRecordCount: 400,
      now: NOW,
      // Paging a whole filtered set takes many list requests: raise Graph's list limit for this file only.
      throttle: { callRecordsList: { limit: 10_000, windowMs: 20_000 } },
    },
    // The Graph requests counted here are what each operation costs with nothing cached (the cache has its own tests).
    env: { CALL_RECORD_CACHE_MAX_ENTRIES: '0' },
  });
  records = stack.simulator.resources.snapshot().callRecords as Record_[];
});
afterAll(async () => stack?.stop());
beforeEach(() => stack.simulator.control.reset());

/** Every record the gateway returns for a filter, walking `after` cursors. */
async function walk(filter: object | undefined, first: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 1; ; pages++) {
    const result: Awaited<ReturnType<typeof stack.query<PageData>>> = await stack.query<PageData>(PAGE, { filter, first, after });
    expect(result.errors).toBeUndefined();
    const connection: PageData['callRecords'] = result.data!.callRecords;
    expect(connection.edges.map((e) => e.node.id)).toEqual(connection.nodes.map((n) => n.id));
    ids.push(...connection.nodes.map((n) => n.id));
    if (!connection.pageInfo.hasNextPage) return { ids, pages };
    expect(connection.edges.length).toBe(first);
    after = connection.pageInfo.endCursor;
    expect(pages).toBeLessThan(500);
  }
}

const retentionStart = new Date(Date.parse(NOW) - 30 * 24 * 3600 * 1000);

describe('callRecords paging', () => {
  const from = new Date(Date.parse(NOW) - 12 * 24 * 3600 * 1000).toISOString();
  const to = new Date(Date.parse(NOW) - 4 * 24 * 3600 * 1000).toISOString();
  const inRange = () =>
    records.filter((r) => r.startDateTime >= from && r.startDateTime < to && new Date(r.startDateTime) >= retentionStart);

  it.each([1, 7, 20, 60, 100])(
    "walks a date-filtered set with first=%i: exactly the simulator's records, no duplicates, no gaps",
    async (first) => {
      const expected = inRange().map((r) => r.id);
      expect(expected.length).toBeGreaterThan(60);
      const { ids } = await walk({ startDateTime: { gte: from, lt: to } }, first);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected].sort());
    },
  );

  it('walks a participant-filtered set to exactly the records that participant joined', async () => {
    const participant = records.flatMap((r) => r.participants_v2 ?? []).find((p) => p.id && !p.id.startsWith('+'))!.id!;
    const expected = records.filter((r) => (r.participants_v2 ?? []).some((p) => p.id === participant)).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    const { ids } = await walk({ participantId: participant }, 3);
    expect([...ids].sort()).toEqual([...expected].sort());
  });

  it('returns exactly first records per page when Graph pages are smaller than first (first above 60)', async () => {
    const result = await stack.query<PageData>(PAGE, { first: 100 });
    expect(result.data!.callRecords.nodes).toHaveLength(100);
    expect(result.data!.callRecords.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const lists = stack.simulator.control.log().filter((e) => e.route === 'callRecords.list');
    expect(lists).toHaveLength(2);
  });

  it('uses the default page size of 20 when first is absent', async () => {
    const result = await stack.query<PageData>(PAGE, {});
    expect(result.data!.callRecords.nodes).toHaveLength(20);
  });

  it('gives every edge a cursor that resumes right after that edge', async () => {
    const first = await stack.query<PageData>(PAGE, { first: 10 });
    const edges = first.data!.callRecords.edges;
    const resumed = await stack.query<PageData>(PAGE, { first: 3, after: edges[4]!.cursor });
    expect(resumed.data!.callRecords.nodes.map((n) => n.id)).toEqual(edges.slice(5, 8).map((e) => e.node.id));
  });

  it('completes records from a cursor whose Graph page selected fewer fields than the new query', async () => {
    const slim = await stack.query<PageData>(`{ callRecords(first: 2) { pageInfo { endCursor } nodes { id } } }`);
    const cursor = slim.data!.callRecords.pageInfo.endCursor;
    const rich = await stack.query<{ callRecords: { nodes: Array<{ id: string; type: string; version: number }> } }>(
      `query($after: String) { callRecords(first: 2, after: $after) { nodes { id type version } } }`,
      { after: cursor },
    );
    expect(rich.errors).toBeUndefined();
    for (const node of rich.data!.callRecords.nodes) {
      expect(node.type).toMatch(/^[A-Z_]+$/);
      expect(node.version).toBeGreaterThan(0);
    }
  });
});

describe('callRecords round trips and pushdown', () => {
  it('asks Graph only for the selected properties and the version the cache keys by ($select pushdown)', async () => {
    await stack.query(`{ callRecords(first: 5) { nodes { id startDateTime } } }`);
    const list = stack.simulator.control.log().find((e) => e.route === 'callRecords.list')!;
    const query = new URLSearchParams(list.path.split('?')[1]);
    expect(query.get('$select')).toBe('id,lastModifiedDateTime,startDateTime,version');
  });

  it('costs one list request plus ceil(N/20) $batch requests for a page of N records with sessions and segments', async () => {
    const result = await stack.query<{ callRecords: { nodes: Array<{ sessions: Array<{ segments: unknown[] }> }> } }>(
      `{ callRecords(first: 45) { nodes { id sessions { id segments { id media { label } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.callRecords.nodes).toHaveLength(45);
    for (const node of result.data!.callRecords.nodes) {
      expect(node.sessions.length).toBeGreaterThan(0);
      for (const session of node.sessions) expect(session.segments.length).toBeGreaterThan(0);
    }
    const top = stack.simulator.control.log().filter((e) => !e.inBatch && e.kind !== 'identity');
    const counts = top.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.route]: (acc[e.route] ?? 0) + 1 }), {});
    expect(counts).toEqual({ 'callRecords.list': 1, $batch: 3 });
    const items = stack.simulator.control.log().filter((e) => e.inBatch);
    expect(items).toHaveLength(45);
    expect(items.every((e) => decodeURIComponent(e.path).includes('$expand=sessions($expand=segments)'))).toBe(true);
  });

  it('returns a callRecord by id with sessions in a single Graph request', async () => {
    const id = records.find((r) => new Date(r.startDateTime) >= retentionStart)!.id;
    const result = await stack.query<{ callRecord: { id: string; sessions: Array<{ id: string }> } }>(
      `query($id: ID!) { callRecord(id: $id) { id type sessions { id caller { __typename } } } }`,
      { id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.callRecord.id).toBe(id);
    expect(result.data!.callRecord.sessions.length).toBeGreaterThan(0);
    const top = stack.simulator.control.log().filter((e) => e.kind !== 'identity');
    expect(top.map((e) => e.route)).toEqual(['callRecords.get']);
  });

  it("fetches a callRecord's sessions and participants in one round trip", async () => {
    const id = records.find((r) => new Date(r.startDateTime) >= retentionStart)!.id;
    const result = await stack.query<{ callRecord: { sessions: unknown[]; participants: unknown[] } }>(
      `query($id: ID!) { callRecord(id: $id) { id sessions { id } participants { id } } }`,
      { id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.callRecord.sessions.length).toBeGreaterThan(0);
    expect(result.data!.callRecord.participants.length).toBeGreaterThan(0);
    const top = stack.simulator.control.log().filter((e) => !e.inBatch && e.kind !== 'identity');
    expect(top.map((e) => e.route)).toEqual(['$batch']);
    const items = stack.simulator.control
      .log()
      .filter((e) => e.inBatch)
      .map((e) => decodeURIComponent(e.path));
    expect(items).toHaveLength(2);
    expect(items.some((p) => p.includes('$expand=sessions'))).toBe(true);
    expect(items.some((p) => p.includes('$expand=participants_v2'))).toBe(true);
  });

  it('costs ceil(K/20) $batch requests for K distinct call records asked for by alias', async () => {
    const ids = records
      .filter((r) => new Date(r.startDateTime) >= retentionStart)
      .slice(0, 25)
      .map((r) => r.id);
    const query = `{ ${ids.map((id, i) => `r${i}: callRecord(id: "${id}") { id startDateTime }`).join('\n')} }`;
    const result = await stack.query<Record<string, { id: string }>>(query);
    expect(result.errors).toBeUndefined();
    expect(ids.map((_, i) => result.data![`r${i}`]!.id)).toEqual(ids);
    const top = stack.simulator.control.log().filter((e) => !e.inBatch && e.kind !== 'identity');
    expect(top.map((e) => e.route)).toEqual(['$batch', '$batch']);
  });
});
