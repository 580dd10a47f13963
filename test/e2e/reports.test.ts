import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runExample } from '../helpers/examples.js';
import { startStack, type GraphQLResult, type Stack } from '../helpers/stack.js';

const NOW = '2026-11-20T12:00:00Z';
const DAY = 86_400_000;
type Row = Record<string, unknown>;

const PSTN_FIELDS = `id callId userId userPrincipalName userDisplayName startDateTime endDateTime duration charge connectionCharge
  currency callType calleeNumber callerNumber usageCountryCode tenantCountryCode destinationContext destinationName conferenceId
  licenseCapability inventoryType operator callDurationSource`;
const DIRECT_ROUTING_FIELDS = `id correlationId userId userPrincipalName userDisplayName startDateTime inviteDateTime failureDateTime
  endDateTime duration callType successfulCall callerNumber calleeNumber mediaPathLocation signalingLocation finalSipCode
  finalSipCodePhrase callEndSubReason trunkFullyQualifiedDomainName mediaBypassEnabled`;

const page = (
  field: 'pstnCalls' | 'directRoutingCalls',
  fields: string,
) => `query($from: DateTime!, $to: DateTime!, $first: Int, $after: String) {
  ${field}(from: $from, to: $to, first: $first, after: $after) {
    edges { cursor node { ${fields} } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Connection {
  edges: Array<{ cursor: string; node: Row }>;
  nodes: Array<{ id: string }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

let stack: Stack;
let pstnRows: readonly Row[];
let directRoutingRows: readonly Row[];
beforeAll(async () => {
  stack = await startStack({
    simulator: {
      callRecordCount: 400,
      now: NOW,
      // Walking 1,000+ rows seven at a time asks for Graph pages far more often than Graph's 200 per minute.
      throttle: { pstnCallLogs: { limit: 100_000, windowMs: 60_000 } },
    },
  });
  ({ pstnCalls: pstnRows, directRoutingCalls: directRoutingRows } = stack.simulator.resources.snapshot());
});
afterAll(async () => stack?.stop());
beforeEach(() => stack.simulator.control.reset());

const startOf = (row: Row) => Date.parse(row['startDateTime'] as string);
const reportRequests = () => {
  const graph = stack.simulator.control.stats().graph;
  const sum = (route: string) => Object.values(graph[route] ?? {}).reduce((a, b) => a + b, 0);
  return sum('callRecords.getPstnCalls') + sum('callRecords.getDirectRoutingCalls');
};

/** A range holding a little more than one of Graph's 1,000-row pages: `from` at one row, `to` at a later one. */
function rangeOf(rows: readonly Row[], inclusiveTo: boolean): { from: string; to: string; expected: Row[] } {
  const from = rows[150]?.['startDateTime'] as string;
  const to = rows[150 + 1_100]?.['startDateTime'] as string;
  const expected = rows.filter(
    (r) => startOf(r) >= Date.parse(from) && (inclusiveTo ? startOf(r) <= Date.parse(to) : startOf(r) < Date.parse(to)),
  );
  return { from, to, expected };
}

async function walk(field: 'pstnCalls' | 'directRoutingCalls', fields: string, from: string, to: string, first: number) {
  const rows: Row[] = [];
  let after: string | null = null;
  for (let pages = 1; ; pages++) {
    const result: GraphQLResult<Record<string, Connection>> = await stack.query<Record<string, Connection>>(page(field, fields), {
      from,
      to,
      first,
      after,
    });
    expect(result.errors).toBeUndefined();
    const connection = result.data![field]!;
    expect(connection.nodes.map((n) => n.id)).toEqual(connection.edges.map((e) => e.node['id']));
    rows.push(...connection.edges.map((e) => e.node));
    if (!connection.pageInfo.hasNextPage) return rows;
    expect(connection.edges).toHaveLength(first);
    after = connection.pageInfo.endCursor;
    expect(pages).toBeLessThan(400);
  }
}

/** What the gateway answers for a row Graph sent: its placeholder date-times as null, everything else as sent. */
function asAnswered(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      v === '0001-01-01T00:00:00Z' ? null : k === 'callDurationSource' ? String(v).toUpperCase() : v,
    ]),
  );
}

describe('pstnCalls', () => {
  it.each([7, 100])(
    'pages a range of more than 1,000 rows with first %i to the rows Graph holds, in its order',
    async (first) => {
      const { from, to, expected } = rangeOf(pstnRows, true);
      expect(expected.length).toBeGreaterThan(1000);
      const rows = await walk('pstnCalls', PSTN_FIELDS, from, to, first);
      expect(rows.map((r) => r['id'])).toEqual(expected.map((r) => r['id']));
      if (first === 100) expect(rows).toEqual(expected.map(asAnswered));
      // Seven at a time is some 160 operations, each reading one of Graph's 1,000-row pages: slow on a loaded machine.
    },
    300_000,
  );

  it("keeps Graph's exact decimal digits for charges", async () => {
    const precise = pstnRows.find((r) => String(r['charge']).endsWith('.12345678901234567891'))!;
    const zero = pstnRows.find((r) => r['charge'] === '0.00')!;
    for (const row of [precise, zero]) {
      const at = row['startDateTime'] as string;
      const result = await stack.query<{ pstnCalls: { nodes: Row[] } }>(
        `query($at: DateTime!) { pstnCalls(from: $at, to: $at, first: 100) { nodes { id charge connectionCharge } } }`,
        { at },
      );
      expect(result.errors).toBeUndefined();
      const answered = result.data!.pstnCalls.nodes.find((n) => n['id'] === row['id'])!;
      expect(answered['charge']).toBe(row['charge']);
      expect(answered['connectionCharge']).toBe(row['connectionCharge']);
    }
    expect(String(precise['charge'])).not.toBe(String(Number(precise['charge'])));
  });

  it('refuses a 91-day range with BAD_USER_INPUT before Graph is asked, and accepts 90 days', async () => {
    const to = '2026-11-20T00:00:00Z';
    const refused = await stack.query(`query($from: DateTime!, $to: DateTime!) { pstnCalls(from: $from, to: $to) { nodes { id } } }`, {
      from: new Date(Date.parse(to) - 91 * DAY).toISOString(),
      to,
    });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toContain('got 91 days');
    expect(reportRequests()).toBe(0);
    const accepted = await stack.query(
      `query($from: DateTime!, $to: DateTime!) { pstnCalls(from: $from, to: $to, first: 1) { nodes { id } } }`,
      {
        from: new Date(Date.parse(to) - 90 * DAY).toISOString(),
        to,
      },
    );
    expect(accepted.errors).toBeUndefined();
    expect(reportRequests()).toBe(1);
  });

  it('refuses to before from, and a cursor of another range or of the other report', async () => {
    const backwards = await stack.query(`{ pstnCalls(from: "2026-11-10T00:00:00Z", to: "2026-11-01T00:00:00Z") { nodes { id } } }`);
    expect(backwards.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const first = await stack.query<{ pstnCalls: Connection }>(page('pstnCalls', 'id'), {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-10T00:00:00Z',
      first: 2,
    });
    const after = first.data!.pstnCalls.pageInfo.endCursor;
    const otherRange = await stack.query(page('pstnCalls', 'id'), { from: '2026-11-02T00:00:00Z', to: '2026-11-10T00:00:00Z', after });
    expect(otherRange.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const otherReport = await stack.query(page('directRoutingCalls', 'id'), {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-10T00:00:00Z',
      after,
    });
    expect(otherReport.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(reportRequests()).toBe(1);
  });
});

describe('directRoutingCalls', () => {
  it.each([7, 100])(
    'pages a range of more than 1,000 rows with first %i, to exclusive, in Graph order',
    async (first) => {
      const { from, to, expected } = rangeOf(directRoutingRows, false);
      expect(expected.length).toBeGreaterThan(1000);
      const rows = await walk('directRoutingCalls', DIRECT_ROUTING_FIELDS, from, to, first);
      expect(rows.map((r) => r['id'])).toEqual(expected.map((r) => r['id']));
      if (first === 100) expect(rows).toEqual(expected.map(asAnswered));
      // Seven at a time is some 160 operations, each reading one of Graph's 1,000-row pages: slow on a loaded machine.
    },
    300_000,
  );

  it("answers Graph's 0001-01-01 placeholder as null: a failed call has no end, a successful one no failure", async () => {
    const failed = directRoutingRows.find((r) => r['successfulCall'] === false)!;
    const ok = directRoutingRows.find((r) => r['successfulCall'] === true)!;
    for (const row of [failed, ok]) {
      const at = row['startDateTime'] as string;
      const result = await stack.query<{ directRoutingCalls: { nodes: Row[] } }>(
        `query($from: DateTime!, $to: DateTime!) { directRoutingCalls(from: $from, to: $to, first: 100) { nodes { id endDateTime failureDateTime finalSipCode } } }`,
        { from: at, to: new Date(Date.parse(at) + 1).toISOString() },
      );
      expect(result.errors).toBeUndefined();
      const answered = result.data!.directRoutingCalls.nodes.find((n) => n['id'] === row['id'])!;
      if (row === failed) {
        expect(answered['endDateTime']).toBeNull();
        expect(answered['failureDateTime']).toBe(failed['failureDateTime']);
        expect(answered['finalSipCode']).toBeGreaterThanOrEqual(400);
      } else {
        expect(answered['failureDateTime']).toBeNull();
        expect(answered['endDateTime']).toBe(ok['endDateTime']);
      }
    }
  });

  it('links rows to their call record through correlationId where Graph has one, in batched requests, null otherwise', async () => {
    const recordIds = new Set((stack.simulator.resources.snapshot().callRecords as Row[]).map((r) => r['id']));
    const linked = directRoutingRows.filter((r) => recordIds.has(r['correlationId']));
    const from = linked[0]!['startDateTime'] as string;
    const to = new Date(Date.parse(from) + 3 * DAY).toISOString();
    const result = await stack.query<{
      directRoutingCalls: { nodes: Array<{ correlationId: string; callRecord: { id: string; type: string } | null }> };
    }>(
      `query($from: DateTime!, $to: DateTime!) { directRoutingCalls(from: $from, to: $to, first: 60) { nodes { correlationId callRecord { id type } } } }`,
      { from, to },
    );
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.directRoutingCalls.nodes;
    expect(nodes.some((n) => n.callRecord !== null)).toBe(true);
    expect(nodes.some((n) => n.callRecord === null)).toBe(true);
    for (const node of nodes) expect(node.callRecord?.id ?? null).toBe(recordIds.has(node.correlationId) ? node.correlationId : null);
    // Rows of one call share its record (one GET); the rest go 20 to a `$batch` (a lone item as a plain GET).
    const distinct = new Set(nodes.map((n) => n.correlationId)).size;
    const graph = stack.simulator.control.stats().graph;
    const requests = [graph['$batch'], graph['callRecords.get']].flatMap((c) => Object.values(c ?? {})).reduce((a, b) => a + b, 0);
    expect(requests).toBe(Math.ceil(distinct / 20));
  });
});

describe('report permissions', () => {
  const QUERY = `{ pstnCalls(from: "2026-11-18T00:00:00Z", to: "2026-11-19T00:00:00Z", first: 2) { nodes { id } } }`;

  it("answers FORBIDDEN naming Graph's permissions when the app registration has neither", async () => {
    const limited = await startStack({ app: 'calls-only', simulator: { now: NOW, callRecordCount: 10 } });
    try {
      const result = await limited.query(QUERY);
      expect(result.data?.['pstnCalls']).toBeUndefined();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', graphErrorCode: 'Authorization_RequestDenied' });
      expect(result.errors?.[0]?.message).toContain('CallRecord-PstnCalls.Read.All');
      expect(result.errors?.[0]?.extensions?.['graphRequestId']).toEqual(expect.any(String));
    } finally {
      await limited.stop();
    }
  });

  it('serves the reports with CallRecord-PstnCalls.Read.All alone, and says FORBIDDEN for the call records it cannot read', async () => {
    const pstnOnly = await startStack({ app: 'pstn-only', simulator: { now: NOW, callRecordCount: 400 } });
    try {
      expect((await pstnOnly.query(QUERY)).errors).toBeUndefined();
      const rows = pstnOnly.simulator.resources.snapshot().directRoutingCalls;
      const recordIds = new Set((pstnOnly.simulator.resources.snapshot().callRecords as Row[]).map((r) => r['id']));
      const at = rows.find((r) => recordIds.has(r['correlationId']))!['startDateTime'] as string;
      const result = await pstnOnly.query<{ directRoutingCalls: { nodes: Array<{ callRecord: unknown }> } }>(
        `query($from: DateTime!, $to: DateTime!) { directRoutingCalls(from: $from, to: $to, first: 1) { nodes { id callRecord { id } } } }`,
        { from: at, to: new Date(Date.parse(at) + 1).toISOString() },
      );
      expect(result.data!.directRoutingCalls.nodes[0]!.callRecord).toBeNull();
      expect(result.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.path).toEqual(['directRoutingCalls', 'nodes', 0, 'callRecord']);
    } finally {
      await pstnOnly.stop();
    }
  });

  it("needs the caller's PstnCalls.Read, and CallRecords.Read too for a row's callRecord", async () => {
    const secured = await startStack({ callerApp: 'caller', simulator: { now: NOW, callRecordCount: 10 } });
    try {
      const post = async (query: string, roles: string[]) => {
        const token = await secured.simulator.control.mintToken({ app: 'caller', roles });
        const response = await fetch(secured.gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
        });
        return { status: response.status, body: (await response.json()) as { errors?: Array<{ message: string }> } };
      };
      expect((await post(QUERY, ['CallRecords.Read'])).status).toBe(403);
      expect((await post(QUERY, ['PstnCalls.Read'])).status).toBe(200);
      const withRecord = `{ directRoutingCalls(from: "2026-11-18T00:00:00Z", to: "2026-11-19T00:00:00Z") { nodes { ...R } } } fragment R on DirectRoutingCall { callRecord { id } }`;
      const refused = await post(withRecord, ['PstnCalls.Read']);
      expect(refused.status).toBe(403);
      expect(refused.body.errors?.[0]?.message).toContain('CallRecords.Read');
      expect((await post(withRecord, ['PstnCalls.Read', 'CallRecords.Read'])).status).toBe(200);
      expect(reportRequestsOf(secured)).toBe(2);
    } finally {
      await secured.stop();
    }
  });
});

function reportRequestsOf(s: Stack): number {
  const graph = s.simulator.control.stats().graph;
  return ['callRecords.getPstnCalls', 'callRecords.getDirectRoutingCalls']
    .flatMap((route) => Object.values(graph[route] ?? {}))
    .reduce((a, b) => a + b, 0);
}

describe('the README example operations', () => {
  const run = (operationName: string, variables: Record<string, unknown>) => runExample(stack, operationName, variables);

  it('runs PstnCalls, DirectRoutingCalls (with call records) and CallRecordsByIds as shown', async () => {
    const week = { from: '2026-11-10T00:00:00Z', to: '2026-11-17T00:00:00Z' };
    const pstn = await run('PstnCalls', week);
    expect(pstn.errors).toBeUndefined();
    expect(pstn.data!['pstnCalls'].nodes).toHaveLength(50);
    const routed = await run('DirectRoutingCalls', week);
    expect(routed.errors).toBeUndefined();
    expect(routed.data!['directRoutingCalls'].nodes.some((n: Row) => n['callRecord'] !== null)).toBe(true);
    const ids = (stack.simulator.resources.snapshot().callRecords as Row[]).slice(0, 3).map((r) => r['id']);
    const byIds = await run('CallRecordsByIds', { ids });
    expect(byIds.errors).toBeUndefined();
    expect(byIds.data!['callRecordsByIds'].map((r: Row) => r['id'])).toEqual(ids);
  });
});
