import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { liveChannels } from '../../src/live/events.js';
import { callNotification, envelope, recordEvents } from '../callbacks/helpers.js';
import { startKeyServer, type KeyServer } from '../callbacks/keyServer.js';
import { redisUnavailableReason, startRedis, type RunningRedis } from '../helpers/redis.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Replicas of one deployment on loopback: real gateways sharing one real redis-server (REDIS_URL) and one simulator.
 * Graph's callbacks land on one replica; subscribers on another must see the same events, once each, in order.
 */

const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const P2P_CALL = `{ targets: [{ identity: { user: { id: "${USER}" } } }], requestedModalities: [AUDIO], mediaConfig: { serviceHosted: {} } }`;
const skip = redisUnavailableReason() !== undefined;

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

async function readiness(stack: Stack): Promise<{ status: string; redis?: string; httpStatus: number }> {
  const response = await fetch(`http://127.0.0.1:${stack.gateway.port}/readyz`);
  return { ...((await response.json()) as { status: string; redis?: string }), httpStatus: response.status };
}

async function untilRedis(stacks: Stack[], state: 'up' | 'down'): Promise<void> {
  await vi.waitFor(
    async () => {
      for (const stack of stacks) expect((await readiness(stack)).redis).toBe(state);
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe.skipIf(skip)('replicas sharing one Redis, with the simulator calling back', () => {
  let redis: RunningRedis;
  let first: Stack;
  let second: Stack;
  beforeAll(async () => {
    redis = await startRedis();
    first = await startStack({ env: { REDIS_URL: redis.url }, simulator: { callEstablishDelayMs: 300 } });
    second = await startStack({ env: { REDIS_URL: redis.url }, sharedSimulator: first.simulator });
    await untilRedis([first, second], 'up');
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await redis?.stop();
  });

  it("delivers to a subscriber on replica 2, once each and in order, the events of a call whose callbacks went to replica 1, starting from the call's state", async () => {
    const placed = await first.query<{ createCall: { id: string; callbackUri: string } }>(
      `mutation { createCall(input: ${P2P_CALL}) { id callbackUri } }`,
    );
    const id = placed.data!.createCall.id;
    expect(placed.data!.createCall.callbackUri).toBe(first.gateway.callbackUrl);
    const onFirst = recordEvents(first.gateway.live.bus, liveChannels.call(id));
    const onSecond = recordEvents(second.gateway.live.bus, liveChannels.call(id));
    await vi.waitFor(() => expect(onSecond.events.some((e) => e.call.state === 'established')).toBe(true), { timeout: 10_000 });

    // Replica 2 never received a callback of this call, yet serves its current state first.
    expect(await second.gateway.live.store.get(id)).toMatchObject({ call: { state: 'established' } });
    const client = createClient({ url: second.gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    const states: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ callUpdated: { state: string } }>(
        { query: `subscription ($id: ID!) { callUpdated(id: $id) { state } }`, variables: { id } },
        { next: (r) => states.push(r.data!.callUpdated.state), error: reject, complete: resolve },
      );
    });
    await vi.waitFor(() => expect(states[0]).toBe('ESTABLISHED'));

    await first.query(`mutation { hangUpCall(callId: "${id}") { callId } }`);
    await done;
    expect(states.at(-1)).toBe('TERMINATED');
    await vi.waitFor(() => expect(onFirst.events.at(-1)?.call.state).toBe('terminated'));
    // Both replicas saw the same events, each once, numbered 1, 2, 3, ... in order.
    const sequences = onSecond.events.map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(onFirst.events).toEqual(onSecond.events);
    expect(first.simulator.control.callbacks({ callId: id }).every((d) => d.url === first.gateway.callbackUrl)).toBe(true);
    // Replica 2 timed each event Redis fanned out to it (publisher's clock to its delivery).
    const metrics = await (await fetch(`http://127.0.0.1:${second.gateway.port}/metrics`)).text();
    const fannedOut = Number(/^comms_live_fanout_lag_seconds_count (\d+)/m.exec(metrics)?.[1] ?? 0);
    expect(fannedOut).toBeGreaterThanOrEqual(onSecond.events.length);
  });
});

describe.skipIf(skip)('replicas sharing one Redis, with notifications posted by the test', () => {
  let redis: RunningRedis;
  let keys: KeyServer;
  let replicas: Stack[];
  beforeAll(async () => {
    const app = { audience: '', tenantId: '' };
    keys = await startKeyServer(app);
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '200' };
    const one = await startStack({ env, callbackOpenIdConfigUrl: keys.openIdConfigUrl });
    const two = await startStack({ env, callbackOpenIdConfigUrl: keys.openIdConfigUrl, sharedSimulator: one.simulator });
    replicas = [one, two];
    Object.assign(app, { audience: one.simulator.app('default').clientId, tenantId: one.simulator.tenantId });
    await untilRedis(replicas, 'up');
  });
  afterAll(async () => {
    for (const replica of [...(replicas ?? [])].reverse()) await replica.stop();
    await redis?.stop();
    await keys?.stop();
  });

  async function post(replica: Stack, body: unknown): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${replica.gateway.port}/callbacks/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await keys.sign({})}` },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  it('turns the same notification delivered to two replicas into one event on each', async () => {
    const callId = randomUUID();
    const recorders = replicas.map((r) => recordEvents(r.gateway.live.bus, liveChannels.call(callId)));
    const body = envelope(callNotification(callId, { state: 'established', '@odata.etag': 'W/"3"' }));
    expect(await Promise.all(replicas.map((r) => post(r, body)))).toEqual([202, 202]);
    for (const recorder of recorders) await recorder.until(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const recorder of recorders) expect(recorder.events.map((e) => e.sequence)).toEqual([1]);
  });

  it('keeps callbacks and subscriptions on each replica working on their own while Redis is down, says degraded, and shares again once Redis is back', async () => {
    const [one, two] = replicas as [Stack, Stack];
    await redis.kill();
    await untilRedis(replicas, 'down');
    expect(await readiness(one)).toMatchObject({ httpStatus: 200, status: 'degraded', redis: 'down' });

    // Alone: each replica's callbacks reach its own subscribers.
    for (const replica of replicas) {
      const callId = randomUUID();
      const recorder = recordEvents(replica.gateway.live.bus, liveChannels.call(callId));
      expect(await post(replica, envelope(callNotification(callId, { state: 'established' })))).toBe(202);
      await recorder.until(1);
      expect(await replica.gateway.live.store.get(callId)).toMatchObject({ sequence: 1, call: { state: 'established' } });
    }
    // A graphql-ws subscriber on a replica gets its call's local state, then its next change.
    const local = randomUUID();
    expect(await post(two, envelope(callNotification(local, { state: 'established' })))).toBe(202);
    await vi.waitFor(async () => expect(await two.gateway.live.store.get(local)).toBeDefined());
    const client = createClient({ url: two.gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    const states: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe<{ callUpdated: { state: string } }>(
        { query: `subscription ($id: ID!) { callUpdated(id: $id) { state } }`, variables: { id: local } },
        { next: (r) => states.push(r.data!.callUpdated.state), error: reject, complete: resolve },
      );
    });
    await vi.waitFor(() => expect(states).toEqual(['ESTABLISHED']));
    expect(await post(two, envelope(callNotification(local, { state: 'terminated' }, 'deleted')))).toBe(202);
    await done;
    expect(states).toEqual(['ESTABLISHED', 'TERMINATED']);

    const metrics = await (await fetch(`http://127.0.0.1:${one.gateway.port}/metrics`)).text();
    expect(metrics).toMatch(/^comms_redis_up 0$/m);
    expect(metrics).toMatch(/^comms_redis_errors_total [1-9]/m);

    await redis.start();
    await untilRedis(replicas, 'up');
    expect(await readiness(two)).toMatchObject({ httpStatus: 200, status: 'ready', redis: 'up' });
    const callId = randomUUID();
    const onTwo = recordEvents(two.gateway.live.bus, liveChannels.call(callId));
    expect(await post(one, envelope(callNotification(callId, { state: 'established' })))).toBe(202);
    const [event] = await onTwo.until(1);
    expect(event).toMatchObject({ sequence: 1, call: { state: 'established' } });
  });

  it('answers callbacks within the command timeout while Redis stalls, and shares again once it answers', async () => {
    const [one, two] = replicas as [Stack, Stack];
    redis.pause();
    try {
      const callId = randomUUID();
      const recorder = recordEvents(one.gateway.live.bus, liveChannels.call(callId));
      const started = Date.now();
      expect(await post(one, envelope(callNotification(callId, { state: 'established' })))).toBe(202);
      await recorder.until(1);
      // One timed-out read (200 ms), then this replica's own copy.
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await readiness(one)).toMatchObject({ httpStatus: 200, status: 'degraded', redis: 'down' });
    } finally {
      redis.resume();
    }
    await untilRedis([one], 'up');
    const callId = randomUUID();
    const onTwo = recordEvents(two.gateway.live.bus, liveChannels.call(callId));
    expect(await post(one, envelope(callNotification(callId, { state: 'established' })))).toBe(202);
    await onTwo.until(1);
  });
});

describe.skipIf(skip)('a replica whose Redis never answers', () => {
  it('starts, applies the callbacks it receives on its own, says degraded, and logs that once', async () => {
    const nowhere = await startRedis();
    await nowhere.stop();
    const lines: Array<{ msg?: string; component?: string }> = [];
    const stack = await startStack({
      env: { REDIS_URL: nowhere.url, LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => lines.push(JSON.parse(line) as { msg?: string }) },
    });
    try {
      await vi.waitFor(async () => expect(await readiness(stack)).toMatchObject({ httpStatus: 200, status: 'degraded', redis: 'down' }), {
        timeout: 10_000,
      });
      const placed = await stack.query<{ createCall: { id: string } }>(`mutation { createCall(input: ${P2P_CALL}) { id } }`);
      const id = placed.data!.createCall.id;
      await vi.waitFor(async () => expect(await stack.gateway.live.store.get(id)).toMatchObject({ call: { state: 'established' } }), {
        timeout: 10_000,
      });
      // Reconnection keeps failing; the change of state is logged once.
      expect(lines.filter((l) => l.component === 'redis').map((l) => l.msg)).toEqual([
        'Redis is unavailable: this replica works on its own until it answers again',
      ]);
    } finally {
      await stack.stop();
    }
  });
});
