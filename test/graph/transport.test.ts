import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createGraphClient, GraphTransportError, type InstrumentedGraphClient } from '../../src/graph/index.js';
import { closedAfterEach, countingTokens, startFakeGraph, testConfig, type FakeGraph } from './fakeGraph.js';

const track = closedAfterEach();
const fake = async (respond: Parameters<typeof startFakeGraph>[0]): Promise<FakeGraph> => track(await startFakeGraph(respond));
const client = (origin: string): InstrumentedGraphClient =>
  track(createGraphClient(testConfig(origin, { limits: { maxAttempts: 1 } }), { tokenProvider: countingTokens() }));

const record = { id: 'r1', type: 'groupCall', note: 'ünïcödé ✓' };
const json = Buffer.from(JSON.stringify(record));

describe('the transport', () => {
  it('asks Graph for compressed answers and sends the request as given', async () => {
    const graph = await fake(() => ({ status: 200, body: record }));
    const c = client(graph.origin);
    await c.request({ method: 'POST', path: '/communications/calls', body: { a: 1 } });
    const seen = graph.seen[0];
    expect(seen?.headers['accept-encoding']).toBe('gzip, deflate, br');
    expect(seen?.headers.authorization).toBe('Bearer tok-1');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(seen?.body).toBe('{"a":1}');
    expect(seen?.url).toBe('/v1.0/communications/calls');
  });

  it.each([
    ['gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['br', brotliCompressSync(json)],
  ])('reads a %s answer', async (encoding, body) => {
    const graph = await fake(() => ({ status: 200, body, headers: { 'content-type': 'application/json', 'content-encoding': encoding } }));
    const res = await client(graph.origin).request({ method: 'GET', path: '/communications/callRecords/r1' });
    expect(res.body).toEqual(record);
  });

  it('fails an answer in an encoding it cannot read as a transport error, not as text', async () => {
    const graph = await fake(() => ({
      status: 200,
      body: Buffer.from('x'),
      headers: { 'content-type': 'application/json', 'content-encoding': 'zstd-unknown' },
    }));
    const failure = await client(graph.origin)
      .request({ method: 'GET', path: '/communications/callRecords/r1' })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(GraphTransportError);
  });

  it('does not follow a redirect', async () => {
    const elsewhere = await fake(() => ({ status: 200, body: record }));
    const graph = await fake(() => ({ status: 302, headers: { location: `${elsewhere.origin}/v1.0/x` } }));
    const failure = await client(graph.origin)
      .request({ method: 'GET', path: '/communications/callRecords/r1' })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(Error);
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('passes repeated response headers on', async () => {
    const graph = await fake(() => ({ status: 200, body: record, headers: { 'request-id': 'req-1' } }));
    const res = await client(graph.origin).request({ method: 'GET', path: '/communications/callRecords/r1' });
    expect(res.requestId).toBe('req-1');
    expect(res.headers.get('content-type')).toBe('application/json');
  });
});
