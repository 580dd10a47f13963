import { describe, expect, it } from 'vitest';
import type { GraphResources } from '../../src/types.js';
import { CREATE_VARIANTS, P2P } from './callBodies.js';
import { errorOf, resourcesPerTest, send, sleep, type Sent } from './routeKit.js';

type Rec = Record<string, unknown>;
const create = resourcesPerTest({ seed: 11, callRecordCount: 5, now: () => new Date('2026-11-20T12:00:00Z'), callEstablishDelayMs: 2 });
const make = (delay = 2): GraphResources => create({ callEstablishDelayMs: delay });

async function incomingCall(resources: GraphResources): Promise<string> {
  const list = await send(resources.routes, 'GET', '/communications/calls');
  return (list.body.value ?? []).find((c) => c['state'] === 'incoming')?.['id'] as string;
}

async function establishedCall(resources: GraphResources, body: Rec = P2P): Promise<string> {
  const id = (await send(resources.routes, 'POST', '/communications/calls', { body })).body['id'] as string;
  await sleep(15);
  return id;
}

const act = (resources: GraphResources, id: string, action: string, body?: unknown, roles?: string[]): Promise<Sent> =>
  send(resources.routes, 'POST', `/communications/calls/${id}/${action}`, roles ? { body, roles } : { body });

const serviceMedia = { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' };
const prompt = { '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: { uri: 'https://cdn.contoso.com/beep.wav', resourceId: '1' } };
const target = {
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: { user: { id: '550fae72-d251-43ec-868c-373732c2704f', displayName: 'Heidi' } },
};

describe('answer, reject and redirect of incoming calls', () => {
  it('answers an incoming call with 202 and establishes it after the delay', async () => {
    const resources = make(10);
    const id = await incomingCall(resources);
    const res = await act(resources, id, 'answer', {
      callbackUri: 'https://bot.contoso.com/cb',
      mediaConfig: serviceMedia,
      acceptedModalities: ['audio'],
    });
    expect(res.status).toBe(202);
    expect((await send(resources.routes, 'GET', `/communications/calls/${id}`)).body['state']).toBe('establishing');
    await sleep(40);
    const call = await send(resources.routes, 'GET', `/communications/calls/${id}`);
    expect(call.body).toMatchObject({ state: 'established', mediaConfig: serviceMedia, callbackUri: 'https://bot.contoso.com/cb' });
    expect((await act(resources, id, 'answer', { mediaConfig: serviceMedia })).status).toBe(400);
  });

  it.each<[string, unknown, RegExp]>([
    ['no mediaConfig', { acceptedModalities: ['audio'] }, /mediaConfig/],
    ['an http callbackUri', { callbackUri: 'http://x', mediaConfig: serviceMedia }, /callbackUri/],
    ['an invalid accepted modality', { mediaConfig: serviceMedia, acceptedModalities: ['data'] }, /acceptedModalities\[0\]/],
    [
      'outgoingCallOptions',
      { mediaConfig: serviceMedia, callOptions: { '@odata.type': '#microsoft.graph.outgoingCallOptions' } },
      /callOptions/,
    ],
    ['an undeclared parameter', { mediaConfig: serviceMedia, volume: 11 }, /'volume'.*not a valid parameter for the operation 'answer'/],
    ['a string body', 'yes', /expected a JSON object/],
  ])('refuses an answer with %s', async (_name, body, message) => {
    const resources = make();
    const res = await act(resources, await incomingCall(resources), 'answer', body);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(message);
  });

  it('needs Calls.AccessMedia.All to answer with app-hosted media', async () => {
    const resources = make();
    const res = await act(
      resources,
      await incomingCall(resources),
      'answer',
      { mediaConfig: { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: 'x' } },
      ['Calls.JoinGroupCall.All'],
    );
    expect(res.status).toBe(403);
  });

  it('rejects an incoming call with 202, accepting the capitalised reasons of the doc table, after which it is gone', async () => {
    const resources = make();
    const id = await incomingCall(resources);
    expect((await act(resources, id, 'reject', { reason: 'Busy' })).status).toBe(202);
    expect((await send(resources.routes, 'GET', `/communications/calls/${id}`)).status).toBe(404);
    const other = await incomingCall(resources);
    expect((await act(resources, other, 'reject', { reason: 'maybe' })).status).toBe(400);
    expect((await act(resources, other, 'reject', {})).status).toBe(202);
  });

  it('refuses to answer, reject or redirect a call that is not incoming', async () => {
    const resources = make();
    const id = await establishedCall(resources);
    for (const [action, body] of [
      ['answer', { mediaConfig: serviceMedia }],
      ['reject', { reason: 'none' }],
      ['redirect', { targets: [target] }],
    ] as const) {
      const res = await act(resources, id, action, body);
      expect(res.status).toBe(400);
      expect(errorOf(res).message).toMatch(new RegExp(`'${action}' is not valid for a call in state 'established'`));
    }
  });

  it('redirects an incoming call with 202 and validates targets and timeout', async () => {
    const resources = make();
    const id = await incomingCall(resources);
    expect((await act(resources, id, 'redirect', { targets: [] })).status).toBe(400);
    expect((await act(resources, id, 'redirect', { targets: Array.from({ length: 26 }, () => target) })).status).toBe(400);
    expect(errorOf(await act(resources, id, 'redirect', { targets: [target], timeout: 14 })).message).toMatch(/between 15 and 90, got 14/);
    expect((await act(resources, id, 'redirect', { targets: [target], timeout: 91 })).status).toBe(400);
    expect((await act(resources, id, 'redirect', { targets: [{ identity: {} }] })).status).toBe(400);
    expect((await act(resources, id, 'redirect', { targets: Array.from({ length: 25 }, () => target), timeout: 60 })).status).toBe(202);
    expect((await send(resources.routes, 'GET', `/communications/calls/${id}`)).body['state']).toBe('redirecting');
    await sleep(20);
    expect((await send(resources.routes, 'GET', `/communications/calls/${id}`)).status).toBe(404);
  });
});

describe('transfer', () => {
  it('transfers an established call with 202, moving it to transferring', async () => {
    const resources = make(10);
    const id = await establishedCall(resources);
    const res = await act(resources, id, 'transfer', { transferTarget: { ...target, replacesCallId: null }, clientContext: 'ctx' });
    expect(res.status).toBe(202);
    expect((await send(resources.routes, 'GET', `/communications/calls/${id}`)).body['state']).toBe('transferring');
  });

  it.each<[string, Rec, RegExp]>([
    ['no transferTarget', {}, /'transferTarget'.*required/],
    ['a target without identity', { transferTarget: {} }, /transferTarget.identity/],
    [
      'a phone target from a non-instance call',
      { transferTarget: { identity: { phone: { id: '+14255550100' } } } },
      /application instance/,
    ],
    ['a transferee without identity', { transferTarget: target, transferee: {} }, /transferee.identity/],
    ['a too long clientContext', { transferTarget: target, clientContext: 'x'.repeat(257) }, /at most 256 characters/],
  ])('refuses a transfer with %s', async (_name, body, message) => {
    const resources = make();
    const res = await act(resources, await establishedCall(resources), 'transfer', body);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(message);
  });

  it('lets a call placed by an application instance transfer to a phone number', async () => {
    const resources = make();
    const id = await establishedCall(resources, CREATE_VARIANTS['peer-to-peer PSTN call with service-hosted media']);
    expect((await act(resources, id, 'transfer', { transferTarget: { identity: { phone: { id: '+14255550100' } } } })).status).toBe(202);
  });
});

describe('media operations', () => {
  it('plays prompts: 200 with a running playPromptOperation, its Location, and completion later', async () => {
    const resources = make(10);
    const id = await establishedCall(resources);
    const res = await act(resources, id, 'playPrompt', { prompts: [prompt], clientContext: 'd45324c1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      '@odata.type': '#microsoft.graph.playPromptOperation',
      status: 'running',
      clientContext: 'd45324c1',
      resultInfo: null,
    });
    const opId = res.body['id'] as string;
    expect(res.headers['Location']).toBe(`https://127.0.0.1:8443/v1.0/communications/calls/${id}/operations/${opId}`);
    await sleep(40);
    const op = await send(resources.routes, 'GET', `/communications/calls/${id}/operations/${opId}`);
    expect(op.body).toMatchObject({ status: 'completed', resultInfo: { code: 200, subcode: 0 } });
    expect((await send(resources.routes, 'GET', `/communications/calls/${id}/operations/nope`)).status).toBe(404);
  });

  it.each<[string, Rec, RegExp]>([
    ['no prompts', {}, /'prompts' must be an array of 1 to 20/],
    ['21 prompts', { prompts: Array.from({ length: 21 }, () => prompt) }, /got '21 prompts'/],
    ['a prompt without @odata.type', { prompts: [{ mediaInfo: { uri: 'https://x/y.wav' } }] }, /prompts\[0\].@odata.type/],
    ['a prompt without uri', { prompts: [{ '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: {} }] }, /mediaInfo.uri/],
    ['a 257-character clientContext', { prompts: [prompt], clientContext: 'c'.repeat(257) }, /256/],
  ])('refuses playPrompt with %s', async (_name, body, message) => {
    const resources = make();
    const res = await act(resources, await establishedCall(resources), 'playPrompt', body);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(message);
  });

  it('records a response with a running recordOperation and checks every range', async () => {
    const resources = make();
    const id = await establishedCall(resources);
    const ok = await act(resources, id, 'recordResponse', {
      prompts: [prompt],
      bargeInAllowed: true,
      initialSilenceTimeoutInSeconds: 10,
      maxSilenceTimeoutInSeconds: 10,
      maxRecordDurationInSeconds: 120,
      playBeep: true,
      stopTones: ['#', '1', '*'],
      clientContext: 'r',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ '@odata.type': '#microsoft.graph.recordOperation', status: 'running', recordingLocation: null });
    for (const bad of [
      { maxRecordDurationInSeconds: 121 },
      { initialSilenceTimeoutInSeconds: 0 },
      { maxSilenceTimeoutInSeconds: 2.5 },
      { prompts: [prompt, prompt] },
      { stopTones: ['x'] },
      { playBeep: 'yes' },
    ]) {
      expect((await act(resources, id, 'recordResponse', bad)).status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('refuses service-hosted media actions on a call with app-hosted media', async () => {
    const resources = make();
    const id = await establishedCall(resources, CREATE_VARIANTS['peer-to-peer VoIP with app-hosted media']);
    for (const [action, body] of [
      ['playPrompt', { prompts: [prompt] }],
      ['recordResponse', {}],
      ['subscribeToTone', {}],
    ] as const) {
      const res = await act(resources, id, action, body);
      expect(res.status).toBe(400);
      expect(errorOf(res).message).toMatch(/service-hosted media/);
    }
  });

  it('mutes and unmutes, which the participant roster reflects', async () => {
    const resources = make();
    const id = await establishedCall(resources);
    const muted = await act(resources, id, 'mute', { clientContext: 'm' });
    expect(muted.status).toBe(200);
    expect(muted.body).toMatchObject({
      '@odata.type': '#microsoft.graph.muteParticipantOperation',
      status: 'completed',
      clientContext: 'm',
    });
    const roster = async () => ((await send(resources.routes, 'GET', `/communications/calls/${id}/participants`)).body.value ?? [])[0];
    expect(await roster()).toMatchObject({ isMuted: true });
    const unmuted = await act(resources, id, 'unmute', {});
    expect(unmuted.body).toMatchObject({ '@odata.type': '#microsoft.graph.unmuteParticipantOperation', clientContext: null });
    expect(await roster()).toMatchObject({ isMuted: false });
    expect((await act(resources, id, 'mute', { clientContext: 5 })).status).toBe(400);
  });

  it('updates the recording status and refuses values outside the enum', async () => {
    const resources = make();
    const id = await establishedCall(resources);
    const res = await act(resources, id, 'updateRecordingStatus', { status: 'recording', clientContext: 'rec' });
    expect(res.body).toMatchObject({ '@odata.type': '#microsoft.graph.updateRecordingStatusOperation', status: 'completed' });
    expect(res.headers['Location']).toContain(`/communications/calls/${id}/operations/`);
    const roster = await send(resources.routes, 'GET', `/communications/calls/${id}/participants`);
    expect((roster.body.value ?? [])[0]?.['recordingInfo']).toMatchObject({ recordingStatus: 'recording' });
    expect((await act(resources, id, 'updateRecordingStatus', {})).status).toBe(400);
    expect((await act(resources, id, 'updateRecordingStatus', { status: 'paused' })).status).toBe(400);
  });

  it('subscribes to tones with a completed subscribeToToneOperation', async () => {
    const resources = make();
    const res = await act(resources, await establishedCall(resources), 'subscribeToTone', { clientContext: 't' });
    expect(res.body).toMatchObject({ '@odata.type': '#microsoft.graph.subscribeToToneOperation', status: 'completed', clientContext: 't' });
  });

  it('cancels running prompts and recordings, which fail with 400/8508', async () => {
    const resources = make(1000);
    const id = (await send(resources.routes, 'POST', '/communications/calls', { body: P2P })).body['id'] as string;
    expect((await act(resources, id, 'playPrompt', { prompts: [prompt] })).status).toBe(400);
    resources.close();
    const fast = make(2);
    const callId = await establishedCall(fast);
    const play = await act(fast, callId, 'playPrompt', { prompts: [prompt] });
    const cancel = await act(fast, callId, 'cancelMediaProcessing', { clientContext: 'c' });
    expect(cancel.body).toMatchObject({ '@odata.type': '#microsoft.graph.cancelMediaProcessingOperation', status: 'completed' });
    const op = await send(fast.routes, 'GET', `/communications/calls/${callId}/operations/${play.body['id'] as string}`);
    expect(op.body).toMatchObject({ status: 'failed', resultInfo: { code: 400, subcode: 8508 } });
  });
});

describe('keepAlive and ended calls', () => {
  it('keeps a live call alive with 200 and answers 404 once it has ended', async () => {
    const resources = make();
    const id = await establishedCall(resources);
    const ok = await act(resources, id, 'keepAlive');
    expect(ok.status).toBe(200);
    expect((await act(resources, id, 'keepAlive', { extra: 1 })).status).toBe(400);
    await send(resources.routes, 'DELETE', `/communications/calls/${id}`);
    const ended = await act(resources, id, 'keepAlive');
    expect(ended.status).toBe(404);
    expect(errorOf(ended).code).toBe('itemNotFound');
  });

  it.each([
    'answer',
    'reject',
    'redirect',
    'transfer',
    'playPrompt',
    'recordResponse',
    'mute',
    'unmute',
    'updateRecordingStatus',
    'subscribeToTone',
    'keepAlive',
    'cancelMediaProcessing',
  ])('answers 404 to %s on an unknown call', async (action) => {
    const resources = make();
    const res = await act(resources, '00000000-0000-0000-0000-000000000000', action, {});
    expect(res.status).toBe(404);
    expect(res.throttleKeys).toEqual(['calls']);
  });
});
