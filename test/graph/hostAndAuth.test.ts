import { describe, expect, it } from 'vitest';
import { createGraphClient, GraphError, GraphHostRefusedError, type InstrumentedGraphClient } from '../../src/graph/index.js';
import { closedAfterEach, countingTokens, graphErrorBody, ok, startFakeGraph, testConfig, type FakeGraph } from './fakeGraph.js';

const track = closedAfterEach();
const fake = async (respond: Parameters<typeof startFakeGraph>[0]): Promise<FakeGraph> => track(await startFakeGraph(respond));

function client(origin: string, tokens = countingTokens(), overrides: Parameters<typeof testConfig>[1] = {}): InstrumentedGraphClient {
  return track(createGraphClient(testConfig(origin, overrides), { tokenProvider: tokens }));
}

describe('the host guard', () => {
  it('refuses a nextLink to another host and sends nothing there', async () => {
    const graph = await fake(() => ok());
    const elsewhere = await fake(() => ok());
    const c = client(graph.origin);
    await expect(c.followLink(`${elsewhere.origin}/v1.0/communications/callRecords?$skiptoken=abc`)).rejects.toBeInstanceOf(
      GraphHostRefusedError,
    );
    expect(elsewhere.seen).toHaveLength(0);
    expect(graph.seen).toHaveLength(0);
  });

  it('follows a nextLink on the configured origin and version verbatim', async () => {
    const graph = await fake(() => ok({ value: [] }));
    const c = client(graph.origin);
    await c.followLink(`${graph.origin}/v1.0/communications/callRecords?$filter=startDateTime%20ge%202026-01-01T00:00:00Z&$skiptoken=abc`);
    expect(graph.seen[0]?.url).toBe('/v1.0/communications/callRecords?$filter=startDateTime%20ge%202026-01-01T00:00:00Z&$skiptoken=abc');
  });

  it.each([
    ['another version', (o: string) => `${o}/beta/communications/callRecords`],
    ['no version', (o: string) => `${o}/communications/callRecords`],
    ['a dot-dot escape', (o: string) => `${o}/v1.0/../admin`],
    ['credentials in the URL', (o: string) => o.replace('http://', 'http://user:pw@') + '/v1.0/x'],
    ['a look-alike host', () => 'http://127.0.0.1.example.com/v1.0/x'],
    ['another scheme', (o: string) => o.replace('http:', 'https:') + '/v1.0/x'],
    ['not a URL', () => 'not a url'],
  ])('refuses to make relative a link with %s', async (_name, link) => {
    const graph = await fake(() => ok());
    const c = client(graph.origin);
    expect(() => c.toRelative(link(graph.origin))).toThrow(GraphHostRefusedError);
  });

  it('refuses a relative path that climbs out of the version prefix, before asking for a token', async () => {
    const graph = await fake(() => ok());
    const tokens = countingTokens();
    const c = client(graph.origin, tokens);
    await expect(c.request({ method: 'GET', path: '/../../other' })).rejects.toBeInstanceOf(GraphHostRefusedError);
    expect(graph.seen).toHaveLength(0);
    expect(tokens.calls).toHaveLength(0);
  });

  it('does not follow a redirect to another host', async () => {
    const elsewhere = await fake(() => ok());
    const graph = await fake(() => ({ status: 302, headers: { location: `${elsewhere.origin}/v1.0/x` } }));
    const c = client(graph.origin);
    const err = await c.request({ method: 'GET', path: '/communications/calls/x' }).catch((e: unknown) => e);
    expect((err as GraphError).status).toBe(302);
    expect(elsewhere.seen).toHaveLength(0);
  });
});

describe('authentication', () => {
  it('sends the bearer token and a client-request-id on every request', async () => {
    const graph = await fake(() => ok());
    const c = client(graph.origin);
    await c.request({ method: 'GET', path: '/communications/calls/x' });
    expect(graph.seen[0]?.headers.authorization).toBe('Bearer tok-1');
    expect(graph.seen[0]?.headers['client-request-id']).toBeTruthy();
  });

  it('answers a 401 with one fresh token and succeeds with it', async () => {
    const graph = await fake((s) =>
      s.headers.authorization === 'Bearer tok-2'
        ? ok({ id: 'x' })
        : { status: 401, body: graphErrorBody('InvalidAuthenticationToken', 'expired') },
    );
    const tokens = countingTokens();
    const c = client(graph.origin, tokens);
    const res = await c.request({ method: 'GET', path: '/communications/calls/x' });
    expect(res.body).toEqual({ id: 'x' });
    expect(tokens.calls).toEqual([false, true]);
  });

  it('fails after the fresh token is refused too', async () => {
    const graph = await fake(() => ({ status: 401, body: graphErrorBody('InvalidAuthenticationToken', 'no') }));
    const tokens = countingTokens();
    const c = client(graph.origin, tokens);
    const err = await c.request({ method: 'GET', path: '/communications/calls/x' }).catch((e: unknown) => e);
    expect((err as GraphError).status).toBe(401);
    expect((err as GraphError).code).toBe('InvalidAuthenticationToken');
    expect(tokens.calls).toEqual([false, true]);
    expect(graph.seen).toHaveLength(2);
  });

  it('never writes the token or any header into the logs', async () => {
    const graph = await fake(() => ok());
    const lines: unknown[] = [];
    const log = (o: object, m?: string) => lines.push([o, m]);
    const c = createGraphClient(testConfig(graph.origin, { logger: { debug: log, info: log, warn: log, error: log } }), {
      tokenProvider: { getToken: () => Promise.resolve('secret-token-value') },
    });
    track(c);
    await c.request({ method: 'GET', path: '/communications/calls/x' });
    const text = JSON.stringify(lines);
    expect(text).toContain('/communications/calls/x');
    expect(text).not.toContain('secret-token-value');
    expect(text.toLowerCase()).not.toContain('authorization');
  });
});

describe('Graph error envelopes', () => {
  it('reads code, message, request-id, date and the inner code from innerError', async () => {
    const graph = await fake(() => ({
      status: 403,
      body: {
        error: {
          code: 'Forbidden',
          message: 'Insufficient privileges',
          innerError: { code: 'accessDenied', 'request-id': 'r-1', date: '2026-01-05T09:00:00', 'client-request-id': 'c' },
        },
      },
    }));
    const err = (await client(graph.origin)
      .request({ method: 'GET', path: '/communications/calls/x' })
      .catch((e: unknown) => e)) as GraphError;
    expect(err).toMatchObject({
      status: 403,
      code: 'Forbidden',
      message: 'Insufficient privileges',
      requestId: 'r-1',
      date: '2026-01-05T09:00:00',
      innerErrorCode: 'accessDenied',
      method: 'GET',
      path: '/communications/calls/x',
    });
    expect(err.clientRequestId).toBe(graph.seen[0]?.headers['client-request-id']);
  });

  it('accepts the lower-case innererror spelling and nested inner errors', async () => {
    const graph = await fake(() => ({
      status: 400,
      body: {
        error: { code: 'BadRequest', message: 'bad filter', innererror: { 'request-id': 'r-2', innererror: { code: 'invalidFilter' } } },
      },
    }));
    const err = (await client(graph.origin)
      .request({ method: 'GET', path: '/x' })
      .catch((e: unknown) => e)) as GraphError;
    expect(err).toMatchObject({ code: 'BadRequest', requestId: 'r-2', innerErrorCode: 'invalidFilter' });
  });

  it('prefers the request-id response header, and survives a body that is not JSON', async () => {
    const graph = await fake(() => ({ status: 502, headers: { 'request-id': 'hdr-7' }, body: '<html>Bad gateway</html>' }));
    const err = (await client(graph.origin, countingTokens(), { limits: { maxAttempts: 1 } })
      .request({ method: 'GET', path: '/x' })
      .catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ status: 502, code: 'httpStatus502', requestId: 'hdr-7' });
  });
});
