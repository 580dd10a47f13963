import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const azure = {
  AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
  AZURE_CLIENT_ID: '3f9a6c2e-1b4d-4e8f-a7c5-0d2e9b1f6a38',
  AZURE_CLIENT_SECRET: 's3cret',
};
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
};

describe('security configuration', () => {
  it('refuses to start with real Graph and no caller authentication', () => {
    expect(problems(azure)).toEqual([expect.stringMatching(/^AUTH_JWKS_URL is required with real Graph/)]);
    expect(problems({ ...azure, AUTH_MODE: 'none' })).toEqual([expect.stringContaining('AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH=true')]);
  });

  it('starts anonymous with real Graph only when the operator opts out explicitly', () => {
    const config = loadConfig({ ...azure, AUTH_MODE: 'none', AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH: 'true' });
    expect(config.security.auth).toEqual({ mode: 'none' });
  });

  it("defaults to no authentication on the simulator, and to the simulator's keys with AUTH_MODE=jwt", () => {
    expect(loadConfig({}).security.auth.mode).toBe('none');
    expect(loadConfig({ AUTH_MODE: 'jwt' }).security.auth).toMatchObject({
      mode: 'jwt',
      audience: 'api://comms-graphql',
      algorithms: ['RS256', 'PS256', 'ES256'],
      clockSkewSeconds: 60,
      acceptScopes: true,
      permissions: { 'callRecords.read': { role: 'CallRecords.Read', scope: 'callrecords.read' } },
    });
  });

  it('refuses symmetric and none algorithms, a JWKS URL without issuer, plain http off loopback and a CORS wildcard', () => {
    const found = problems({
      AUTH_MODE: 'jwt',
      AUTH_ALGORITHMS: 'RS256,HS256,none',
      AUTH_JWKS_URL: 'http://idp.example/keys',
      CORS_ORIGINS: '*,https://ok.example/path',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('got "HS256"'),
        expect.stringContaining('got "none"'),
        expect.stringMatching(/^AUTH_ISSUER is required/),
        expect.stringMatching(/^AUTH_JWKS_URL must be an https URL/),
        expect.stringContaining('got "*"'),
        expect.stringContaining('got "https://ok.example/path"'),
      ]),
    );
  });

  it('defaults limits, body size, introspection and landing page, off in production', () => {
    expect(loadConfig({}).security).toMatchObject({
      limits: { maxDepth: 12, maxAliases: 50, maxDirectives: 50, maxTokens: 2000, maxCost: 10_000 },
      maxBodyBytes: 262_144,
      introspection: true,
      landingPage: 'graphiql',
      cors: { origins: ['https://studio.apollographql.com'], credentials: false },
    });
    expect(loadConfig({ NODE_ENV: 'production' }).security).toMatchObject({
      introspection: false,
      landingPage: 'off',
      cors: { origins: [], credentials: false },
    });
  });

  it("allows Apollo's hosted Sandbox by default only in development on the embedded simulator", () => {
    const studio = 'https://studio.apollographql.com';
    const azure = { AZURE_TENANT_ID: 'contoso.example', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's', AUTH_MODE: 'none' };
    const origins = (env: Record<string, string>) =>
      loadConfig({ AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH: 'true', ...env }).security.cors.origins;
    expect(origins({ NODE_ENV: 'development' })).toEqual([studio]);
    expect(origins({ NODE_ENV: 'test' })).toEqual([]);
    expect(origins({ NODE_ENV: 'development', ...azure })).toEqual([]);
    expect(origins({ NODE_ENV: 'development', CORS_APOLLO_STUDIO: 'false' })).toEqual([]);
    expect(origins({ NODE_ENV: 'development', CORS_ORIGINS: 'https://app.example.com' })).toEqual(['https://app.example.com', studio]);
    expect(origins({ NODE_ENV: 'production', CORS_APOLLO_STUDIO: 'true', CURSOR_SECRET: 'x'.repeat(32) })).toEqual([studio]);
  });
});
