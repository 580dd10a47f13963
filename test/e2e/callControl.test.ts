import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordRequestBodies, type RequestBodies } from '../helpers/requestBodies.js';
import { startStack, type GraphQLResult, type Stack } from '../helpers/stack.js';

const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const OTHER = '550fae72-d251-43ec-868c-373732c2704f';
const THIRD = 'c0f3a4b2-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const CALLBACK = 'https://bot.contoso.com/callback';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PROMPT = { mediaInfo: { uri: 'https://cdn.contoso.com/hello.wav', resourceId: '1D6DE2D4-CD51-4309-8DAA-70768651088E' } };
const OPERATION = '__typename id status clientContext resultInfo { code subcode }';
const ACCEPTED = 'callId clientRequestId';

let stack: Stack;
let bodies: RequestBodies;
beforeAll(async () => {
  stack = await startStack({ simulator: { callEstablishDelayMs: 0 } });
  bodies = recordRequestBodies(stack.simulator);
});
afterAll(async () => stack?.stop());
beforeEach(() => {
  stack.simulator.control.reset();
  bodies.clear();
});

const WIRE_PROMPT = {
  '@odata.type': '#microsoft.graph.mediaPrompt',
  mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo', ...PROMPT.mediaInfo },
};
const wireInvitee = (id: string) => ({
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: { '@odata.type': '#microsoft.graph.identitySet', user: { '@odata.type': '#microsoft.graph.identity', id } },
});

/** The Graph requests the simulator served since the last reset, token requests aside. */
const graphLog = () => stack.simulator.control.log().filter((e) => e.kind !== 'identity');
const routeLog = (route: string) => graphLog().filter((e) => e.route === route);

async function run<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  return stack.query<T>(query, variables);
}

/** The field's value, failing with the errors when there is none. */
async function mutate(field: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const result = await run<Record<string, Record<string, unknown>>>(query, variables);
  expect(result.errors).toBeUndefined();
  return result.data![field]!;
}

const APP = '2891555a-92ff-42e6-80fa-6e1300c6b5c6';
const P2P = { callbackUri: CALLBACK, targets: [{ identity: { user: { id: USER } } }], mediaConfig: { serviceHosted: {} } };
/** A group call (two targets, from the application); only group calls let the application mute others. */
const GROUP = {
  ...P2P,
  source: { identity: { application: { id: APP } } },
  targets: [...P2P.targets, { identity: { user: { id: OTHER } } }],
};
/** App-hosted media: the application runs its own media stack (screen sharing roles need it). */
const APP_HOSTED = { ...GROUP, mediaConfig: { appHosted: { blob: '<media session blob>' } } };

/** A call placed through the gateway (by default peer-to-peer with service-hosted media), once established. */
async function establishedCall(input: Record<string, unknown> = P2P): Promise<string> {
  const created = await mutate('createCall', `mutation($input: CreateCallInput!) { createCall(input: $input) { id } }`, { input });
  await new Promise((resolve) => setTimeout(resolve, 20));
  return created['id'] as string;
}

/** An incoming call delivered to the application, loaded into the simulator. */
function incomingCall(): string {
  const id = randomUUID();
  stack.simulator.control.loadFixtures(
    {
      calls: [
        {
          id,
          state: 'incoming',
          direction: 'incoming',
          callbackUri: CALLBACK,
          source: { identity: { user: { id: OTHER, displayName: 'Heidi' } } },
          targets: [{ identity: { application: { id: APP } } }],
          requestedModalities: ['audio'],
        },
      ],
    },
    { merge: true },
  );
  return id;
}

const callState = async (id: string) =>
  (await run<{ call: { state: string } | null }>(`query($id: ID!) { call(id: $id) { state } }`, { id })).data?.call?.state;

describe('incoming calls', () => {
  it('answers an incoming call, which then establishes', async () => {
    const id = incomingCall();
    const accepted = await mutate(
      'answerCall',
      `mutation($id: ID!, $input: AnswerCallInput!) { answerCall(callId: $id, input: $input) { ${ACCEPTED} } }`,
      { id, input: { callbackUri: CALLBACK, mediaConfig: { serviceHosted: {} }, acceptedModalities: ['AUDIO'] } },
    );
    const [post] = routeLog('calls.answer');
    expect(accepted).toEqual({ callId: id, clientRequestId: post!.clientRequestId });
    expect(post!.status).toBe(202);
    expect(bodies.of('calls.answer')).toEqual([
      {
        callbackUri: CALLBACK,
        mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig', preFetchMedia: [] },
        acceptedModalities: ['audio'],
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await callState(id)).toBe('ESTABLISHED');
  });

  it('rejects an incoming call as busy, which ends it', async () => {
    const id = incomingCall();
    await mutate('rejectCall', `mutation($id: ID!) { rejectCall(callId: $id, input: { reason: BUSY }) { ${ACCEPTED} } }`, { id });
    expect(routeLog('calls.reject').map((e) => e.status)).toEqual([202]);
    expect(bodies.of('calls.reject')).toEqual([{ reason: 'busy' }]);
    expect((await run(`query($id: ID!) { call(id: $id) { id } }`, { id })).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('redirects an incoming call to another user', async () => {
    const id = incomingCall();
    await mutate(
      'redirectCall',
      `mutation($id: ID!, $input: RedirectCallInput!) { redirectCall(callId: $id, input: $input) { ${ACCEPTED} } }`,
      { id, input: { targets: [{ identity: { user: { id: USER } } }], timeout: 30 } },
    );
    expect(routeLog('calls.redirect').map((e) => e.status)).toEqual([202]);
    expect(bodies.of('calls.redirect')).toEqual([{ targets: [wireInvitee(USER)], timeout: 30 }]);
  });
});

describe('established calls', () => {
  it('transfers a call to another user', async () => {
    const id = await establishedCall();
    await mutate(
      'transferCall',
      `mutation($id: ID!, $input: TransferCallInput!) { transferCall(callId: $id, input: $input) { ${ACCEPTED} } }`,
      { id, input: { transferTarget: { identity: { user: { id: OTHER } } } } },
    );
    expect(routeLog('calls.transfer').map((e) => e.status)).toEqual([202]);
    expect(bodies.of('calls.transfer')).toEqual([{ transferTarget: wireInvitee(OTHER) }]);
  });

  it('plays prompts and answers the running PlayPromptOperation with a generated clientContext', async () => {
    const id = await establishedCall();
    const operation = await mutate(
      'playPrompt',
      `mutation($id: ID!) { playPrompt(callId: $id, input: { prompts: [${gql(PROMPT)}] }) { ${OPERATION} } }`,
      { id },
    );
    expect(operation).toMatchObject({ __typename: 'PlayPromptOperation', status: 'RUNNING', clientContext: expect.stringMatching(UUID) });
    expect(operation['id']).toEqual(expect.any(String));
    expect(routeLog('calls.playPrompt').map((e) => e.status)).toEqual([200]);
    expect(bodies.of('calls.playPrompt')).toEqual([{ prompts: [WIRE_PROMPT], clientContext: operation['clientContext'] }]);
  });

  it("records a response and keeps the caller's clientContext; the recording location comes later", async () => {
    const id = await establishedCall();
    const operation = await mutate(
      'recordResponse',
      `mutation($id: ID!) { recordResponse(callId: $id, input: { maxRecordDurationInSeconds: 10, playBeep: true, stopTones: ["#"], clientContext: "rec-1" }) {
        ${OPERATION} ... on RecordOperation { recordingLocation } } }`,
      { id },
    );
    expect(operation).toMatchObject({ __typename: 'RecordOperation', status: 'RUNNING', clientContext: 'rec-1', recordingLocation: null });
    expect(bodies.of('calls.recordResponse')).toEqual([
      { playBeep: true, maxRecordDurationInSeconds: 10, stopTones: ['#'], clientContext: 'rec-1' },
    ]);
  });

  it('mutes and unmutes the application, which the roster then shows', async () => {
    const id = await establishedCall();
    const muted = await mutate('muteCall', `mutation($id: ID!) { muteCall(callId: $id) { ${OPERATION} } }`, { id });
    expect(muted).toMatchObject({ __typename: 'MuteParticipantOperation', status: 'COMPLETED', resultInfo: { code: 200 } });
    expect(bodies.of('calls.mute')).toEqual([{ clientContext: muted['clientContext'] }]);
    const roster = await run<{ call: { participants: Array<{ isMuted: boolean }> } }>(
      `query($id: ID!) { call(id: $id) { participants { id isMuted isInLobby mediaStreams { mediaType } } operations { id } } }`,
      { id },
    );
    expect(roster.errors).toBeUndefined();
    expect(roster.data!.call.participants[0]!.isMuted).toBe(true);
    expect(roster.data!.call).toMatchObject({ operations: [] });
    const unmuted = await mutate('unmuteCall', `mutation($id: ID!) { unmuteCall(callId: $id) { ${OPERATION} } }`, { id });
    expect(unmuted).toMatchObject({ __typename: 'UnmuteParticipantOperation', status: 'COMPLETED' });
    expect(unmuted['clientContext']).not.toBe(muted['clientContext']);
  });

  it('declares recording, which the roster then shows', async () => {
    const id = await establishedCall();
    const operation = await mutate(
      'updateRecordingStatus',
      `mutation($id: ID!) { updateRecordingStatus(callId: $id, input: { status: RECORDING }) { ${OPERATION} } }`,
      { id },
    );
    expect(operation).toMatchObject({ __typename: 'UpdateRecordingStatusOperation', status: 'COMPLETED' });
    expect(bodies.of('calls.updateRecordingStatus')).toEqual([{ status: 'recording', clientContext: operation['clientContext'] }]);
    const roster = await run<{ call: { participants: Array<{ recordingInfo: { recordingStatus: string } }> } }>(
      `query($id: ID!) { call(id: $id) { participants { recordingInfo { recordingStatus } } } }`,
      { id },
    );
    expect(roster.data!.call.participants[0]!.recordingInfo.recordingStatus).toBe('RECORDING');
  });

  it('subscribes to tones', async () => {
    const id = await establishedCall();
    const operation = await mutate('subscribeToTone', `mutation($id: ID!) { subscribeToTone(callId: $id) { ${OPERATION} } }`, { id });
    expect(operation).toMatchObject({ __typename: 'SubscribeToToneOperation', status: 'COMPLETED' });
    expect(bodies.of('calls.subscribeToTone')).toEqual([{ clientContext: operation['clientContext'] }]);
  });

  it('keeps a call alive', async () => {
    const id = await establishedCall();
    expect(await mutate('keepAliveCall', `mutation($id: ID!) { keepAliveCall(callId: $id) { callId } }`, { id })).toEqual({ callId: id });
    expect(routeLog('calls.keepAlive').map((e) => e.status)).toEqual([200]);
    expect(bodies.of('calls.keepAlive')).toEqual([undefined]);
  });

  it('cancels media processing', async () => {
    const id = await establishedCall();
    await mutate('playPrompt', `mutation($id: ID!) { playPrompt(callId: $id, input: { prompts: [${gql(PROMPT)}] }) { id } }`, { id });
    const operation = await mutate(
      'cancelMediaProcessing',
      `mutation($id: ID!) { cancelMediaProcessing(callId: $id, input: { clientContext: "cancel-1" }) { ${OPERATION} } }`,
      { id },
    );
    expect(operation).toMatchObject({ __typename: 'CancelMediaProcessingOperation', status: 'COMPLETED', clientContext: 'cancel-1' });
    expect(bodies.of('calls.cancelMediaProcessing')).toEqual([{ clientContext: 'cancel-1' }]);
  });

  it('hangs up; hanging up again is NOT_FOUND', async () => {
    const id = await establishedCall();
    expect(await mutate('hangUpCall', `mutation($id: ID!) { hangUpCall(callId: $id) { callId } }`, { id })).toEqual({ callId: id });
    expect(routeLog('calls.delete').map((e) => e.status)).toEqual([204]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await run(`mutation($id: ID!) { hangUpCall(callId: $id) { callId } }`, { id });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it("answers each call's roster with one batched request per call, and an empty operations list", async () => {
    const [a, b] = [await establishedCall(), await establishedCall()];
    const result = await run<Record<string, { participants: unknown[]; operations: unknown[] }>>(
      `query($a: ID!, $b: ID!) { a: call(id: $a) { participants { id } operations { id } } b: call(id: $b) { participants { id } } }`,
      { a, b },
    );
    expect(result.errors).toBeUndefined();
    // The roster holds the application itself and the call's target.
    expect(result.data!['a']!.participants).toHaveLength(2);
    expect(result.data!['a']!.operations).toEqual([]);
    const rosterGets = graphLog().filter((e) => e.method === 'GET' && /\/participants$/.test(e.path));
    expect(rosterGets).toHaveLength(2);
    expect(rosterGets.every((e) => e.inBatch)).toBe(true);
  });
});

describe('input checks', () => {
  it.each([
    ['21 prompts', `playPrompt(callId: "${USER}", input: { prompts: [${Array(21).fill(gql(PROMPT)).join(',')}] }) { id }`, 'input.prompts'],
    [
      'an http prompt',
      `playPrompt(callId: "${USER}", input: { prompts: [{ mediaInfo: { uri: "http://x.contoso.com/a.wav" } }] }) { id }`,
      'input.prompts[0].mediaInfo.uri',
    ],
    ['a call id with a slash', `keepAliveCall(callId: "../calls") { callId }`, 'callId'],
    ['a participant id with a query', `muteParticipant(callId: "${USER}", participantId: "p?x=1") { id }`, 'participantId'],
    ['a long clientContext', `muteCall(callId: "${USER}", input: { clientContext: "${'x'.repeat(300)}" }) { id }`, 'input.clientContext'],
    [
      'two recorded prompts',
      `recordResponse(callId: "${USER}", input: { prompts: [${gql(PROMPT)}, ${gql(PROMPT)}] }) { id }`,
      'input.prompts',
    ],
    ['an UNKNOWN recording status', `updateRecordingStatus(callId: "${USER}", input: { status: UNKNOWN }) { id }`, 'input.status'],
    [
      'a redirect timeout of 5 s',
      `redirectCall(callId: "${USER}", input: { targets: [{ identity: { user: { id: "${OTHER}" } } }], timeout: 5 }) { callId }`,
      'input.timeout',
    ],
    [
      'six invitees',
      `inviteParticipants(callId: "${USER}", input: { participants: [${Array(6).fill(`{ identity: { user: { id: "${OTHER}" } } }`).join(',')}] }) { id }`,
      'input.participants',
    ],
    ['no tones', `sendDtmfTones(callId: "${USER}", input: { tones: [] }) { id }`, 'input.tones'],
  ])('refuses %s with BAD_USER_INPUT before any Graph request', async (_name, field, at) => {
    const result = await run(`mutation { ${field} }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: at });
    expect(result.errors?.[0]?.message).toMatch(/must|cannot|got/);
    expect(graphLog()).toEqual([]);
  });
});

describe('unknown outcomes', () => {
  it.each([
    ['a 504 after Graph acted', { pLost504: 1 }],
    ['a connection dropped after Graph acted', { pLostDrop: 1 }],
  ])('reports OUTCOME_UNKNOWN for %s, after one POST only', async (_name, chaos) => {
    const id = await establishedCall();
    stack.simulator.control.setChaos(chaos);
    const result = await run(`mutation($id: ID!) { playPrompt(callId: $id, input: { prompts: [${gql(PROMPT)}] }) { id } }`, { id });
    stack.simulator.control.setChaos(null);
    const posts = routeLog('calls.playPrompt');
    expect(posts).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', clientRequestId: posts[0]!.clientRequestId });
  });
});

describe('callback URL default', () => {
  let own: Stack;
  beforeAll(async () => {
    own = await startStack({ simulator: { callEstablishDelayMs: 0 }, env: { PUBLIC_URL: 'https://comms.contoso.com' } });
  });
  afterAll(async () => own?.stop());

  it("places a call whose notifications go to the gateway's endpoint when callbackUri is absent", async () => {
    const result = await own.query<{ createCall: { callbackUri: string } }>(
      `mutation($input: CreateCallInput!) { createCall(input: $input) { callbackUri } }`,
      { input: { targets: [{ identity: { user: { id: USER } } }], mediaConfig: { serviceHosted: {} } } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.createCall.callbackUri).toBe('https://comms.contoso.com/callbacks/calls');
  });
  // Without PUBLIC_URL (the gateway's own http://localhost:<port>), test/e2e/liveCalls.test.ts follows such calls end to end.
});

describe('DTMF, screen sharing, gallery view and participants', () => {
  it('sends DTMF tones and answers the SendDtmfTonesOperation', async () => {
    const id = await establishedCall();
    const operation = await mutate(
      'sendDtmfTones',
      `mutation($id: ID!) { sendDtmfTones(callId: $id, input: { tones: [TONE1, TONE2, POUND], delayBetweenTonesMs: 100 }) {
        ${OPERATION} ... on SendDtmfTonesOperation { completionReason } } }`,
      { id },
    );
    expect(operation).toMatchObject({ __typename: 'SendDtmfTonesOperation', clientContext: expect.stringMatching(UUID) });
    expect(routeLog('calls.sendDtmfTones').map((e) => e.status)).toEqual([200]);
    expect(bodies.of('calls.sendDtmfTones')).toEqual([
      { tones: ['tone1', 'tone2', 'pound'], delayBetweenTonesMs: 100, clientContext: operation['clientContext'] },
    ]);
  });

  it('changes the screen sharing role', async () => {
    const id = await establishedCall(APP_HOSTED);
    await mutate(
      'changeScreenSharingRole',
      `mutation($id: ID!) { changeScreenSharingRole(callId: $id, input: { role: VIEWER }) { callId } }`,
      {
        id,
      },
    );
    expect(routeLog('calls.changeScreenSharingRole').map((e) => e.status)).toEqual([202]);
    expect(bodies.of('calls.changeScreenSharingRole')).toEqual([{ role: 'viewer' }]);
  });

  it('adds the large gallery view', async () => {
    const id = await establishedCall();
    const operation = await mutate('addLargeGalleryView', `mutation($id: ID!) { addLargeGalleryView(callId: $id) { ${OPERATION} } }`, {
      id,
    });
    expect(operation).toMatchObject({ __typename: 'AddLargeGalleryViewOperation', clientContext: expect.stringMatching(UUID) });
  });

  it('invites a participant, mutes it, holds it and removes it', async () => {
    const id = await establishedCall(GROUP);
    const invite = await mutate(
      'inviteParticipants',
      `mutation($id: ID!) { inviteParticipants(callId: $id, input: { participants: [{ identity: { user: { id: "${THIRD}" } } }] }) {
        ${OPERATION} ... on InviteParticipantsOperation { participants { identity { user { id } } } } } }`,
      { id },
    );
    expect(invite).toMatchObject({ __typename: 'InviteParticipantsOperation', participants: [{ identity: { user: { id: THIRD } } }] });
    expect(bodies.of('calls.participants.invite')).toEqual([
      { participants: [wireInvitee(THIRD)], clientContext: invite['clientContext'] },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const roster = await run<{ call: { participants: Array<{ id: string; info: { identity: { user: { id: string } | null } } }> } }>(
      `query($id: ID!) { call(id: $id) { participants { id info { identity { user { id } } } } } }`,
      { id },
    );
    const pid = roster.data!.call.participants.find((p) => p.info.identity.user?.id === THIRD)!.id;
    const vars = { id, pid };
    expect(
      await mutate(
        'muteParticipant',
        `mutation($id: ID!, $pid: ID!) { muteParticipant(callId: $id, participantId: $pid) { ${OPERATION} } }`,
        vars,
      ),
    ).toMatchObject({ __typename: 'MuteParticipantOperation' });
    expect(
      await mutate(
        'startHoldMusic',
        `mutation($id: ID!, $pid: ID!) { startHoldMusic(callId: $id, participantId: $pid) { ${OPERATION} } }`,
        vars,
      ),
    ).toMatchObject({ __typename: 'StartHoldMusicOperation' });
    expect(
      await mutate(
        'stopHoldMusic',
        `mutation($id: ID!, $pid: ID!) { stopHoldMusic(callId: $id, participantId: $pid) { ${OPERATION} } }`,
        vars,
      ),
    ).toMatchObject({ __typename: 'StopHoldMusicOperation' });
    expect(
      await mutate(
        'removeParticipant',
        `mutation($id: ID!, $pid: ID!) { removeParticipant(callId: $id, participantId: $pid) { callId } }`,
        vars,
      ),
    ).toEqual({ callId: id });
  });
});

/** A plain object as a GraphQL literal. */
function gql(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(gql).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${gql(v)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}
