import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { liveChannels } from '../../src/live/events.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { callNotification, envelope, recordEvents } from './helpers.js';
import { startKeyServer, type KeyServer } from './keyServer.js';

let stack: Stack | undefined;
let keys: KeyServer | undefined;

afterEach(async () => {
  await stack?.stop();
  await keys?.stop();
  stack = keys = undefined;
});

/** A gateway with these callback settings, trusting a test key server; returns a poster of signed notifications. */
async function gatewayWith(env: Record<string, string>) {
  const app = { audience: '', tenantId: '' };
  keys = await startKeyServer(app);
  stack = await startStack({ callbackOpenIdConfigUrl: keys.openIdConfigUrl, env });
  Object.assign(app, { audience: stack.simulator.app('default').clientId, tenantId: stack.simulator.tenantId });
  const { gateway } = stack;
  const signer = keys;
  return {
    gateway,
    post: async (body: unknown) =>
      fetch(`http://127.0.0.1:${gateway.port}/callbacks/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await signer.sign({})}` },
        body: JSON.stringify(body),
      }),
  };
}

describe('callback limits', () => {
  it('answers 429 with Retry-After once the per-process rate bound is spent', async () => {
    const { post } = await gatewayWith({ CALLBACK_RATE_PER_SECOND: '1', CALLBACK_RATE_BURST: '2' });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i += 1) {
      const response = await post(envelope(callNotification(randomUUID(), { state: 'incoming' }, 'created')));
      statuses.push(response.status);
      retryAfter = response.headers.get('retry-after') ?? retryAfter;
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('forgets an ended call after the retention time, and a late notification does not bring it back', async () => {
    const { gateway, post } = await gatewayWith({ CALLBACK_ENDED_RETENTION_MS: '50' });
    const callId = randomUUID();
    const recorder = recordEvents(gateway.live.bus, liveChannels.call(callId));
    await post(envelope(callNotification(callId, { state: 'established' }), callNotification(callId, { state: 'terminated' }, 'deleted')));
    await recorder.until(2);
    expect(await gateway.live.store.get(callId)).toMatchObject({ terminated: true });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await gateway.live.store.get(callId)).toBeUndefined();
    await post(envelope(callNotification(callId, { state: 'established' })));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await gateway.live.store.get(callId)).toBeUndefined();
    expect(recorder.events).toHaveLength(2);
  });

  it('follows at most CALLBACK_MAX_CALLS calls, forgetting the least recently changed', async () => {
    const { gateway, post } = await gatewayWith({ CALLBACK_MAX_CALLS: '2' });
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    const recorder = recordEvents(gateway.live.bus, liveChannels.call(third));
    await post(
      envelope(callNotification(first, { state: 'incoming' }, 'created'), callNotification(second, { state: 'incoming' }, 'created')),
    );
    await post(envelope(callNotification(first, { state: 'established' }), callNotification(third, { state: 'incoming' }, 'created')));
    await recorder.until(1);
    expect((await Promise.all([first, second, third].map((id) => gateway.live.store.get(id)))).map((known) => known?.call.state)).toEqual([
      'established',
      undefined,
      'incoming',
    ]);
  });

  it('applies what it accepted before it stopped', async () => {
    const { gateway, post } = await gatewayWith({});
    const callId = randomUUID();
    expect((await post(envelope(callNotification(callId, { state: 'incoming' }, 'created')))).status).toBe(202);
    await gateway.stop();
    expect((await gateway.live.store.get(callId))?.call.state).toBe('incoming');
  });
});
