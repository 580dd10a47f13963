import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';

const NOW = '2026-11-20T12:00:00Z';
const DAY = 86_400_000;
type Row = Record<string, unknown>;
interface Page {
  value: Row[];
  '@odata.count': number;
  '@odata.context': string;
  '@odata.nextLink'?: string;
}

describe('getPstnCalls and getDirectRoutingCalls', () => {
  let sim: TestSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ callRecordCount: 300, now: NOW });
  });
  afterAll(() => stopTestSimulator(sim));

  const day = (offset: number) => new Date(Date.parse(NOW) + offset * DAY).toISOString().slice(0, 10);

  async function all(path: string, app?: string): Promise<{ rows: Row[]; pages: Page[] }> {
    const pages: Page[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const res = await sim.client.graph(next, app ? { app } : {});
      expect(res.status, await res.clone().text()).toBe(200);
      const page = (await res.json()) as Page;
      pages.push(page);
      next = page['@odata.nextLink'];
    }
    return { rows: pages.flatMap((p) => p.value), pages };
  }

  it('holds more than 1,000 rows of each report in the last 90 days', () => {
    const since = Date.parse(NOW) - 90 * DAY;
    const { pstnCalls, directRoutingCalls } = sim.resources.snapshot();
    for (const rows of [pstnCalls, directRoutingCalls]) {
      expect(rows.filter((r) => Date.parse(r['startDateTime'] as string) >= since).length).toBeGreaterThan(1000);
    }
  });

  it('pages the last 90 days 1,000 rows at a time with a $skip nextLink, in the order of the data set', async () => {
    const path = `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${day(-90)},toDateTime=${day(0)})`;
    const { rows, pages } = await all(path);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]?.value).toHaveLength(1000);
    expect(pages[0]?.['@odata.count']).toBe(1000);
    expect(pages[0]?.['@odata.context']).toBe(`${sim.origin}/v1.0/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)`);
    expect(pages[0]?.['@odata.nextLink']).toBe(`${sim.origin}${path}?$skip=1000`);
    expect(pages.at(-1)?.['@odata.nextLink']).toBeUndefined();
    const from = Date.parse(`${day(-90)}T00:00:00Z`);
    const to = Date.parse(`${day(0)}T00:00:00Z`);
    const expected = sim.resources
      .snapshot()
      .pstnCalls.filter((r) => Date.parse(r['startDateTime'] as string) >= from && Date.parse(r['startDateTime'] as string) <= to);
    expect(rows.map((r) => r['id'])).toEqual(expected.map((r) => r['id']));
  });

  it("writes charges as JSON numbers with Graph's exact digits", async () => {
    const res = await sim.client.graph(`/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${day(-90)},toDateTime=${day(0)})`);
    const text = await res.text();
    expect(text).toMatch(/"charge":0\.00,/);
    expect(text).toMatch(/"charge":\d+\.12345678901234567891,/);
    expect(text).not.toContain('\\u0000');
  });

  it('has bot rows with null user fields, Operator Connect rows and masked numbers', () => {
    const { pstnCalls, directRoutingCalls } = sim.resources.snapshot();
    const bots = pstnCalls.filter((r) => String(r['callType']).startsWith('ucap_'));
    expect(bots.length).toBeGreaterThan(0);
    for (const bot of bots) expect([bot['userId'], bot['userPrincipalName'], bot['userDisplayName']]).toEqual([null, null, null]);
    expect(pstnCalls.some((r) => r['callDurationSource'] === 'operator')).toBe(true);
    expect(pstnCalls.some((r) => String(r['callerNumber']).endsWith('****'))).toBe(true);
    const failed = directRoutingCalls.filter((r) => r['successfulCall'] === false);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => (r['finalSipCode'] as number) >= 400 && r['endDateTime'] === '0001-01-01T00:00:00Z')).toBe(true);
    expect(
      directRoutingCalls.filter((r) => r['successfulCall'] === true).every((r) => r['failureDateTime'] === '0001-01-01T00:00:00Z'),
    ).toBe(true);
  });

  it('links some Direct Routing rows to call records through correlationId and leaves the others unresolved', () => {
    const { directRoutingCalls, callRecords } = sim.resources.snapshot();
    const ids = new Set(callRecords.map((r) => (r as Row)['id']));
    const linked = directRoutingCalls.filter((r) => ids.has(r['correlationId']));
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.length).toBeLessThan(directRoutingCalls.length);
  });

  it("treats PSTN's toDateTime as inclusive and Direct Routing's as exclusive", async () => {
    const { pstnCalls, directRoutingCalls } = sim.resources.snapshot();
    for (const [fn, rows, included] of [
      ['getPstnCalls', pstnCalls, true],
      ['getDirectRoutingCalls', directRoutingCalls, false],
    ] as const) {
      const last = rows.at(-1) as Row;
      const at = last['startDateTime'] as string;
      const from = new Date(Date.parse(at) - DAY).toISOString();
      const { rows: got } = await all(`/v1.0/communications/callRecords/${fn}(fromDateTime=${from},toDateTime=${at})`);
      expect(got.some((r) => r['id'] === last['id'])).toBe(included);
    }
  });

  it('answers the namespace-qualified function name and beta with its extra properties', async () => {
    const range = `fromDateTime=${day(-3)}T00:00:00Z,toDateTime=${day(0)}T00:00:00Z`;
    const qualified = await all(`/v1.0/communications/callRecords/microsoft.graph.callRecords.getDirectRoutingCalls(${range})`);
    const plain = await all(`/v1.0/communications/callRecords/getDirectRoutingCalls(${range})`);
    expect(qualified.rows).toEqual(plain.rows);
    expect(plain.rows[0]).not.toHaveProperty('userCountryCode');
    const beta = await all(`/beta/communications/callRecords/getDirectRoutingCalls(${range})`);
    expect(beta.rows[0]).toHaveProperty('userCountryCode');
    expect(beta.rows[0]).toHaveProperty('transferorCorrelationId');
  });

  it.each([
    ['a range over 90 days', `fromDateTime=${'2026-08-21'},toDateTime=${'2026-11-20'}`, 406],
    ['an impossible date', 'fromDateTime=2026-02-30,toDateTime=2026-03-10', 400],
    ['a quoted date', "fromDateTime='2026-11-01',toDateTime=2026-11-10", 400],
    ['a missing toDateTime', 'fromDateTime=2026-11-01', 400],
    ['an unknown parameter', 'fromDateTime=2026-11-01,toDateTime=2026-11-10,userId=1', 400],
    ['from after to', 'fromDateTime=2026-11-10,toDateTime=2026-11-01', 400],
  ])("refuses %s with Graph's error envelope", async (_what, args, status) => {
    const res = await sim.client.graph(`/v1.0/communications/callRecords/getPstnCalls(${args})`);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; innerError: Record<string, unknown> } };
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(body.error.innerError['request-id']).toEqual(expect.any(String));
  });

  it('accepts exactly 90 days', async () => {
    const res = await sim.client.graph(`/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-08-22,toDateTime=2026-11-20)`);
    expect(res.status).toBe(200);
  });

  it('grants the reports to CallRecord-PstnCalls.Read.All or CallRecords.Read.All and refuses other apps with 403', async () => {
    const path = `/v1.0/communications/callRecords/getPstnCalls(fromDateTime=${day(-1)},toDateTime=${day(0)})`;
    expect((await sim.client.graph(path, { app: 'pstn-only' })).status).toBe(200);
    expect((await sim.client.graph(path, { app: 'records-only' })).status).toBe(200);
    const refused = await sim.client.graph(path, { app: 'calls-only' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('Authorization_RequestDenied');
    expect((await sim.client.graph('/v1.0/communications/callRecords', { app: 'pstn-only' })).status).toBe(403);
  });
});
