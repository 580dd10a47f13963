import { describe, expect, it } from 'vitest';
import { startStack } from '../helpers/stack.js';

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
});
