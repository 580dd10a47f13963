import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('callback settings', () => {
  it('default to a 256 KiB body, 100 requests/s (burst 200), keys refreshed every 2 h and ended calls kept 10 minutes', () => {
    expect(loadConfig({}).callbacks).toEqual({
      publicUrl: undefined,
      openIdConfigUrl: undefined,
      maxBodyBytes: 262_144,
      ratePerSecond: 100,
      rateBurst: 200,
      clockSkewSeconds: 60,
      keysRefreshMs: 7_200_000,
      keysRefetchCooldownMs: 60_000,
      maxCalls: 10_000,
      maxOperationsPerCall: 100,
      endedRetentionMs: 600_000,
    });
  });

  it('refuse values out of bounds and an OpenID configuration over plain http off loopback, all at once', () => {
    expect(
      problems({
        CALLBACK_RATE_PER_SECOND: '0',
        CALLBACK_MAX_CALLS: 'many',
        GRAPH_CALLBACK_OPENID_CONFIG_URL: 'http://keys.example.com/openid',
      }),
    ).toEqual([
      'GRAPH_CALLBACK_OPENID_CONFIG_URL must be an https URL (http only on loopback), got "http://keys.example.com/openid"',
      expect.stringContaining('CALLBACK_RATE_PER_SECOND'),
      expect.stringContaining('CALLBACK_MAX_CALLS'),
    ]);
  });

  it('accept an OpenID configuration on loopback over http (a local key server)', () => {
    expect(loadConfig({ GRAPH_CALLBACK_OPENID_CONFIG_URL: 'http://127.0.0.1:9000/openid' }).callbacks.openIdConfigUrl).toBe(
      'http://127.0.0.1:9000/openid',
    );
  });
});
