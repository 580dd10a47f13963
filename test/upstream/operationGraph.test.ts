import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors/index.js';
import { createGraphClient, type InstrumentedGraphClient } from '../../src/graph/index.js';
import { createOperationGraph, MAX_LINKED_PAGES } from '../../src/upstream/operationGraph.js';
import {
  countingTokens,
  graphErrorBody,
  ok,
  startFakeGraph,
  testConfig,
  type FakeGraph,
  type Reply,
  type Seen,
} from '../graph/fakeGraph.js';

let graph: FakeGraph | undefined;
let client: InstrumentedGraphClient | undefined;
afterEach(async () => {
  await client?.close();
  await graph?.close();
  graph = undefined;
  client = undefined;
});

async function view(respond: (seen: Seen, index: number) => Reply, timeoutMs = 10_000) {
  graph = await startFakeGraph(respond);
  client = createGraphClient(testConfig(graph.origin), { tokenProvider: countingTokens() });
  return { fake: graph, operation: createOperationGraph(client, Date.now() + timeoutMs) };
}

/** The GatewayError a call of the view rejected with (and fails the test when it did not reject with one). */
async function failure(pending: Promise<unknown>): Promise<GatewayError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

/** A page whose nextLink names page `next` of the same fake Graph. */
const pageOf = (origin: string, items: unknown[], next?: number): Reply =>
  ok({ value: items, ...(next === undefined ? {} : { '@odata.nextLink': `${origin}/v1.0/communications/calls?page=${next}` }) });

describe("the operation's view of Graph", () => {
  it('turns a Graph failure into a GatewayError with its code and request ids', async () => {
    const { operation } = await view(() => ({ status: 404, body: graphErrorBody('itemNotFound', 'not here', 'req-404') }));
    const error = await failure(operation.request({ method: 'GET', path: '/communications/calls/x' }));
    expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', graphRequestId: 'req-404', graphErrorCode: 'itemNotFound' });
  });

  it("makes Graph's 400 the caller's BAD_USER_INPUT only when the body came from the caller", async () => {
    const { operation } = await view(() => ({ status: 400, body: graphErrorBody('badRequest', 'bad target') }));
    const call = { method: 'POST' as const, path: '/communications/calls', body: {} };
    expect((await failure(operation.request(call, { userSuppliedBody: true }))).extensions['code']).toBe('BAD_USER_INPUT');
    expect((await failure(operation.request(call))).extensions['code']).toBe('UPSTREAM_REJECTED');
  });

  it('collects every item of a chain of nextLinks, in order', async () => {
    const { fake, operation } = await view((seen) => {
      const page = Number(new URL(seen.url, 'http://x').searchParams.get('page') ?? '0');
      return pageOf(fake.origin, [`item-${page}a`, `item-${page}b`], page < 2 ? page + 1 : undefined);
    });
    expect(await operation.collect('/communications/calls?page=0')).toEqual([
      'item-0a',
      'item-0b',
      'item-1a',
      'item-1b',
      'item-2a',
      'item-2b',
    ]);
    expect(operation.count.requests).toBe(3);
  });

  it(`refuses a chain longer than ${MAX_LINKED_PAGES} pages instead of answering part of it`, async () => {
    const { fake, operation } = await view((_seen, i) => pageOf(fake.origin, [i], i + 1));
    const error = await failure(operation.collect('/communications/calls?page=0'));
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(fake.seen).toHaveLength(MAX_LINKED_PAGES);
  });

  it('does not follow a nextLink to another host', async () => {
    const { fake, operation } = await view(() =>
      ok({ value: [1], '@odata.nextLink': 'https://evil.example/v1.0/communications/calls?page=1' }),
    );
    const error = await failure(operation.collect('/communications/calls'));
    expect(error.extensions['code']).toBe('UPSTREAM_REJECTED');
    expect(fake.seen).toHaveLength(1);
  });

  it('answers each $batch slot with its body or its GatewayError, and counts the items', async () => {
    // A $batch answer: item `a` found, every other item 404.
    const { operation } = await view((seen) => {
      const { requests } = JSON.parse(seen.body) as { requests: Array<{ id: string; url: string }> };
      const responses = requests.map(({ id, url }) =>
        url.endsWith('/a') ? { id, status: 200, body: { id: 'a' } } : { id, status: 404, body: graphErrorBody('itemNotFound', 'gone') },
      );
      return ok({ responses });
    });
    const [a, b] = await operation.batchGet(['/communications/calls/a', '/communications/calls/b']);
    expect(a).toEqual({ id: 'a' });
    expect(b).toBeInstanceOf(GatewayError);
    expect((b as GatewayError).extensions['code']).toBe('NOT_FOUND');
    expect(operation.count).toEqual({ requests: 0, batchItems: 2 });
  });

  it("binds the operation's deadline to every request", async () => {
    const { operation } = await view(() => 'hang', 200);
    const error = await failure(operation.request({ method: 'GET', path: '/communications/calls/x' }));
    expect(error.extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toContain('deadline');
  });
});
