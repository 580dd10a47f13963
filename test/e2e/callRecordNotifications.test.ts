import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startSimulator, type RunningSimulator } from '@comms-graphql/simulator';
import { redisUnavailableReason, startRedis, type RunningRedis } from '../helpers/redis.js';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * Call records as Graph announces them, end to end: the simulator plays Graph (a hung-up call leaves a record,
 * then a later version; it validates, notifies and expires change-notification subscriptions), the gateway keeps
 * one Graph subscription and turns its notifications into callRecordCreated / callRecordUpdated events over
 * graphql-ws. With Redis, two replicas share one Graph subscription and hand it over.
 */

const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const P2P_CALL = `{ targets: [{ identity: { user: { id: "${USER}" } } }], requestedModalities: [AUDIO], mediaConfig: { serviceHosted: {} } }`;
const FAST = { callEstablishDelayMs: 100, callRecordDelayMs: 1000, callbackRetryBaseMs: 50 };
/** The owner reads its subscription back often, so renewal and loss show within a test. */
const ENV = {
  CALL_RECORD_SUBSCRIPTION_CHECK_MS: '200',
  CALL_RECORD_OWNER_LEASE_MS: '1500',
  LOG_LEVEL: process.env['DEBUG_LOG'] ?? 'silent',
};
const WAIT = { timeout: 20_000, interval: 50 };

interface RecordEvent {
  id: string;
  version: number;
  sessions?: Array<{ id: string }> | null;
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

/** Subscribes over graphql-ws and collects the events and errors. */
function subscribe(stack: Stack, query: string): { events: RecordEvent[]; errors: unknown[] } {
  const client = createClient({ url: stack.gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  clients.push(client);
  const out = { events: [] as RecordEvent[], errors: [] as unknown[] };
  client.subscribe<Record<string, RecordEvent>>(
    { query },
    {
      next: (result) => (result.errors ? out.errors.push(...result.errors) : out.events.push(Object.values(result.data!)[0]!)),
      error: (error) => out.errors.push(error),
      complete: () => undefined,
    },
  );
  return out;
}

function graphSubscriptions(simulator: RunningSimulator): Array<{ id: string; expirationDateTime: string; clientState: string }> {
  return simulator.control.subscriptions() as Array<{ id: string; expirationDateTime: string; clientState: string }>;
}

/** Places a call through the gateway, waits until it is established, hangs up; returns its record id (the callChainId). */
async function callAndHangUp(stack: Stack): Promise<string> {
  const placed = await stack.query<{ createCall: { id: string; callChainId: string } }>(
    `mutation { createCall(input: ${P2P_CALL}) { id callChainId } }`,
  );
  const { id, callChainId } = placed.data!.createCall;
  await vi.waitFor(async () => {
    const call = await stack.query<{ call: { state: string } }>(`{ call(id: "${id}") { state } }`);
    expect(call.data?.call.state).toBe('ESTABLISHED');
  }, WAIT);
  const hungUp = await stack.query(`mutation { hangUpCall(callId: "${id}") { callId } }`);
  expect(hungUp.errors).toBeUndefined();
  return callChainId;
}

describe('callRecordCreated and callRecordUpdated on one gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulator: FAST, env: ENV });
  });
  afterAll(async () => stack?.stop());

  it("delivers a hung-up call's record once with the selected fields, and its later version as an update", async () => {
    // Graph repeats itself: every notification arrives twice.
    stack.simulator.control.setCallbackBehaviour({ duplicate: true });
    const created = subscribe(stack, 'subscription { callRecordCreated { id version sessions { id } } }');
    const updated = subscribe(stack, 'subscription { callRecordUpdated { id version } }');
    await vi.waitFor(() => expect(graphSubscriptions(stack.simulator)).toHaveLength(1), WAIT);
    const [graphSubscription] = graphSubscriptions(stack.simulator);
    expect(graphSubscription).toMatchObject({
      resource: '/communications/callRecords',
      changeType: 'created,updated',
      notificationUrl: `${stack.gateway.callbackUrl!.replace(/\/calls$/, '')}/callRecords`,
    });

    const recordId = await callAndHangUp(stack);
    // Each version once, in order; a version already superseded when its notice was read is skipped, not repeated.
    await vi.waitFor(() => expect(updated.events.at(-1)?.version).toBe(2), WAIT);
    const versions = updated.events.map((e) => e.version);
    expect(versions).toEqual([...new Set(versions)].sort());
    expect(updated.events.every((e) => e.id === recordId)).toBe(true);
    expect(created.events).toHaveLength(1);
    const [record] = created.events;
    expect(record!.id).toBe(recordId);
    expect(record!.sessions!.map((s) => s.id)).toEqual(Array.from({ length: record!.version }, (_, i) => `${recordId}-s${i + 1}`));
    expect([...created.errors, ...updated.errors]).toEqual([]);
    const delivered = stack.simulator.control.changeNotifications().filter((d) => d.kind === 'notification' && d.outcome === 'delivered');
    expect(delivered.length).toBeGreaterThan(3);
    stack.simulator.control.setCallbackBehaviour({ duplicate: false });
  });

  it('renews the Graph subscription before it expires, reauthorizes it when asked, and recreates it after Graph lost it', async () => {
    subscribe(stack, 'subscription { callRecordCreated { id } }');
    await vi.waitFor(() => expect(graphSubscriptions(stack.simulator)).toHaveLength(1), WAIT);
    const [first] = graphSubscriptions(stack.simulator);
    const soon = new Date(Date.now() + 30_000).toISOString();
    stack.simulator.control.setSubscriptionExpiration(first!.id, soon);
    await vi.waitFor(() => {
      const [now] = graphSubscriptions(stack.simulator);
      expect(now!.id).toBe(first!.id);
      expect(Date.parse(now!.expirationDateTime)).toBeGreaterThan(Date.now() + 86_400_000);
    }, WAIT);

    stack.simulator.control.sendLifecycleEvent(first!.id, 'reauthorizationRequired');
    await vi.waitFor(
      () =>
        expect(
          stack.simulator.control.log().some((e) => e.method === 'POST' && e.path.endsWith(`/subscriptions/${first!.id}/reauthorize`)),
        ).toBe(true),
      WAIT,
    );

    stack.simulator.control.dropSubscription(first!.id);
    await vi.waitFor(() => {
      const now = graphSubscriptions(stack.simulator);
      expect(now).toHaveLength(1);
      expect(now[0]!.id).not.toBe(first!.id);
    }, WAIT);
  });

  it("refuses a notification without the subscription's clientState (403) and acts on nothing it carried", async () => {
    const listening = stack.gateway.callRecords.status().listeners;
    const created = subscribe(stack, 'subscription { callRecordCreated { id } }');
    await vi.waitFor(() => expect(stack.gateway.callRecords.status().listeners).toBe(listening + 1), WAIT);
    await vi.waitFor(() => expect(graphSubscriptions(stack.simulator)).toHaveLength(1), WAIT);
    const [graphSubscription] = graphSubscriptions(stack.simulator);
    const seeded = stack.simulator.resources.snapshot().callRecords as Array<{ id: string }>;
    const [forgedId, genuineId] = [seeded[0]!.id, seeded[1]!.id];
    const url = `http://127.0.0.1:${stack.gateway.port}/callbacks/callRecords`;
    const post = (id: string, clientState: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          value: [
            {
              subscriptionId: graphSubscription!.id,
              clientState,
              changeType: 'created',
              resource: `communications/callRecords/${id}`,
              resourceData: { '@odata.type': '#microsoft.graph.callRecord', '@odata.id': `communications/callRecords/${id}`, id },
            },
          ],
        }),
      });

    expect((await post(forgedId, 'not-the-client-state')).status).toBe(403);
    // Notices are handled in arrival order: once the genuine one is delivered, the forged one would have been too.
    expect((await post(genuineId, graphSubscription!.clientState)).status).toBe(202);
    await vi.waitFor(() => expect(created.events.map((e) => e.id)).toEqual([genuineId]), WAIT);
    expect(stack.simulator.control.log().some((e) => JSON.stringify(e).includes(forgedId))).toBe(false);
  });

  it('answers the validation handshake with the token as plain text', async () => {
    const token = 'Validation: Testing client application reachability <script>alert(1)</script>';
    const response = await fetch(
      `http://127.0.0.1:${stack.gateway.port}/callbacks/callRecords?validationToken=${encodeURIComponent(token)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(token);
  });
});

describe.skipIf(redisUnavailableReason() !== undefined)('two replicas sharing one Redis', () => {
  let redis: RunningRedis;
  let simulator: RunningSimulator;
  let replicas: Stack[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    simulator = await startSimulator({ shuffleBatch: true, ...FAST });
    // A loaded machine answers slowly: a command timeout would make a replica fall back to local events.
    const env = { ...ENV, REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '5000' };
    replicas = [await startStack({ sharedSimulator: simulator, env }), await startStack({ sharedSimulator: simulator, env })];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.stop();
    await simulator?.stop();
    await redis?.stop();
  });

  it('keeps exactly one Graph subscription, delivers to subscribers on both replicas, and hands it over when its owner stops', async () => {
    const onEach = replicas.map((replica) => subscribe(replica, 'subscription { callRecordCreated { id version } }'));
    await vi.waitFor(() => {
      const owners = replicas.filter((r) => r.gateway.callRecords.status().owner);
      expect(owners).toHaveLength(1);
      expect(replicas.every((r) => r.gateway.callRecords.status().subscriptionId !== undefined)).toBe(true);
    }, WAIT);
    expect(graphSubscriptions(simulator)).toHaveLength(1);

    const recordId = await callAndHangUp(replicas[1]!);
    await vi.waitFor(() => expect(onEach.map((s) => s.events.map((e) => e.id))).toEqual([[recordId], [recordId]]), WAIT);
    expect(graphSubscriptions(simulator)).toHaveLength(1);

    const owner = replicas.find((r) => r.gateway.callRecords.status().owner)!;
    const heir = replicas.find((r) => r !== owner)!;
    const subscriptionId = graphSubscriptions(simulator)[0]!.id;
    await owner.stop();
    replicas = [heir];
    await vi.waitFor(() => expect(heir.gateway.callRecords.status().owner).toBe(true), WAIT);
    // Handed over, not deleted and made again: still the one subscription.
    expect(graphSubscriptions(simulator).map((s) => s.id)).toEqual([subscriptionId]);

    // The last replica deletes it when it stops.
    await heir.stop();
    replicas = [];
    expect(graphSubscriptions(simulator)).toEqual([]);
  });
});
