import { BatchRequestContent, BatchResponseContent, Client, PageIterator } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware, PageCollection } from '@microsoft/microsoft-graph-client';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';

/**
 * The official Graph SDK over the simulator. Its fetch middleware calls the global fetch, which does not
 * trust the simulator's CA, so the last middleware here sends through undici with the CA instead.
 */
function simulatorTransport(sim: TestSimulator, token: string): Middleware {
  return {
    async execute(context: Context) {
      const request = context.request;
      const url = typeof request === 'string' ? request : request.url;
      const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set('authorization', `Bearer ${token}`);
      const res = await fetch(url, {
        method: context.options?.method ?? 'GET',
        headers: Object.fromEntries(headers),
        ...(context.options?.body !== undefined && context.options.body !== null ? { body: context.options.body as string } : {}),
        dispatcher: sim.client.agent,
      });
      context.response = res as unknown as Response;
    },
  };
}

describe('the official Graph JavaScript SDK against the simulator', () => {
  let sim: TestSimulator;
  let client: Client;

  beforeAll(async () => {
    sim = await startTestSimulator({ callRecordCount: 130 });
    client = Client.initWithMiddleware({
      middleware: simulatorTransport(sim, await sim.token()),
      baseUrl: sim.graphBaseUrl,
      defaultVersion: 'v1.0',
    });
  });
  afterAll(() => stopTestSimulator(sim));

  it('pages through every call record with PageIterator', async () => {
    const first = (await client.api('/communications/callRecords').select('id').get()) as PageCollection;
    const ids: string[] = [];
    const iterator = new PageIterator(client, first, (record: { id: string }) => {
      ids.push(record.id);
      return true;
    });
    await iterator.iterate();
    expect(ids).toHaveLength(130);
    expect(new Set(ids).size).toBe(130);
    expect(sim.control.stats().graph['callRecords.list']?.['200']).toBe(3);
  });

  it("pages through a filtered call-record list with PageIterator, following Graph's nextLinks", async () => {
    const records = sim.resources.snapshot().callRecords as Array<{ id: string; startDateTime: string }>;
    const sorted = records.map((r) => r.startDateTime).sort();
    const from = sorted[Math.floor(sorted.length / 4)]!;
    const expected = records.filter((r) => r.startDateTime >= from).map((r) => r.id);
    const listsBefore = sim.control.stats().graph['callRecords.list']?.['200'] ?? 0;
    const first = (await client
      .api('/communications/callRecords')
      .header('Prefer', 'odata.maxpagesize=25')
      .filter(`startDateTime ge ${new Date(from).toISOString()}`)
      .select('id,startDateTime')
      .get()) as PageCollection;
    const ids: string[] = [];
    const iterator = new PageIterator(
      client,
      first,
      (record: { id: string; startDateTime: string }) => {
        expect(record.startDateTime >= from).toBe(true);
        ids.push(record.id);
        return true;
      },
      { headers: { Prefer: 'odata.maxpagesize=25' } },
    );
    await iterator.iterate();
    expect([...ids].sort()).toEqual([...expected].sort());
    const lists = (sim.control.stats().graph['callRecords.list']?.['200'] ?? 0) - listsBefore;
    expect(lists).toBe(Math.ceil(expected.length / 25));
  });

  it('sends a 20-request BatchRequestContent and reads every answer by id', async () => {
    const ids = (sim.resources.snapshot().callRecords as Array<{ id: string }>).slice(0, 20).map((r) => r.id);
    const content = new BatchRequestContent(
      ids.map((id, i) => ({
        id: String(i + 1),
        request: new Request(`${sim.graphBaseUrl}/v1.0/communications/callRecords/${id}?$select=id`, { method: 'GET' }),
      })),
    );
    const response = (await client.api('/$batch').post(await content.getContent())) as ConstructorParameters<
      typeof BatchResponseContent
    >[0];
    const answers = new BatchResponseContent(response);
    for (let i = 0; i < 20; i++) {
      const answer = answers.getResponseById(String(i + 1));
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { id: string }).id).toBe(ids[i]);
    }
    expect(sim.control.stats().batchItems['callRecords.get']).toEqual({ '200': 20 });
  });
});
