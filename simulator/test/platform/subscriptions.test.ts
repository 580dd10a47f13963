import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestSimulator, stopTestSimulator, type TestSimulator } from '../helpers/testSimulator.js';

type Rec = Record<string, unknown>;

/** A change-notification receiver on loopback: echoes validation tokens (unless told not to) and keeps what arrives. */
async function startReceiver(): Promise<{ url: string; bodies: Rec[]; echo: boolean; close(): Promise<void> }> {
  const state = { bodies: [] as Rec[], echo: true };
  const read = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer((req, res) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
    void read(req).then((text) => {
      if (token !== null) {
        if (!state.echo) return void res.writeHead(500).end();
        return void res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      }
      state.bodies.push(JSON.parse(text) as Rec);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/notify`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const HEIDI = '550fae72-d251-43ec-868c-373732c2704f';
const call = (callbackUri: string) => ({
  '@odata.type': '#microsoft.graph.call',
  callbackUri,
  targets: [{ identity: { user: { id: HEIDI, displayName: 'Heidi' } } }],
  requestedModalities: ['audio'],
  mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
});

describe('change-notification subscriptions on call records', () => {
  let sim: TestSimulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sim = await startTestSimulator({ callEstablishDelayMs: 20, callRecordDelayMs: 50, callbackRetryBaseMs: 20 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await stopTestSimulator(sim);
  });
  afterEach(() => {
    receiver.bodies.length = 0;
    receiver.echo = true;
    sim.control.reset();
  });

  const graph = async (path: string, method: string, body?: unknown, app?: string) => {
    const res = await sim.client.graph(`/v1.0${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      ...(app !== undefined ? { app } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Rec };
  };
  const subscription = (extra: Rec = {}) => ({
    changeType: 'created,updated',
    notificationUrl: receiver.url,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
    resource: '/communications/callRecords',
    expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
    clientState: 'secret-state',
    ...extra,
  });

  it('creates a subscription after the validation handshake, and refuses one whose endpoint does not echo the token', async () => {
    const created = await graph('/subscriptions', 'POST', subscription());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      resource: '/communications/callRecords',
      changeType: 'created,updated',
      clientState: 'secret-state',
    });
    const validations = sim.control.changeNotifications().filter((d) => d.kind === 'validation');
    expect(validations.map((d) => d.url)).toEqual([receiver.url, `${receiver.url}/lifecycle`]);

    receiver.echo = false;
    const refused = await graph('/subscriptions', 'POST', subscription());
    expect(refused.status).toBe(400);
    expect((refused.body['error'] as Rec)['code']).toBe('ValidationError');
  });

  it('refuses an expiration beyond 4230 minutes, an unknown resource and an app without CallRecords.Read.All', async () => {
    const far = new Date(Date.now() + 4231 * 60_000).toISOString();
    expect((await graph('/subscriptions', 'POST', subscription({ expirationDateTime: far }))).status).toBe(400);
    expect((await graph('/subscriptions', 'POST', subscription({ resource: '/communications/calls' }))).status).toBe(400);
    expect((await graph('/subscriptions', 'POST', subscription(), 'calls-only')).status).toBe(403);
  });

  it("notifies a hung-up call's record (ids only, clientState), then its later version; renews, reauthorizes and deletes", async () => {
    const created = await graph('/subscriptions', 'POST', subscription({ changeType: 'created' }));
    const id = String(created.body['id']);
    const placed = await graph('/communications/calls', 'POST', call(receiver.url));
    const callId = String(placed.body['id']);
    await vi.waitFor(async () => expect((await graph(`/communications/calls/${callId}`, 'GET')).body['state']).toBe('established'));
    expect((await graph(`/communications/calls/${callId}`, 'DELETE')).status).toBe(204);
    const recordId = String(placed.body['callChainId']);
    await vi.waitFor(() => expect(receiver.bodies.some((b) => JSON.stringify(b).includes('callRecords/'))).toBe(true), { timeout: 5000 });
    const notification = (receiver.bodies.find((b) => JSON.stringify(b).includes('callRecords/'))!['value'] as Rec[])[0]!;
    expect(notification).toMatchObject({
      subscriptionId: id,
      clientState: 'secret-state',
      changeType: 'created',
      resource: `communications/callRecords/${recordId}`,
      resourceData: { '@odata.type': '#Microsoft.Graph.callrecord', id: recordId },
    });
    expect((await graph(`/communications/callRecords/${recordId}`, 'GET')).status).toBe(200);
    await vi.waitFor(async () => expect((await graph(`/communications/callRecords/${recordId}`, 'GET')).body['version']).toBe(2));
    // A `created` subscription hears of the first version only.
    const changes = receiver.bodies.flatMap((b) => (b['value'] as Rec[]).filter((n) => 'subscriptionId' in n).map((n) => n['changeType']));
    expect(changes).toEqual(['created']);

    const later = new Date(Date.now() + 7_200_000).toISOString();
    expect((await graph(`/subscriptions/${id}`, 'PATCH', { expirationDateTime: later })).body['expirationDateTime']).toBe(later);
    expect((await graph(`/subscriptions/${id}/reauthorize`, 'POST', {})).status).toBe(204);
    expect((await graph(`/subscriptions/${id}`, 'DELETE')).status).toBe(204);
    expect((await graph(`/subscriptions/${id}`, 'GET')).status).toBe(404);
  });

  it('lets the control surface drop a subscription, shorten its expiry and send a lifecycle event', async () => {
    const id = String((await graph('/subscriptions', 'POST', subscription())).body['id']);
    sim.control.sendLifecycleEvent(id, 'reauthorizationRequired');
    await vi.waitFor(() => expect(receiver.bodies.some((b) => JSON.stringify(b).includes('reauthorizationRequired'))).toBe(true));
    sim.control.setSubscriptionExpiration(id, new Date(Date.now() + 100).toISOString());
    await vi.waitFor(async () => expect((await graph(`/subscriptions/${id}`, 'GET')).status).toBe(404));
    const other = String((await graph('/subscriptions', 'POST', subscription())).body['id']);
    sim.control.dropSubscription(other);
    expect(
      (await graph(`/subscriptions/${other}`, 'PATCH', { expirationDateTime: new Date(Date.now() + 60_000).toISOString() })).status,
    ).toBe(404);
  });
});
