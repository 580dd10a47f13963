import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver, stateOf } from '../helpers/callbackReceiver.js';
import type { CallbackReceiver, ReceivedNotification, Rec } from '../helpers/callbackReceiver.js';
import { sharedServerCertificate } from '../../src/tls.js';
import { startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';

const DELAY = 40;
const serviceMedia = { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' };
const appMedia = { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: '<media session>' };
const user = (id: string, displayName: string) => ({
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: { '@odata.type': '#microsoft.graph.identitySet', user: { '@odata.type': '#microsoft.graph.identity', displayName, id } },
});
const HEIDI = user('550fae72-d251-43ec-868c-373732c2704f', 'Heidi');
const IRVIN = user('0c2b7a8f-1d2e-4f3a-9b8c-7d6e5f4a3b21', 'Irvin');
const JOHN = user('112f7296-5fa4-42ca-bae8-6a692b15d4b8', 'John');
const prompt = { '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: { uri: 'https://cdn.contoso.com/beep.wav', resourceId: '1' } };

function callBody(callbackUri: string, targets: unknown[] = [HEIDI], media: object = serviceMedia): Rec {
  return { '@odata.type': '#microsoft.graph.call', callbackUri, targets, requestedModalities: ['audio'], mediaConfig: media };
}

const isRoster = (n: ReceivedNotification) => n.resourceUrl.endsWith('/participants') && Array.isArray(n.resourceData);
const etagOf = (n: ReceivedNotification) => Number(/^W\/"(\d+)"$/.exec(String((n.resourceData as Rec)['@odata.etag']))?.[1]);

describe('callbacks', () => {
  let sim: TestSimulator;
  let receiver: CallbackReceiver;
  let clientId: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ callEstablishDelayMs: DELAY, callbackRetryBaseMs: 20 });
    clientId = sim.app('default').clientId;
    receiver = await startCallbackReceiver(sim, clientId);
  });
  afterAll(async () => {
    await receiver.close();
    await stopTestSimulator(sim);
  });

  const json = async (path: string, method: string, body?: unknown, app?: string) => {
    const res = await sim.client.graph(path, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      ...(app !== undefined ? { app } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Rec };
  };
  const createCall = async (targets: unknown[] = [HEIDI], media: object = serviceMedia): Promise<string> => {
    const res = await json('/v1.0/communications/calls', 'POST', callBody(receiver.url, targets, media));
    expect(res.status).toBe(201);
    return res.body['id'] as string;
  };
  const established = async (targets: unknown[] = [HEIDI], media: object = serviceMedia): Promise<string> => {
    const id = await createCall(targets, media);
    await receiver.waitFor(() => receiver.forCall(id).some(isRoster));
    return id;
  };
  const action = (id: string, name: string, body: unknown = {}) => json(`/v1.0/communications/calls/${id}/${name}`, 'POST', body);

  it('publishes its own callback signing key as an OpenID configuration, apart from the token key', async () => {
    const res = await sim.client.fetch(sim.callbackOpenIdConfigurationUrl);
    expect(res.status).toBe(200);
    expect(sim.callbackOpenIdConfigurationUrl).toBe(`${sim.origin}/botframework/v1/.well-known/OpenIdConfiguration`);
    const config = (await res.json()) as Rec;
    expect(config).toEqual({
      issuer: 'https://api.botframework.com',
      jwks_uri: `${sim.origin}/botframework/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const keys = ((await (await sim.client.fetch(config['jwks_uri'] as string)).json()) as { keys: Rec[] }).keys;
    expect(keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String) });
    const entra = ((await (await sim.client.fetch(sim.jwksUri)).json()) as { keys: Rec[] }).keys;
    expect(entra.map((k) => k['kid'])).not.toContain(keys[0]?.['kid']);
  });

  it('notifies establishing then established with signed tokens, increasing etags and the roster', async () => {
    const id = await createCall();
    const all = await receiver.waitFor(() => receiver.forCall(id).some(isRoster));
    const mine = all.filter((n) => n.resourceUrl.startsWith(`/communications/calls/${id}`));
    expect(mine.map((n) => [n.changeType, stateOf(n) ?? 'roster'])).toEqual([
      ['updated', 'establishing'],
      ['updated', 'established'],
      ['updated', 'roster'],
    ]);
    const first = mine[0];
    expect(first?.resourceData).toEqual({
      '@odata.type': '#microsoft.graph.call',
      '@odata.id': `/communications/calls/${id}`,
      '@odata.etag': 'W/"1"',
      state: 'establishing',
    });
    expect(first?.claims).toMatchObject({ iss: 'https://api.botframework.com', aud: clientId, tid: sim.tenantId });
    const claims = first?.claims ?? {};
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(claims.nbf).toBe(claims.iat);
    expect(first?.kid).toEqual(expect.any(String));
    expect(first?.contentType).toBe('application/json');
    expect(etagOf(mine[1] as ReceivedNotification)).toBe(2);
    const roster = mine[2]?.resourceData as Rec[];
    expect(roster.map((p) => p['@odata.type'])).toEqual(['#microsoft.graph.participant', '#microsoft.graph.participant']);
    expect((roster[1]?.['info'] as Rec)['identity']).toMatchObject({ user: { displayName: 'Heidi' } });
    expect(roster[1]?.['rosterSequenceNumber']).toBe(1);
    expect(receiver.refused).toEqual([]);
  });

  it('completes playPrompt with a deleted operation notification', async () => {
    const id = await established();
    const play = await action(id, 'playPrompt', { prompts: [prompt], clientContext: 'pp-1' });
    expect(play.status).toBe(200);
    const opId = play.body['id'] as string;
    await receiver.waitFor(() => receiver.forCall(id).some((n) => n.resourceUrl.endsWith(opId)));
    const done = receiver.forCall(id).find((n) => n.resourceUrl.endsWith(opId));
    expect(done?.changeType).toBe('deleted');
    expect(done?.resourceUrl).toBe(`/communications/calls/${id}/operations/${opId}`);
    expect(done?.resourceData).toMatchObject({
      '@odata.type': '#microsoft.graph.playPromptOperation',
      '@odata.id': `/communications/calls/${id}/operations/${opId}`,
      '@odata.etag': expect.stringMatching(/^W\/"\d+"$/),
      status: 'completed',
      clientContext: 'pp-1',
      resultInfo: { code: 200, subcode: 0, message: expect.any(String) },
    });
    expect((await json(`/v1.0/communications/calls/${id}/operations/${opId}`, 'GET')).body).toMatchObject({ status: 'completed' });
  });

  it('sends tones to a call that subscribed to them and refuses them otherwise', async () => {
    const id = await established();
    const tone = (t: string) => sim.client.fetch(`/_simulator/calls/${id}/tones`, { method: 'POST', body: JSON.stringify({ tone: t }) });
    const before = await tone('tone5');
    expect(before.status).toBe(409);
    expect(((await before.json()) as { error: Rec }).error['message']).toMatch(/subscribeToTone/);
    expect((await action(id, 'subscribeToTone', { clientContext: 't' })).status).toBe(200);
    expect(await (await tone('tone5')).json()).toEqual({ tone: 'tone5', sequenceId: 1 });
    expect(sim.control.sendTone(id, 'pound')).toBe(2);
    await receiver.waitFor(() => receiver.forCall(id).filter((n) => (n.resourceData as Rec)['toneInfo']).length === 2);
    const tones = receiver.forCall(id).filter((n) => (n.resourceData as Rec)['toneInfo']);
    expect(tones.map((n) => [n.changeType, (n.resourceData as Rec)['state'], (n.resourceData as Rec)['toneInfo']])).toEqual([
      ['updated', 'established', { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 1, tone: 'tone5' }],
      ['updated', 'established', { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: 2, tone: 'pound' }],
    ]);
    expect((await tone('tone99')).status).toBe(400);
  });

  it('invites participants: Running, then the completed operation and a roster with them', async () => {
    const id = await established([HEIDI, IRVIN]);
    const invite = await json(`/v1.0/communications/calls/${id}/participants/invite`, 'POST', {
      participants: [JOHN],
      clientContext: 'inv',
    });
    expect(invite.status).toBe(200);
    expect(invite.headers.get('location')).toMatch(new RegExp(`/communications/calls/${id}/operations/`));
    expect(invite.body).toMatchObject({
      '@odata.type': '#microsoft.graph.inviteParticipantsOperation',
      status: 'Running',
      participants: [JOHN],
    });
    const opId = invite.body['id'] as string;
    await receiver.waitFor(() => receiver.forCall(id).filter(isRoster).length === 2);
    const after = receiver.forCall(id);
    const opAt = after.findIndex((n) => n.resourceUrl.endsWith(opId));
    expect(after[opAt]?.resourceData).toMatchObject({ status: 'completed', participants: [JOHN], resultInfo: { code: 200, subcode: 0 } });
    const roster = after.filter(isRoster).at(-1);
    expect(after.indexOf(roster as ReceivedNotification)).toBeGreaterThan(opAt);
    const people = roster?.resourceData as Rec[];
    expect(people).toHaveLength(4);
    expect(people.map((p) => p['rosterSequenceNumber'])).toEqual([1, 1, 1, 2]);
    const list = await json(`/v1.0/communications/calls/${id}/participants`, 'GET');
    expect(list.body['value']).toHaveLength(4);
    const johnId = people[3]?.['id'] as string;
    expect((await json(`/v1.0/communications/calls/${id}/participants/${johnId}`, 'GET')).body).toMatchObject({ id: johnId });
    expect((await json(`/v1.0/communications/calls/${id}/participants/nobody`, 'GET')).status).toBe(404);
  });

  it('server-mutes a participant with a roster update, removes participants and puts one on hold', async () => {
    const id = await established([HEIDI, IRVIN]);
    const roster = receiver.forCall(id).find(isRoster)?.resourceData as Rec[];
    const heidi = roster[1]?.['id'] as string;
    const irvin = roster[2]?.['id'] as string;
    const mute = await json(`/v1.0/communications/calls/${id}/participants/${heidi}/mute`, 'POST', { clientContext: 'm' });
    expect(mute.status).toBe(200);
    expect(mute.body).toMatchObject({
      '@odata.type': '#microsoft.graph.muteParticipantOperation',
      status: 'completed',
      clientContext: 'm',
    });
    await receiver.waitFor(() => receiver.forCall(id).filter(isRoster).length === 2);
    const muted = receiver.forCall(id).filter(isRoster)[1]?.resourceData as Rec[];
    expect(muted.find((p) => p['id'] === heidi)).toMatchObject({ isMuted: true, rosterSequenceNumber: 2 });
    expect(muted.find((p) => p['id'] === irvin)).toMatchObject({ isMuted: false, rosterSequenceNumber: 1 });

    const hold = await json(`/v1.0/communications/calls/${id}/participants/${irvin}/startHoldMusic`, 'POST', {
      customPrompt: prompt,
      clientContext: 'h',
    });
    expect(hold.status).toBe(202);
    expect(hold.headers.get('location')).toContain(`/operations/${hold.body['id'] as string}`);
    expect(hold.body).toMatchObject({ '@odata.type': '#microsoft.graph.startHoldMusicOperation', status: 'running' });
    expect((await json(`/v1.0/communications/calls/${id}/participants/${heidi}/startHoldMusic`, 'POST', {})).status).toBe(400);
    const unhold = await json(`/v1.0/communications/calls/${id}/participants/${irvin}/stopHoldMusic`, 'POST', {});
    expect(unhold.status).toBe(202);
    await receiver.waitFor(() => receiver.forCall(id).some((n) => n.resourceUrl.endsWith(unhold.body['id'] as string)));
    const stopped = receiver.forCall(id).find((n) => n.resourceUrl.endsWith(hold.body['id'] as string));
    expect(stopped?.resourceData).toMatchObject({
      '@odata.type': '#microsoft.graph.startHoldMusicOperation',
      status: 'completed',
      clientContext: 'h',
    });

    const removed = await sim.client.graph(`/v1.0/communications/calls/${id}/participants/${heidi}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    await receiver.waitFor(() => receiver.forCall(id).filter(isRoster).length === 3);
    const left = receiver.forCall(id).filter(isRoster)[2]?.resourceData as Rec[];
    expect(left.map((p) => p['id'])).not.toContain(heidi);
    expect((await sim.client.graph(`/v1.0/communications/calls/${id}/participants/${heidi}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('follows the bot muting itself with a roster in which it is muted', async () => {
    const id = await established();
    expect((await action(id, 'mute', { clientContext: 'self' })).status).toBe(200);
    await receiver.waitFor(() => receiver.forCall(id).filter(isRoster).length === 2);
    const [bot, heidi] = receiver.forCall(id).filter(isRoster)[1]?.resourceData as Rec[];
    expect(bot).toMatchObject({ isMuted: true, rosterSequenceNumber: 2 });
    expect(heidi).toMatchObject({ isMuted: false, rosterSequenceNumber: 1 });
  });

  it('records a response whose recording downloads with its access token only', async () => {
    const id = await established();
    const rec = await action(id, 'recordResponse', { maxRecordDurationInSeconds: 10, clientContext: 'rec' });
    expect(rec.body).toMatchObject({ status: 'running', recordingLocation: null });
    await receiver.waitFor(() => receiver.forCall(id).some((n) => n.resourceUrl.endsWith(rec.body['id'] as string)));
    const data = receiver.forCall(id).find((n) => n.resourceUrl.endsWith(rec.body['id'] as string))?.resourceData as Rec;
    expect(data).toMatchObject({ '@odata.type': '#microsoft.graph.recordOperation', status: 'completed', resultInfo: { code: 200 } });
    const location = data['recordingLocation'] as string;
    expect(location.startsWith(`${sim.origin}/recordings/`)).toBe(true);
    const withToken = await sim.client.fetch(location, { headers: { authorization: `Bearer ${data['recordingAccessToken'] as string}` } });
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-type')).toBe('application/octet-stream');
    expect(
      Buffer.from(await withToken.arrayBuffer())
        .subarray(0, 4)
        .toString('ascii'),
    ).toBe('RIFF');
    expect((await sim.client.fetch(location)).status).toBe(401);
    expect((await sim.client.fetch(location, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('sends DTMF tones, adds a large gallery view and changes the screen-sharing role', async () => {
    const id = await established();
    const dtmf = await action(id, 'sendDtmfTones', { tones: ['tone1', 'star', 'pound'], delayBetweenTonesMs: 100, clientContext: 'd' });
    expect(dtmf.status).toBe(200);
    expect(dtmf.headers.get('location')).toContain('/operations/');
    expect(dtmf.body).toMatchObject({ '@odata.type': '#microsoft.graph.sendDtmfTonesOperation', status: 'running' });
    const gallery = await action(id, 'addLargeGalleryView', { clientContext: 'g' });
    expect(gallery.status).toBe(202);
    expect(gallery.headers.get('location')).toContain(`/operations/${gallery.body['id'] as string}`);
    const ids = [dtmf.body['id'] as string, gallery.body['id'] as string];
    await receiver.waitFor(() => ids.every((op) => receiver.forCall(id).some((n) => n.resourceUrl.endsWith(op))));
    expect(receiver.forCall(id).find((n) => n.resourceUrl.endsWith(ids[0] as string))?.resourceData).toMatchObject({
      status: 'completed',
      completionReason: 'completedSuccessfully',
      clientContext: 'd',
    });
    expect(receiver.forCall(id).find((n) => n.resourceUrl.endsWith(ids[1] as string))?.resourceData).toMatchObject({
      '@odata.type': '#microsoft.graph.addLargeGalleryViewOperation',
      status: 'completed',
    });
    expect((await action(id, 'changeScreenSharingRole', { role: 'viewer' })).status).toBe(400);
    const app = await established([HEIDI, IRVIN], appMedia);
    const role = await action(app, 'changeScreenSharingRole', { role: 'sharer' });
    expect(role.status).toBe(202);
    expect(role.body).toBeUndefined();
    await receiver.waitFor(() => receiver.forCall(app).filter(isRoster).length === 2);
    const bot = (receiver.forCall(app).filter(isRoster)[1]?.resourceData as Rec[])[0];
    expect(bot?.['mediaStreams']).toContainEqual(
      expect.objectContaining({ mediaType: 'videoBasedScreenSharing', label: 'applicationsharing-video', direction: 'sendOnly' }),
    );
    expect(bot?.['rosterSequenceNumber']).toBe(2);
  });

  it.each<[string, string, unknown, RegExp]>([
    ['sendDtmfTones without tones', 'sendDtmfTones', {}, /'tones'/],
    ['sendDtmfTones with an unknown tone', 'sendDtmfTones', { tones: ['tone1', 'hash'] }, /tones\[1\]/],
    ['sendDtmfTones with a negative delay', 'sendDtmfTones', { tones: ['tone1'], delayBetweenTonesMs: -1 }, /delayBetweenTonesMs/],
    ['changeScreenSharingRole without a role', 'changeScreenSharingRole', {}, /'role'/],
    ['changeScreenSharingRole with an unknown role', 'changeScreenSharingRole', { role: 'owner' }, /'role'/],
    ['addLargeGalleryView with an undeclared parameter', 'addLargeGalleryView', { size: 9 }, /'size'/],
    ['invite without participants', 'participants/invite', {}, /'participants'/],
    ['invite of six', 'participants/invite', { participants: [HEIDI, HEIDI, HEIDI, HEIDI, HEIDI, HEIDI] }, /1 to 5/],
    ['participants/invite of two', 'participants/invite', { participants: [IRVIN, JOHN], extra: 1 }, /'extra'/],
  ])('refuses %s with 400 and Graph’s error envelope', async (_name, name, body, message) => {
    const id = await established([HEIDI, IRVIN], name === 'changeScreenSharingRole' ? appMedia : serviceMedia);
    const res = await action(id, name, body);
    expect(res.status).toBe(400);
    const error = res.body['error'] as Rec;
    expect(error['code']).toBe('BadRequest');
    expect(error['message']).toMatch(message);
    expect(error['innerError']).toMatchObject({ 'request-id': expect.any(String), date: expect.any(String) });
  });

  it('refuses participant mute and multi-invite in a peer-to-peer call', async () => {
    const id = await established();
    const heidi = (receiver.forCall(id).find(isRoster)?.resourceData as Rec[])[1]?.['id'] as string;
    const mute = await json(`/v1.0/communications/calls/${id}/participants/${heidi}/mute`, 'POST', {});
    expect(mute.status).toBe(400);
    expect((mute.body['error'] as Rec)['message']).toMatch(/group calls only/);
    const invite = await action(id, 'participants/invite', { participants: [IRVIN, JOHN] });
    expect(invite.status).toBe(400);
    expect((invite.body['error'] as Rec)['message']).toMatch(/group call/);
  });

  it('transfers: transferring, then terminated with the transfer result', async () => {
    const id = await established();
    expect((await action(id, 'transfer', { transferTarget: JOHN })).status).toBe(202);
    await receiver.waitFor(() => receiver.forCall(id).some((n) => n.changeType === 'deleted'));
    const tail = receiver.forCall(id).slice(-2);
    expect(tail.map((n) => [n.changeType, stateOf(n)])).toEqual([
      ['updated', 'transferring'],
      ['deleted', 'terminated'],
    ]);
    expect((tail[1]?.resourceData as Rec)['resultInfo']).toMatchObject({ code: '200', subcode: '7015' });
  });

  it('hangs up: terminating, then terminated with resultInfo code and subcode as strings', async () => {
    const id = await established();
    expect((await sim.client.graph(`/v1.0/communications/calls/${id}`, { method: 'DELETE' })).status).toBe(204);
    await receiver.waitFor(() => receiver.forCall(id).some((n) => n.changeType === 'deleted'));
    const tail = receiver.forCall(id).slice(-2);
    expect(tail[0]).toMatchObject({ changeType: 'updated', resourceData: { state: 'terminating' } });
    expect(tail[1]?.changeType).toBe('deleted');
    expect(tail[1]?.resourceUrl).toBe(`/communications/calls/${id}`);
    expect(tail[1]?.resourceData).toMatchObject({
      '@odata.type': '#microsoft.graph.call',
      state: 'terminated',
      resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', code: '200', subcode: '5001', message: expect.any(String) },
    });
    expect(etagOf(tail[1] as ReceivedNotification)).toBeGreaterThan(etagOf(tail[0] as ReceivedNotification));
  });

  it('injects an incoming call (created), and answers it (establishing, established)', async () => {
    const res = await sim.client.fetch('/_simulator/calls/incoming', {
      method: 'POST',
      body: JSON.stringify({ callbackUri: receiver.url, app: 'default', requestedModalities: ['audio', 'video'] }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await receiver.waitFor(() => receiver.forCall(id).length > 0);
    const created = receiver.forCall(id)[0];
    expect(created?.changeType).toBe('created');
    expect(created?.resourceData).toMatchObject({
      '@odata.type': '#microsoft.graph.call',
      '@odata.id': `/communications/calls/${id}`,
      '@odata.etag': 'W/"1"',
      id,
      state: 'incoming',
      direction: 'incoming',
      requestedModalities: ['audio', 'video'],
      targets: [{ identity: { application: { id: clientId } } }],
      source: { identity: { user: expect.any(Object) } },
    });
    const answer = await action(id, 'answer', { callbackUri: receiver.url, mediaConfig: serviceMedia, acceptedModalities: ['audio'] });
    expect(answer.status).toBe(202);
    await receiver.waitFor(() => receiver.forCall(id).some(isRoster));
    expect(receiver.forCall(id).map((n) => stateOf(n) ?? 'roster')).toEqual(['incoming', 'establishing', 'established', 'roster']);
    expect((await action(id, 'reject', {})).status).toBe(400);
  });

  it('ends a rejected incoming call with a deleted notification', async () => {
    const id = sim.control.injectIncomingCall({ callbackUri: receiver.url });
    expect((await action(id, 'reject', { reason: 'busy' })).status).toBe(202);
    await receiver.waitFor(() => receiver.forCall(id).length === 2);
    expect(receiver.forCall(id)[1]).toMatchObject({
      changeType: 'deleted',
      resourceData: { state: 'terminated', resultInfo: { code: '486', subcode: '0' } },
    });
    const redirected = sim.control.injectIncomingCall({ callbackUri: receiver.url });
    expect((await action(redirected, 'redirect', { targets: [JOHN] })).status).toBe(202);
    await receiver.waitFor(() => receiver.forCall(redirected).some((n) => n.changeType === 'deleted'));
    expect(receiver.forCall(redirected).map((n) => [n.changeType, stateOf(n)])).toEqual([
      ['created', 'incoming'],
      ['deleted', 'terminated'],
    ]);
  });

  it('takes the caller of an injected call as an identitySet', async () => {
    const caller = {
      user: { '@odata.type': '#microsoft.graph.identity', id: '8a34a46b-0000-4e2b-9c8d-6f1a2b3c4d5e', displayName: 'Test User' },
    };
    const id = sim.control.injectIncomingCall({ callbackUri: receiver.url, source: caller });
    await receiver.waitFor(() => receiver.forCall(id).length > 0);
    expect((receiver.forCall(id)[0]?.resourceData as Rec)['source']).toEqual({
      '@odata.type': '#microsoft.graph.participantInfo',
      identity: caller,
      region: null,
      languageId: null,
    });
    expect((await action(id, 'reject', {})).status).toBe(202);
  });

  it('refuses invalid incoming-call injections', async () => {
    const post = (body: unknown) => sim.client.fetch('/_simulator/calls/incoming', { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ callbackUri: 'http://bot.contoso.com/cb' })).status).toBe(400);
    expect((await post({ callbackUri: receiver.url, app: 'nobody' })).status).toBe(400);
  });

  it('retries a failed delivery with backoff and logs every attempt', async () => {
    // A receiver of its own, so no late notification of another test takes the scripted failures.
    const flaky = await startCallbackReceiver(sim, clientId);
    try {
      flaky.answerNext(500, 503);
      const id = sim.control.injectIncomingCall({ callbackUri: flaky.url });
      const log = await sim.control.waitForCallbacks((l) => l.some((e) => e.outcome === 'delivered'), { callId: id });
      expect(log.map((e) => [e.attempt, e.status, e.outcome])).toEqual([
        [1, 500, 'failed'],
        [2, 503, 'failed'],
        [3, 202, 'delivered'],
      ]);
      expect(log[0]).toMatchObject({ url: flaky.url, body: { '@odata.type': '#microsoft.graph.commsNotifications' } });
      expect(Date.parse(log[2]?.time ?? '') - Date.parse(log[0]?.time ?? '')).toBeGreaterThanOrEqual(60);
      const http = await sim.client.fetch(`/_simulator/callbacks?callId=${id}&outcome=failed`);
      expect(((await http.json()) as { value: unknown[] }).value).toHaveLength(2);
      expect(flaky.forCall(id).map((n) => n.changeType)).toEqual(['created']);
      expect((await action(id, 'reject', {})).status).toBe(202);
    } finally {
      await flaky.close();
    }
  });

  it('delivers to https callback URLs, and waits on the delivery log over HTTP', async () => {
    const secure = await startCallbackReceiver(sim, clientId, await sharedServerCertificate());
    try {
      expect(secure.url.startsWith('https://127.0.0.1:')).toBe(true);
      const id = sim.control.injectIncomingCall({ callbackUri: secure.url });
      const res = await sim.client.fetch(`/_simulator/callbacks?callId=${id}&outcome=delivered&minCount=1&waitMs=3000`);
      const log = ((await res.json()) as { value: Rec[] }).value;
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ callId: id, url: secure.url, attempt: 1, status: 202, outcome: 'delivered' });
      expect(secure.forCall(id)[0]?.changeType).toBe('created');
      expect((await action(id, 'reject', {})).status).toBe(202);
      expect((await sim.client.fetch('/_simulator/callbacks?outcome=lost')).status).toBe(400);
    } finally {
      await secure.close();
    }
  });

  it('repeats id, chatInfo and meetingInfo in the state notifications of a meeting join', async () => {
    const meetingInfo = { '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo', joinMeetingId: '1234567890', passcode: null };
    const res = await json('/v1.0/communications/calls', 'POST', {
      '@odata.type': '#microsoft.graph.call',
      callbackUri: receiver.url,
      requestedModalities: ['audio'],
      mediaConfig: serviceMedia,
      meetingInfo,
      tenantId: sim.tenantId,
    });
    const id = res.body['id'] as string;
    await receiver.waitFor(() => receiver.forCall(id).some(isRoster));
    expect(receiver.forCall(id)[1]?.resourceData).toMatchObject({ state: 'established', id, meetingInfo, chatInfo: null });
  });

  it.each([
    ['POST', 'sendDtmfTones'],
    ['POST', 'addLargeGalleryView'],
    ['POST', 'participants/invite'],
    ['GET', 'participants'],
  ])('refuses %s %s to an app without a calls permission (403)', async (method, path) => {
    const id = await established();
    const res = await json(`/v1.0/communications/calls/${id}/${path}`, method, method === 'POST' ? {} : undefined, 'records-only');
    expect(res.status).toBe(403);
  });

  it('does not POST to hosts that are not loopback, and logs them as skipped', async () => {
    const res = await json('/v1.0/communications/calls', 'POST', callBody('https://bot.contoso.com/callback'));
    const id = res.body['id'] as string;
    const log = await sim.control.waitForCallbacks((l) => l.length > 0, { callId: id });
    expect(log[0]).toMatchObject({ outcome: 'skipped', status: 0 });
  });
});

describe('callback delivery options', () => {
  let sim: TestSimulator | undefined;
  let receiver: CallbackReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    await stopTestSimulator(sim);
    sim = undefined;
    receiver = undefined;
  });

  const start = async (options: Parameters<typeof startTestSimulator>[0]) => {
    sim = await startTestSimulator({ callEstablishDelayMs: DELAY, callbackRetryBaseMs: 10, ...options });
    receiver = await startCallbackReceiver(sim, sim.app('default').clientId);
    const r = receiver;
    const s = sim;
    const res = await s.client.graph('/v1.0/communications/calls', {
      method: 'POST',
      body: JSON.stringify(callBody(r.url)),
      headers: { 'content-type': 'application/json' },
    });
    return { id: ((await res.json()) as Rec)['id'] as string, receiver: r, sim: s };
  };

  it('callbackDuplicate delivers some notifications twice, with the same etag', async () => {
    const { id, receiver: r } = await start({ callbackDuplicate: true });
    await r.waitFor(() => r.forCall(id).some(isRoster));
    const states = r.forCall(id).map((n) => stateOf(n) ?? 'roster');
    expect(states).toEqual(['establishing', 'established', 'established', 'roster']);
    const [, a, b] = r.forCall(id);
    expect((a?.resourceData as Rec)['@odata.etag']).toBe((b?.resourceData as Rec)['@odata.etag']);
  });

  it('callbackShuffle delivers established before establishing', async () => {
    const { id, receiver: r } = await start({ callbackShuffle: true });
    await r.waitFor(() => r.forCall(id).some(isRoster), 3000);
    const states = r.forCall(id).map((n) => stateOf(n) ?? 'roster');
    expect(states.indexOf('established')).toBeLessThan(states.indexOf('establishing'));
    expect(etagOf(r.forCall(id)[0] as ReceivedNotification)).toBe(2);
  });

  it('callbackDropP drops attempts, which are retried until delivered', async () => {
    const { id, receiver: r, sim: s } = await start({ callbackDropP: 0.5, callbackMaxAttempts: 10 });
    await r.waitFor(() => r.forCall(id).some(isRoster));
    const log = s.control.callbacks({ callId: id });
    expect(log.some((e) => e.outcome === 'dropped')).toBe(true);
    expect(r.forCall(id).map((n) => stateOf(n) ?? 'roster')).toEqual(['establishing', 'established', 'roster']);
  });

  it('callbackDelayMs delays each attempt, and stop() ends delivery', async () => {
    const { id, receiver: r, sim: s } = await start({ callbackDelayMs: 300 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.forCall(id)).toHaveLength(0);
    await s.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.forCall(id)).toHaveLength(0);
  });

  it('switches callback behaviours at run time over the control surface', async () => {
    const { id, receiver: r, sim: s } = await start({});
    await r.waitFor(() => r.forCall(id).some(isRoster));
    const put = (body: unknown) => s.client.fetch('/_simulator/callbacks/behaviour', { method: 'PUT', body: JSON.stringify(body) });
    expect(await (await put({ duplicate: true })).json()).toEqual({ duplicate: true, shuffle: false, dropP: 0, delayMs: 0 });
    expect((await put({ dropP: 3 })).status).toBe(400);
    expect((await put({ loud: true })).status).toBe(400);
    const before = r.forCall(id).length;
    expect(
      (
        await s.client.graph(`/v1.0/communications/calls/${id}/subscribeToTone`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(200);
    s.control.sendTone(id, 'tone1');
    s.control.sendTone(id, 'tone2');
    await r.waitFor(() => r.forCall(id).length === before + 3);
    // Every second notification is doubled: one of the two tones arrives twice, in order.
    const sequenceIds = r
      .forCall(id)
      .slice(before)
      .map((n) => ((n.resourceData as Rec)['toneInfo'] as Rec)['sequenceId']);
    expect([...new Set(sequenceIds)]).toEqual([1, 2]);
    expect(await (await s.client.fetch('/_simulator/callbacks/behaviour')).json()).toMatchObject({ duplicate: true });
  });

  it('refuses invalid callback options', async () => {
    await expect(startTestSimulator({ callbackDropP: 2 })).rejects.toThrow(/callbackDropP/);
    await expect(startTestSimulator({ callbackDeliverTo: 'all' as 'any' })).rejects.toThrow(/callbackDeliverTo/);
  });
});
