import { describe, expect, it } from 'vitest';
import { startStack } from '../helpers/stack.js';

const STUDIO = 'https://studio.apollographql.com';

describe('CORS allowlist', () => {
  it('allows exactly the configured origins, credentials only when configured', async () => {
    const stack = await startStack({
      env: { CORS_ORIGINS: 'https://app.example.com,http://localhost:3000' },
      simulator: { callRecordCount: 5 },
    });
    try {
      const preflight = await fetch(stack.gateway.url, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const other = await fetch(stack.gateway.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com.evil.example', 'access-control-request-method': 'POST' },
      });
      expect(other.status).toBe(403);
    } finally {
      await stack.stop();
    }
  });

  it("lets Apollo's hosted Sandbox call a development gateway on the embedded simulator, CSRF prevention intact", async () => {
    const stack = await startStack({ env: { NODE_ENV: 'development' }, simulator: { callRecordCount: 5 } });
    try {
      const preflight = await fetch(stack.gateway.url, {
        method: 'OPTIONS',
        headers: {
          origin: STUDIO,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
          // Chromium asks this when a public https page calls a gateway on localhost.
          'access-control-request-private-network': 'true',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(STUDIO);
      expect(preflight.headers.get('access-control-allow-private-network')).toBe('true');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

      const post = await fetch(stack.gateway.url, {
        method: 'POST',
        headers: { origin: STUDIO, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(post.headers.get('access-control-allow-origin')).toBe(STUDIO);
      expect(await post.json()).toEqual({ data: { __typename: 'Query' } });

      // A simple request (no preflight) still cannot run an operation: Apollo's CSRF prevention wants a header
      // that forces one.
      const simple = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: STUDIO } });
      expect(simple.status).toBe(400);
      expect(await simple.text()).toMatch(/CSRF/);
    } finally {
      await stack.stop();
    }
  });

  it("refuses Apollo's hosted Sandbox in production", async () => {
    const stack = await startStack({ env: { NODE_ENV: 'production' }, simulator: { callRecordCount: 5 } });
    try {
      const preflight = await fetch(stack.gateway.url, {
        method: 'OPTIONS',
        headers: { origin: STUDIO, 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-private-network')).toBeNull();
    } finally {
      await stack.stop();
    }
  });
});
