import { describe, expect, it } from 'vitest';
import type { GraphResources } from '../../src/types.js';
import { CREATE_VARIANTS, P2P } from './callBodies.js';
import { errorOf, resourcesPerTest, send, sleep } from './routeKit.js';

type Rec = Record<string, unknown>;
const create = resourcesPerTest({ seed: 7, callRecordCount: 10, now: () => new Date('2026-11-20T12:00:00Z'), callEstablishDelayMs: 5 });
const make = (delay = 5): GraphResources => create({ callEstablishDelayMs: delay });
const without = (body: Rec, key: string): Rec => {
  const { [key]: _dropped, ...rest } = body;
  return rest;
};

describe('POST /communications/calls', () => {
  it.each(Object.entries(CREATE_VARIANTS))('creates a call for the variant: %s', async (_name, body) => {
    const { routes } = make();
    const res = await send(routes, 'POST', '/communications/calls', { body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body['id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['Location']).toBe(`https://127.0.0.1:8443/v1.0/communications/calls/${id}`);
    expect(res.body).toMatchObject({
      '@odata.context': 'https://127.0.0.1:8443/v1.0/$metadata#communications/calls/$entity',
      '@odata.type': '#microsoft.graph.call',
      state: 'establishing',
      direction: 'outgoing',
      callbackUri: body['callbackUri'],
      mediaConfig: body['mediaConfig'],
      requestedModalities: body['requestedModalities'],
      resultInfo: null,
      myParticipantId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      callChainId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    for (const key of ['source', 'targets', 'subject', 'chatInfo', 'meetingInfo', 'tenantId', 'callOptions']) {
      if (body[key] !== undefined) expect(res.body[key], key).toEqual(body[key]);
    }
    expect(res.body).not.toHaveProperty('ringingTimeoutInSeconds');
    expect(res.throttleKeys).toEqual(['calls']);
  });

  it('moves a created call from establishing to established after the configured delay', async () => {
    const { routes } = make(20);
    const id = (await send(routes, 'POST', '/communications/calls', { body: P2P })).body['id'] as string;
    expect((await send(routes, 'GET', `/communications/calls/${id}`)).body['state']).toBe('establishing');
    await sleep(60);
    const after = await send(routes, 'GET', `/communications/calls/${id}`);
    expect(after.body['state']).toBe('established');
    expect(after.body['mediaState']).toEqual({ audio: 'active' });
  });

  it('accepts a body without @odata.type but refuses a wrong one', async () => {
    const { routes } = make();
    expect((await send(routes, 'POST', '/communications/calls', { body: without(P2P, '@odata.type') })).status).toBe(201);
    const wrong = await send(routes, 'POST', '/communications/calls', { body: { ...P2P, '@odata.type': '#microsoft.graph.participant' } });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong).message).toMatch(/@odata.type/);
  });

  const phoneVariant = CREATE_VARIANTS['peer-to-peer PSTN call with service-hosted media'] as Rec;
  const meetingVariant = CREATE_VARIANTS['join a scheduled meeting with service-hosted media'] as Rec;
  const target = (P2P['targets'] as Rec[])[0] as Rec;
  it.each<[string, Rec, RegExp]>([
    ['no body at all', undefined as unknown as Rec, /call object is required/],
    ['a body that is an array', [] as unknown as Rec, /expected a JSON object/],
    ['no callbackUri', without(P2P, 'callbackUri'), /'callbackUri' must be a non-empty string/],
    ['an http callbackUri', { ...P2P, callbackUri: 'http://bot.contoso.com/cb' }, /'callbackUri' must be an absolute https URL/],
    ['no mediaConfig', without(P2P, 'mediaConfig'), /'mediaConfig' must be a media configuration/],
    ['a mediaConfig without @odata.type', { ...P2P, mediaConfig: {} }, /mediaConfig.@odata.type/],
    [
      'a mediaConfig of an unknown type',
      { ...P2P, mediaConfig: { '@odata.type': '#microsoft.graph.mediaConfig' } },
      /mediaConfig.@odata.type/,
    ],
    [
      'app-hosted media without a blob',
      { ...P2P, mediaConfig: { '@odata.type': '#microsoft.graph.appHostedMediaConfig' } },
      /mediaConfig.blob/,
    ],
    ['neither targets nor meetingInfo', without(P2P, 'targets'), /at least one target/],
    ['empty targets', { ...P2P, targets: [] }, /at least one target/],
    ['an invalid modality', { ...P2P, requestedModalities: ['audio', 'hologram'] }, /requestedModalities\[1\]/],
    ['empty modalities', { ...P2P, requestedModalities: [] }, /requestedModalities/],
    ['a target without identity', { ...P2P, targets: [{}] }, /targets\[0\].identity/],
    [
      'a target identity without an id',
      { ...P2P, targets: [{ identity: { user: { displayName: 'x' } } }] },
      /targets\[0\].identity.user.id/,
    ],
    ['a target identity set with no identity', { ...P2P, targets: [{ identity: {} }] }, /an identity set/],
    ['more targets than a group call allows', { ...P2P, targets: Array.from({ length: 6 }, () => target) }, /at most 5 targets, got 6/],
    ['an incoming direction', { ...P2P, direction: 'incoming' }, /'direction'/],
    ['callOptions without @odata.type', { ...P2P, callOptions: { hideBotAfterEscalation: true } }, /callOptions.@odata.type/],
    [
      'incomingCallOptions on create',
      { ...P2P, callOptions: { '@odata.type': '#microsoft.graph.incomingCallOptions' } },
      /callOptions.@odata.type/,
    ],
    [
      'a non-boolean call option',
      { ...P2P, callOptions: { '@odata.type': '#microsoft.graph.outgoingCallOptions', isDeltaRosterEnabled: 'yes' } },
      /isDeltaRosterEnabled/,
    ],
    ['organizerMeetingInfo without chatInfo', without(meetingVariant, 'chatInfo'), /'chatInfo'.*required/],
    ['meetingInfo without @odata.type', { ...meetingVariant, meetingInfo: { organizer: {} } }, /meetingInfo.@odata.type/],
    ['a meeting join without tenantId', without(meetingVariant, 'tenantId'), /'tenantId'/],
    [
      'joinMeetingIdMeetingInfo without an id',
      { ...meetingVariant, meetingInfo: { '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo' } },
      /joinMeetingId/,
    ],
    [
      'tokenMeetingInfo without a token',
      { ...meetingVariant, meetingInfo: { '@odata.type': '#microsoft.graph.tokenMeetingInfo' } },
      /meetingInfo.token/,
    ],
    ['chatInfo without threadId', { ...meetingVariant, chatInfo: { messageId: '0' } }, /chatInfo.threadId/],
    ['a phone target without an application instance source', without(phoneVariant, 'source'), /applicationInstance/],
    ['a phone target without tenantId', without(phoneVariant, 'tenantId'), /'tenantId'/],
    ['a phone number that is not E.164', { ...phoneVariant, targets: [{ identity: { phone: { id: '0044 20 7946 0000' } } }] }, /E\.164/],
    [
      'a prefetched media without uri',
      { ...P2P, mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig', preFetchMedia: [{}] } },
      /preFetchMedia\[0\].uri/,
    ],
  ])('answers 400 BadRequest to a create body with %s', async (_name, body, message) => {
    const { routes } = make();
    const res = await send(routes, 'POST', '/communications/calls', { body });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('BadRequest');
    expect(errorOf(res).message).toMatch(message);
  });

  it('requires Calls.AccessMedia.All for app-hosted media and the group permission for group calls', async () => {
    const { routes } = make();
    const appHosted = CREATE_VARIANTS['peer-to-peer VoIP with app-hosted media'];
    const noMedia = await send(routes, 'POST', '/communications/calls', { body: appHosted, roles: ['Calls.Initiate.All'] });
    expect(noMedia.status).toBe(403);
    expect(errorOf(noMedia).message).toMatch(/Calls.AccessMedia.All/);
    const group = CREATE_VARIANTS['group call with service-hosted media'];
    expect((await send(routes, 'POST', '/communications/calls', { body: group, roles: ['Calls.Initiate.All'] })).status).toBe(403);
    expect((await send(routes, 'POST', '/communications/calls', { body: group, roles: ['Calls.InitiateGroupCall.All'] })).status).toBe(201);
    const meeting = CREATE_VARIANTS['join a scheduled meeting with service-hosted media'];
    expect((await send(routes, 'POST', '/communications/calls', { body: meeting, roles: ['Calls.Initiate.All'] })).status).toBe(403);
    expect((await send(routes, 'POST', '/communications/calls', { body: meeting, roles: ['Calls.JoinGroupCallAsGuest.All'] })).status).toBe(
      201,
    );
    expect((await send(routes, 'POST', '/communications/calls', { body: P2P, roles: ['CallRecords.Read.All'] })).status).toBe(403);
  });

  it('returns beta-only call members under /beta', async () => {
    const { routes } = make();
    const res = await send(routes, 'POST', '/communications/calls', { body: P2P, version: 'beta' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ringingTimeoutInSeconds: null, answeredBy: null, activeModalities: [], routingPolicies: [] });
    expect(res.body['@odata.context']).toBe('https://127.0.0.1:8443/beta/$metadata#communications/calls/$entity');
  });
});

describe('GET /communications/calls and /communications/calls/{id}', () => {
  it('lists the generated incoming and established calls and the ones the app created', async () => {
    const { routes } = make();
    const before = await send(routes, 'GET', '/communications/calls');
    expect(before.body['@odata.context']).toBe('https://127.0.0.1:8443/v1.0/$metadata#communications/calls');
    const states = (before.body.value ?? []).map((c) => c['state']);
    expect(states.filter((s) => s === 'incoming')).toHaveLength(3);
    expect(states.filter((s) => s === 'established')).toHaveLength(2);
    const id = (await send(routes, 'POST', '/communications/calls', { body: P2P })).body['id'];
    const after = await send(routes, 'GET', '/communications/calls');
    expect((after.body.value ?? []).map((c) => c['id'])).toContain(id);
  });

  it("does not show one app's calls to another app", async () => {
    const { routes } = make();
    const id = (await send(routes, 'POST', '/communications/calls', { body: P2P, appId: 'app-a' })).body['id'] as string;
    expect((await send(routes, 'GET', `/communications/calls/${id}`, { appId: 'app-b' })).status).toBe(404);
    expect((await send(routes, 'GET', `/communications/calls/${id}`, { appId: 'app-a' })).status).toBe(200);
  });

  it('applies $select to a call and to the list, and refuses unknown properties and other options', async () => {
    const { routes } = make();
    const id = (await send(routes, 'POST', '/communications/calls', { body: P2P })).body['id'] as string;
    const one = await send(routes, 'GET', `/communications/calls/${id}?$select=id,state`);
    expect(one.body).toEqual({
      '@odata.context': 'https://127.0.0.1:8443/v1.0/$metadata#communications/calls(id,state)/$entity',
      '@odata.type': '#microsoft.graph.call',
      id,
      state: 'establishing',
    });
    const list = await send(routes, 'GET', '/communications/calls?$select=direction');
    expect(Object.keys((list.body.value ?? [])[0] as Rec).sort()).toEqual(['@odata.type', 'direction']);
    expect((await send(routes, 'GET', `/communications/calls/${id}?$select=nope`)).status).toBe(400);
    expect((await send(routes, 'GET', `/communications/calls/${id}?$select=answeredBy`)).status).toBe(400);
    expect((await send(routes, 'GET', `/communications/calls/${id}?$select=answeredBy`, { version: 'beta' })).status).toBe(200);
    expect((await send(routes, 'GET', '/communications/calls?$filter=state eq 1')).status).toBe(400);
  });

  it('answers 404 itemNotFound for an unknown call id', async () => {
    const { routes } = make();
    const res = await send(routes, 'GET', '/communications/calls/11111111-2222-3333-4444-555555555555');
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('itemNotFound');
  });
});

describe('DELETE /communications/calls/{id}', () => {
  it('answers 204, shows the call terminating, then 404 once it is gone', async () => {
    const { routes } = make(15);
    const id = (await send(routes, 'POST', '/communications/calls', { body: P2P })).body['id'] as string;
    const res = await send(routes, 'DELETE', `/communications/calls/${id}`);
    expect(res.status).toBe(204);
    expect((await send(routes, 'GET', `/communications/calls/${id}`)).body['state']).toBe('terminating');
    expect((await send(routes, 'DELETE', `/communications/calls/${id}`)).status).toBe(404);
    await sleep(50);
    expect((await send(routes, 'GET', `/communications/calls/${id}`)).status).toBe(404);
  });

  it('answers 404 for an unknown call', async () => {
    const { routes } = make();
    expect((await send(routes, 'DELETE', '/communications/calls/nope')).status).toBe(404);
  });

  it('stops pending transitions on close()', async () => {
    const resources = make(10);
    const id = (await send(resources.routes, 'POST', '/communications/calls', { body: P2P })).body['id'] as string;
    resources.close();
    await sleep(30);
    expect(resources.snapshot().calls.find((c) => (c as Rec)['id'] === id)).toBeUndefined();
  });
});
