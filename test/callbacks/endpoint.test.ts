import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChannels } from '../../src/live/events.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { callNotification, envelope, operationNotification, recordEvents, rosterNotification } from './helpers.js';
import { startKeyServer, type KeyServer } from './keyServer.js';

class LogLines {
  readonly lines: Array<Record<string, unknown>> = [];
  write(line: string): void {
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
}

let stack: Stack;
let keys: KeyServer;
let url: string;
const log = new LogLines();

beforeAll(async () => {
  // The key server needs the gateway's app and tenant, which the simulator decides: start it with placeholders, then
  // sign for the real ones (sign() takes the defaults at call time through `app`).
  const app = { audience: '', tenantId: '' };
  keys = await startKeyServer(app);
  stack = await startStack({
    callbackOpenIdConfigUrl: keys.openIdConfigUrl,
    env: { LOG_LEVEL: 'debug', CALLBACK_MAX_BODY_BYTES: '2048' },
    logDestination: log,
  });
  Object.assign(app, { audience: stack.simulator.app('default').clientId, tenantId: stack.simulator.tenantId });
  url = `http://127.0.0.1:${stack.gateway.port}/callbacks/calls`;
});

afterAll(async () => {
  await stack?.stop();
  await keys?.stop();
});

async function post(body: unknown, options: { token?: string | null; contentType?: string; method?: string } = {}) {
  const token = options.token === undefined ? await keys.sign({}) : options.token;
  return fetch(url, {
    method: options.method ?? 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(options.method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

describe('POST /callbacks/calls', () => {
  it('accepts a notification signed like Graph with 202, then publishes the event and stores the call', async () => {
    const callId = randomUUID();
    const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(callId));
    const incoming = recordEvents(stack.gateway.live.bus, liveChannels.incoming);
    const response = await post(
      envelope(callNotification(callId, { '@odata.etag': 'W/"1"', state: 'incoming', direction: 'incoming' }, 'created')),
    );
    expect(response.status).toBe(202);
    const [event] = await recorder.until(1);
    expect(event).toMatchObject({ type: 'call', callId, sequence: 1, change: 'created', call: { id: callId, state: 'incoming' } });
    expect((await incoming.until(1)).find((e) => e.callId === callId)).toEqual(event);
    expect(await stack.gateway.live.store.get(callId)).toMatchObject({ sequence: 1, terminated: false, call: { state: 'incoming' } });
    recorder.stop();
    incoming.stop();
  });

  it.each([
    ['https://api.botframework.com/', 'with a trailing slash (sovereign clouds)'],
    ['https://graph.microsoft.com', 'of Graph'],
  ])('accepts the issuer %s %s', async (iss) => {
    const callId = randomUUID();
    const response = await post(envelope(callNotification(callId, { state: 'establishing' })), { token: await keys.sign({ iss }) });
    expect(response.status).toBe(202);
  });

  it('finds a call whatever spelling of its id Graph uses (upper case without dashes, legacy resource, no leading slash)', async () => {
    const callId = randomUUID();
    const compact = callId.replace(/-/g, '').toUpperCase();
    const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(compact));
    await post(
      envelope(
        { changeType: 'created', resource: `/app/calls/${compact}`, resourceData: { state: 'incoming' } },
        { changeType: 'updated', resourceUrl: `communications/calls/${compact}`, resourceData: { state: 'established' } },
      ),
    );
    const events = await recorder.until(2);
    expect(events.map((e) => e.callId)).toEqual([callId, callId]);
    expect((await stack.gateway.live.store.get(compact))?.call.state).toBe('established');
    recorder.stop();
  });

  describe('refuses what Graph did not sign, with 401 and no change', () => {
    const cases: Array<[string, () => Promise<string | null>]> = [
      ['a forged signature', () => keys.sign({}, { key: keys.foreignKey })],
      [
        'an unsigned token (alg none)',
        async () => unsigned({ aud: stack.simulator.app('default').clientId, tid: stack.simulator.tenantId }),
      ],
      ['an expired token', () => keys.sign({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 })],
      ['a token for another audience', () => keys.sign({ aud: 'another-app' })],
      ['a token from another issuer', () => keys.sign({ iss: 'https://login.microsoftonline.com/common/v2.0' })],
      ['a token for another tenant', () => keys.sign({ tid: randomUUID() })],
      ['no Authorization header', () => Promise.resolve(null)],
    ];
    it.each(cases)('%s', async (_name, token) => {
      const callId = randomUUID();
      const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(callId));
      const response = await post(envelope(callNotification(callId, { state: 'incoming' }, 'created')), { token: await token() });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await settled();
      expect(recorder.events).toEqual([]);
      expect(await stack.gateway.live.store.get(callId)).toBeUndefined();
      recorder.stop();
    });

    it('a key id the key server does not publish: refetched once, still refused, and not refetched again within the cooldown', async () => {
      await post(envelope(callNotification(randomUUID(), { state: 'incoming' }, 'created')));
      const before = { config: keys.hits['/openid'] ?? 0, keys: keys.hits['/keys'] ?? 0 };
      for (let i = 0; i < 4; i += 1) {
        const callId = randomUUID();
        const response = await post(envelope(callNotification(callId, { state: 'incoming' }, 'created')), {
          token: await keys.sign({}, { kid: `forged-${i}` }),
        });
        expect(response.status).toBe(401);
        expect(await stack.gateway.live.store.get(callId)).toBeUndefined();
      }
      expect({ config: keys.hits['/openid'], keys: keys.hits['/keys'] }).toEqual({ config: before.config + 1, keys: before.keys + 1 });
    });
  });

  it('never logs the token', async () => {
    const token = await keys.sign({ aud: 'another-app' });
    await post(envelope(callNotification(randomUUID(), { state: 'incoming' })), { token });
    const text = JSON.stringify(log.lines);
    expect(text).not.toContain(token.split('.')[2]);
    expect(log.lines.some((l) => l['msg'] === 'callback refused' && l['outcome'] === 'unauthenticated')).toBe(true);
  });

  it('answers 405 to other methods, 415 to other content types, 413 to large bodies and 400 to what is not an envelope', async () => {
    expect((await post(undefined, { method: 'GET' })).status).toBe(405);
    expect((await post(envelope(), { contentType: 'text/plain' })).status).toBe(415);
    expect((await post(envelope(callNotification(randomUUID(), { subject: 'x'.repeat(4096) })))).status).toBe(413);
    expect((await post('{"value": [')).status).toBe(400);
    expect((await post({ notifications: [] })).status).toBe(400);
    expect((await post(envelope({ changeType: 'renamed', resourceUrl: '/communications/calls/1' }))).status).toBe(400);
  });
});

describe('ordering and deduplication', () => {
  it('applies establishing and established once each, in order, whatever order and however often they arrive', async () => {
    const callId = randomUUID();
    const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(callId));
    const created = callNotification(callId, { '@odata.etag': 'W/"1"', state: 'incoming' }, 'created');
    const establishing = callNotification(callId, { state: 'establishing' });
    const established = callNotification(callId, { state: 'established' });
    await post(envelope(created, created));
    await post(envelope(established));
    await post(envelope(establishing, established));
    await post(envelope(callNotification(callId, { '@odata.etag': 'W/"7"', state: 'hold' })));
    await post(envelope(callNotification(callId, { '@odata.etag': 'W/"7"', state: 'hold' })));
    await post(envelope(callNotification(callId, { '@odata.etag': 'W/"5"', state: 'established' })));
    await post(envelope(callNotification(callId, { '@odata.etag': 'W/"8"', subject: 'marker' })));
    const events = await recorder.until(4);
    expect(events.map((e) => (e.type === 'call' ? e.call.state : e.type))).toEqual(['incoming', 'established', 'hold', 'hold']);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
    expect(await stack.gateway.live.store.get(callId)).toMatchObject({ sequence: 4, call: { state: 'hold', subject: 'marker' } });
    recorder.stop();
  });

  it('lets the terminal state win: nothing after terminated reopens the call', async () => {
    const callId = randomUUID();
    const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(callId));
    const resultInfo = { code: '200', subcode: '5001', message: 'The conversation has ended.' };
    await post(
      envelope(
        callNotification(callId, { state: 'established' }),
        callNotification(callId, { state: 'terminated', resultInfo }, 'deleted'),
      ),
    );
    await post(envelope(callNotification(callId, { state: 'terminating' }), callNotification(callId, { state: 'established' })));
    await post(envelope(rosterNotification(callId, [{ id: 'p1', rosterSequenceNumber: 9 }])));
    await settled();
    expect(recorder.events.map((e) => (e.type === 'call' ? e.call.state : e.type))).toEqual(['established', 'terminated']);
    expect(await stack.gateway.live.store.get(callId)).toMatchObject({
      terminated: true,
      sequence: 2,
      call: { state: 'terminated', resultInfo },
    });
    recorder.stop();
  });

  it('keeps the latest roster by rosterSequenceNumber, and lets a participant leave', async () => {
    const callId = randomUUID();
    const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(callId));
    const alice = { id: 'alice', isMuted: false, rosterSequenceNumber: 1 };
    const bob = { id: 'bob', isMuted: false, rosterSequenceNumber: 2 };
    const bobMuted = { ...bob, isMuted: true, rosterSequenceNumber: 3 };
    await post(envelope(rosterNotification(callId, [alice, bobMuted])));
    // Older rosters arriving late, and a duplicate.
    await post(envelope(rosterNotification(callId, [alice, bob]), rosterNotification(callId, [alice, bobMuted])));
    // Bob leaves: Alice's number stays as it was.
    await post(envelope(rosterNotification(callId, [alice])));
    // Bob's last roster entry again, late: he has left.
    await post(envelope(rosterNotification(callId, [alice, bobMuted])));
    await post(envelope(callNotification(callId, { subject: 'marker' })));
    const events = await recorder.until(3);
    await settled();
    expect(events.map((e) => (e.type === 'roster' ? e.participants.map((p) => p.id) : e.type))).toEqual([
      ['alice', 'bob'],
      ['alice'],
      'call',
    ]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect((await stack.gateway.live.store.get(callId))?.call.participants).toMatchObject([{ id: 'alice' }]);
    recorder.stop();
  });

  it('drops a repeated or older tone by its sequenceId', async () => {
    const callId = randomUUID();
    const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(callId));
    const tone = (sequenceId: number, t: string) => callNotification(callId, { state: 'established', toneInfo: { sequenceId, tone: t } });
    await post(envelope(tone(1, 'tone1'), tone(2, 'tone2'), tone(2, 'tone2'), tone(1, 'tone1'), tone(3, 'tone1')));
    const events = await recorder.until(3);
    await settled();
    expect(events.map((e) => (e.type === 'call' ? e.call.toneInfo?.sequenceId : undefined))).toEqual([1, 2, 3]);
    recorder.stop();
  });

  it('publishes an operation completion once and records it on the call', async () => {
    const callId = randomUUID();
    const operationId = randomUUID();
    const recorder = recordEvents(stack.gateway.live.bus, liveChannels.call(callId));
    await post(envelope(callNotification(callId, { state: 'established' })));
    const completed = operationNotification(callId, operationId.replace(/-/g, '').toUpperCase(), {
      '@odata.etag': 'W/"54451"',
      status: 'completed',
      clientContext: 'ctx-1',
      resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
    });
    await post(envelope(completed, completed));
    await post(envelope(callNotification(callId, { subject: 'marker' })));
    const events = await recorder.until(3);
    const operations = events.filter((e) => e.type === 'operation');
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ sequence: 2, operation: { status: 'completed', clientContext: 'ctx-1' } });
    expect((await stack.gateway.live.store.get(callId))?.call.operations).toMatchObject([{ status: 'completed', clientContext: 'ctx-1' }]);
    recorder.stop();
  });
});

describe('metrics', () => {
  it('counts callbacks by outcome and notifications by result', async () => {
    const text = await (await fetch(`http://127.0.0.1:${stack.gateway.port}/metrics`)).text();
    expect(text).toMatch(/comms_callbacks_received_total\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/comms_callbacks_received_total\{outcome="unauthenticated"\} [1-9]/);
    expect(text).toMatch(/comms_callback_notifications_total\{result="duplicate"\} [1-9]/);
    expect(text).toMatch(/comms_callback_notifications_total\{result="stale"\} [1-9]/);
  });
});

/** An unsigned JWT (`alg: none`), as an attacker would send. */
function unsigned(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: 'https://api.botframework.com', iat: now, nbf: now, exp: now + 600, ...claims })}.`;
}

/** Lets accepted callbacks be applied (they are applied after the answer, on the next turns of the event loop). */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}
