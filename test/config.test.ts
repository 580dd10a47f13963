import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/index.js';

// Real Graph needs caller authentication configured (test/security/config.test.ts covers its absence).
const azure = {
  AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
  AZURE_CLIENT_ID: '3f9a6c2e-1b4d-4e8f-a7c5-0d2e9b1f6a38',
  AZURE_CLIENT_SECRET: 's3cret',
  AUTH_JWKS_URL: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/discovery/v2.0/keys',
  AUTH_ISSUER: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
};

function problems(env: Record<string, string>, readFile?: (p: string) => string): string[] {
  try {
    loadConfig(env, readFile);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs on the embedded simulator, bound to loopback, when no Azure variable is set', () => {
    const config = loadConfig({});
    expect(config.graph).toEqual({ kind: 'simulator' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.env).toBe('development');
  });

  it('selects real Graph for the global cloud with a client secret', () => {
    const config = loadConfig({ ...azure, CURSOR_SECRET: 'x'.repeat(32) });
    expect(config.graph).toMatchObject({
      kind: 'azure',
      baseUrl: 'https://graph.microsoft.com',
      authorityHost: 'https://login.microsoftonline.com',
      credential: { kind: 'secret', clientSecret: 's3cret' },
    });
    expect(config.host).toBe('0.0.0.0');
  });

  it("picks the national cloud's hosts", () => {
    const config = loadConfig({ ...azure, GRAPH_CLOUD: 'usgovdod' });
    expect(config.graph).toMatchObject({ baseUrl: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' });
  });

  it('reads a certificate credential from a PEM file', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n';
    const { AZURE_CLIENT_SECRET: _omit, ...rest } = azure;
    const config = loadConfig({ ...rest, AZURE_CLIENT_CERTIFICATE_PATH: '/etc/app.pem' }, () => pem);
    expect(config.graph).toMatchObject({
      credential: {
        kind: 'certificate',
        privateKeyPem: expect.stringContaining('PRIVATE KEY'),
        certificatePem: expect.stringContaining('CERTIFICATE'),
      },
    });
  });

  it('reports every mistake at once, each saying what was expected and what arrived', () => {
    const found = problems({
      PORT: 'eighty',
      NODE_ENV: 'staging',
      GRAPH_API_VERSION: 'v2',
      AZURE_CLIENT_SECRET: 'x',
      GRAPH_BASE_URL: 'http://graph.example',
      CURSOR_SECRET: 'short',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT must be an integer between 0 and 65535, got "eighty"/),
        expect.stringMatching(/^NODE_ENV must be one of development, production, test, got "staging"/),
        expect.stringMatching(/^GRAPH_API_VERSION must be one of v1.0, beta, got "v2"/),
        expect.stringMatching(/^AZURE_TENANT_ID is required/),
        expect.stringMatching(/^AZURE_CLIENT_ID is required/),
        expect.stringMatching(/^GRAPH_BASE_URL must be an https URL/),
        expect.stringMatching(/^CURSOR_SECRET must be at least 32 characters, got 5/),
      ]),
    );
  });

  it('refuses the China cloud, which has no calls or call records', () => {
    expect(problems({ ...azure, GRAPH_CLOUD: 'china' })).toEqual([expect.stringContaining('not supported')]);
  });

  it('shares nothing without REDIS_URL, and takes only a redis:// or rediss:// URL', () => {
    expect(loadConfig({}).redis).toEqual({ url: undefined, commandTimeoutMs: 500 });
    expect(loadConfig({ REDIS_URL: 'rediss://cache.contoso.com:6380', REDIS_COMMAND_TIMEOUT_MS: '250' }).redis).toEqual({
      url: 'rediss://cache.contoso.com:6380',
      commandTimeoutMs: 250,
    });
    expect(problems({ REDIS_URL: 'http://cache:6379' })).toEqual(['REDIS_URL must be a redis:// or rediss:// URL, got "http://…"']);
    expect(problems({ REDIS_URL: 'cache:6379:x' })).toHaveLength(1);
  });

  it('requires a shared cursor secret in production with real Graph', () => {
    expect(problems({ ...azure, NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^CURSOR_SECRET is required in production/)]);
  });

  it('refuses both a secret and a certificate, and an unreadable certificate file', () => {
    expect(
      problems({ ...azure, AZURE_CLIENT_CERTIFICATE_PATH: '/nope' }, () => {
        throw new Error('ENOENT');
      }),
    ).toEqual(expect.arrayContaining([expect.stringContaining('not both')]));
    const { AZURE_CLIENT_SECRET: _omit, ...rest } = azure;
    expect(
      problems({ ...rest, AZURE_CLIENT_CERTIFICATE_PATH: '/nope' }, () => {
        throw new Error('ENOENT');
      }),
    ).toEqual(['AZURE_CLIENT_CERTIFICATE_PATH cannot be read: /nope (the app certificate)']);
  });

  it('never puts a secret value into a problem message', () => {
    const message = problems({ AZURE_CLIENT_SECRET: 'do-not-print-me', PORT: '-1' }).join('\n');
    expect(message).not.toContain('do-not-print-me');
  });

  it('returns a frozen configuration', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.paging)).toBe(true);
  });
});
