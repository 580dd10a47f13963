import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';

describe('call-record resources behind the platform', () => {
  let sim: TestSimulator;
  beforeAll(async () => {
    sim = await startTestSimulator({ callRecordCount: 150 });
  });
  afterAll(() => stopTestSimulator(sim));

  it('lists /v1.0/communications/callRecords in pages of 60 with a nextLink on the simulator origin', async () => {
    const res = await sim.client.graph('/v1.0/communications/callRecords');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const page = (await res.json()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
    expect(page.value).toHaveLength(60);
    expect(page['@odata.nextLink']?.startsWith(`${sim.origin}/v1.0/communications/callRecords?`)).toBe(true);
    const next = await sim.client.graph(page['@odata.nextLink'] ?? '');
    expect(next.status).toBe(200);
    const second = (await next.json()) as { value: Array<{ id: string }> };
    expect(second.value.map((r) => r.id)).not.toContain(page.value[0]?.id);
    expect(sim.control.stats().graph['callRecords.list']).toEqual({ '200': 2 });
  });
});
