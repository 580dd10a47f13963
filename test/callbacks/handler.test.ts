import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCallbackHandler } from '../../src/callbacks/handler.js';
import { createLiveCalls } from '../../src/callbacks/liveCalls.js';
import { createCallbackTokenVerifier, type CallbackTokenVerifier } from '../../src/callbacks/tokenVerifier.js';
import { createMemoryBus } from '../../src/live/memoryBus.js';
import { createLogger } from '../../src/observability/logger.js';
import { callNotification, envelope } from './helpers.js';

const logger = createLogger('silent');
const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** The callback handler alone on loopback, with the verifier and the draining switch a test chooses. */
async function serve(options: { verifier?: CallbackTokenVerifier; accepting?: () => boolean }) {
  const bus = createMemoryBus(logger);
  const liveCalls = createLiveCalls({ bus, logger, maxCalls: 10, maxOperationsPerCall: 10, endedRetentionMs: 1000 });
  const handler = createCallbackHandler({
    verifier: options.verifier,
    liveCalls,
    settings: { maxBodyBytes: 4096, ratePerSecond: 100, rateBurst: 100 },
    logger,
    metrics: undefined,
    accepting: options.accepting ?? (() => true),
  });
  const server = http.createServer(handler.handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const post = () =>
    fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.c2ln' },
      body: JSON.stringify(envelope(callNotification('c1', { state: 'incoming' }, 'created'))),
    });
  return { post, liveCalls };
}

describe('the callback handler', () => {
  it('refuses every callback with 401 when no OpenID configuration is known', async () => {
    const { post, liveCalls } = await serve({});
    const response = await post();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await liveCalls.get('c1')).toBeUndefined();
  });

  it('answers 503 while the gateway drains', async () => {
    const { post } = await serve({ accepting: () => false });
    const response = await post();
    expect(response.status).toBe(503);
    expect(response.headers.get('connection')).toBe('close');
  });

  it('answers 503 with Retry-After when the signing keys cannot be fetched, and does not ask again within the cooldown', async () => {
    let requests = 0;
    const keyServer = http.createServer((_req, res) => {
      requests += 1;
      res.writeHead(500).end();
    });
    servers.push(keyServer);
    await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));
    const verifier = createCallbackTokenVerifier({
      openIdConfigUrl: `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}/openid`,
      audience: 'app',
      tenantId: 'tenant',
      clockSkewSeconds: 60,
      refreshIntervalMs: 7_200_000,
      refetchCooldownMs: 60_000,
      logger,
    });
    const { post, liveCalls } = await serve({ verifier });
    const [first, second] = [await post(), await post()];
    expect([first.status, second.status]).toEqual([503, 503]);
    expect(first.headers.get('retry-after')).toBe('30');
    expect(requests).toBe(1);
    expect(await liveCalls.get('c1')).toBeUndefined();
    await verifier.close();
  });
});
