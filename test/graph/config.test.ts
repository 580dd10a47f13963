import { describe, expect, it } from 'vitest';
import { GraphConfigError, resolveGraphConfig, type GraphClientConfig } from '../../src/graph/index.js';
import { parseRetryAfter } from '../../src/graph/retryAfter.js';
import { parseErrorEnvelope } from '../../src/graph/errors.js';

const base: GraphClientConfig = { tenantId: 'contoso.onmicrosoft.com', clientId: 'app', credential: { clientSecret: 's' } };

describe('Graph client configuration', () => {
  it('defaults to the global cloud, v1.0 and the Graph .default scope', () => {
    const c = resolveGraphConfig(base);
    expect(c).toMatchObject({
      graphOrigin: 'https://graph.microsoft.com',
      baseUrl: 'https://graph.microsoft.com/v1.0',
      authorityHost: 'https://login.microsoftonline.com',
      scope: 'https://graph.microsoft.com/.default',
      knownAuthorities: [],
      limits: expect.objectContaining({ attemptTimeoutMs: 10_000, maxAttempts: 3, batchMaxItems: 20 }),
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    ['usgov', 'https://graph.microsoft.us', 'https://login.microsoftonline.us'],
    ['usgovdod', 'https://dod-graph.microsoft.us', 'https://login.microsoftonline.us'],
  ] as const)('knows the %s cloud’s Graph and login hosts', (cloud, graph, login) => {
    const c = resolveGraphConfig({ ...base, cloud });
    expect(c.graphOrigin).toBe(graph);
    expect(c.authorityHost).toBe(login);
    expect(c.scope).toBe(`${graph}/.default`);
  });

  it('refuses the China cloud, by name or by host, saying why', () => {
    expect(() => resolveGraphConfig({ ...base, cloud: 'china' })).toThrow(/China cloud .* not supported/);
    expect(() => resolveGraphConfig({ ...base, graphOrigin: 'https://microsoftgraph.chinacloudapi.cn' })).toThrow(/China/);
  });

  it('treats a non-Microsoft authority host as known, so MSAL skips instance discovery', () => {
    expect(resolveGraphConfig({ ...base, authorityHost: 'https://127.0.0.1:8443' }).knownAuthorities).toEqual(['127.0.0.1:8443']);
  });

  it('reports every problem at once', () => {
    let err: unknown;
    try {
      resolveGraphConfig({
        tenantId: '',
        clientId: '',
        credential: {} as GraphClientConfig['credential'],
        graphOrigin: 'http://graph.example.com',
        limits: { maxAttempts: 50, batchMaxItems: 21 },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphConfigError);
    expect((err as GraphConfigError).problems).toEqual([
      'graphOrigin must use https (http only on loopback), got "http://graph.example.com"',
      expect.stringContaining('tenantId'),
      'clientId is required',
      expect.stringContaining('credential must be'),
      'limits.maxAttempts must be an integer between 1 and 10, got 50',
      'limits.batchMaxItems must be an integer between 1 and 20, got 21',
    ]);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 0, 5, 9, 0, 0);
  it.each([
    ['2.128', 2128],
    ['10', 10_000],
    ['0', 0],
    [new Date(now + 7000).toUTCString(), 7000],
    [new Date(now - 7000).toUTCString(), 0],
  ])('reads %j as %d ms', (v, ms) => {
    expect(parseRetryAfter(v, now)).toBe(ms);
  });

  it.each([null, '', '-1', '5s', 'soon'])('ignores %j', (v) => {
    expect(parseRetryAfter(v, now)).toBeUndefined();
  });
});

describe('the error envelope parser', () => {
  it('returns nothing for bodies that are not Graph errors', () => {
    expect(parseErrorEnvelope('<html/>')).toEqual({});
    expect(parseErrorEnvelope({ value: [] })).toEqual({});
    expect(parseErrorEnvelope(undefined)).toEqual({});
  });
});
