import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const APP = '2891555a-92ff-42e6-80fa-6e1300c6b5c6';
const TENANT = 'aa67bd4c-8475-432d-bd41-39f255720e0a';

const CREATE = `mutation($input: CreateCallInput!) {
  createCall(input: $input) {
    id state direction myParticipantId callbackUri requestedModalities tenantId subject
    source { identity { application { id } applicationInstance { id } } }
    targets { identity { user { id displayName } phone { id } } }
    mediaConfig { __typename ... on ServiceHostedMediaConfig { preFetchMedia { uri } } ... on AppHostedMediaConfig { blob } }
    meetingInfo { __typename ... on JoinMeetingIdMeetingInfo { joinMeetingId } ... on OrganizerMeetingInfo { organizer { user { id } } } }
    chatInfo { threadId messageId }
  }
}`;

const p2p = {
  callbackUri: 'https://bot.contoso.com/callback',
  targets: [{ identity: { user: { id: USER, displayName: 'John' } } }],
  mediaConfig: {
    serviceHosted: { preFetchMedia: [{ uri: 'https://cdn.contoso.com/beep.wav', resourceId: 'f8971b04-b53e-418c-9222-c82ce681a582' }] },
  },
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ simulator: { callEstablishDelayMs: 50 } });
});
afterAll(async () => stack?.stop());
beforeEach(() => stack.simulator.control.reset());

type CallData = { createCall: { id: string; state: string; [key: string]: unknown } };

describe('createCall', () => {
  it('places a peer-to-peer call that call(id) then returns, establishing and later established', async () => {
    const created = await stack.query<CallData>(CREATE, { input: p2p });
    expect(created.errors).toBeUndefined();
    const call = created.data!.createCall;
    expect(call).toMatchObject({ state: 'ESTABLISHING', callbackUri: p2p.callbackUri, requestedModalities: ['AUDIO'] });
    expect(call.targets).toEqual([{ identity: { user: { id: USER, displayName: 'John' }, phone: null } }]);
    expect(call.mediaConfig).toEqual({
      __typename: 'ServiceHostedMediaConfig',
      preFetchMedia: [{ uri: 'https://cdn.contoso.com/beep.wav' }],
    });

    await new Promise((resolve) => setTimeout(resolve, 120));
    const read = await stack.query<{ call: { id: string; state: string } }>(`query($id: ID!) { call(id: $id) { id state } }`, {
      id: call.id,
    });
    expect(read.data!.call).toEqual({ id: call.id, state: 'ESTABLISHED' });
    const listed = await stack.query<{ calls: Array<{ id: string }> }>(`{ calls { id state } }`);
    expect(listed.data!.calls.map((c) => c.id)).toContain(call.id);
  });

  it.each([
    [
      'app-hosted media',
      { ...p2p, source: { identity: { application: { id: APP } } }, mediaConfig: { appHosted: { blob: '<media session blob>' } } },
    ],
    [
      'a group call',
      {
        ...p2p,
        subject: 'Standup',
        source: { identity: { application: { id: APP } } },
        targets: [p2p.targets[0], { identity: { user: { id: 'c0f3a4b2-1d2e-4f5a-8b9c-0d1e2f3a4b5c' } } }],
      },
    ],
    [
      'joining a meeting by organizer',
      {
        callbackUri: p2p.callbackUri,
        tenantId: TENANT,
        mediaConfig: { serviceHosted: {} },
        chatInfo: { threadId: '19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2' },
        meetingInfo: { organizer: { organizer: { user: { id: USER, tenantId: TENANT } }, allowConversationWithoutHost: true } },
      },
    ],
    [
      'joining by meeting id',
      {
        callbackUri: p2p.callbackUri,
        tenantId: TENANT,
        mediaConfig: { serviceHosted: {} },
        meetingInfo: { joinMeetingId: { joinMeetingId: '1234567890', passcode: 'abc' } },
      },
    ],
    [
      'a PSTN call',
      {
        ...p2p,
        tenantId: TENANT,
        source: { identity: { applicationInstance: { id: APP } } },
        targets: [{ identity: { phone: { id: '+14255550100' } } }],
      },
    ],
  ])('places %s', async (_name, input) => {
    const created = await stack.query<CallData>(CREATE, { input });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCall.state).toBe('ESTABLISHING');
    const posted = stack.simulator.control.log().filter((e) => e.route !== 'token' && e.kind !== 'identity');
    expect(posted.map((e) => [e.method, e.status])).toEqual([['POST', 201]]);
  });

  it.each([
    ['callbackUri is not https', { ...p2p, callbackUri: 'http://bot.contoso.com/cb' }, 'input.callbackUri'],
    ['no target and no meeting', { ...p2p, targets: [] }, 'input.targets'],
    [
      'a phone number that is not E.164',
      {
        ...p2p,
        tenantId: TENANT,
        source: { identity: { applicationInstance: { id: APP } } },
        targets: [{ identity: { phone: { id: '555-0100' } } }],
      },
      'input.targets[0].identity.phone.id',
    ],
    [
      'a phone call without an application instance',
      { ...p2p, tenantId: TENANT, targets: [{ identity: { phone: { id: '+14255550100' } } }] },
      'input.source',
    ],
    [
      'an organizer meeting without chatInfo',
      {
        callbackUri: p2p.callbackUri,
        tenantId: TENANT,
        mediaConfig: { serviceHosted: {} },
        meetingInfo: { organizer: { organizer: { user: { id: USER } } } },
      },
      'input.chatInfo',
    ],
    [
      'a target with two identities',
      { ...p2p, targets: [{ identity: { user: { id: USER }, application: { id: APP } } }] },
      'input.targets[0].identity',
    ],
    [
      'a user id that is not a GUID',
      { ...p2p, targets: [{ identity: { user: { id: "x' or 1 eq 1" } } }] },
      'input.targets[0].identity.user.id',
    ],
  ])('refuses %s with BAD_USER_INPUT naming the field, before calling Graph', async (_name, input, field) => {
    const result = await stack.query(CREATE, { input });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(stack.simulator.control.log().filter((e) => e.kind !== 'identity')).toEqual([]);
  });

  it('refuses two media configurations at once (@oneOf) with BAD_USER_INPUT', async () => {
    const result = await stack.query(CREATE, { input: { ...p2p, mediaConfig: { serviceHosted: {}, appHosted: { blob: 'x' } } } });
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('does not retry a create that timed out at Graph (504): OUTCOME_UNKNOWN with the client-request-id, one POST', async () => {
    stack.simulator.control.setChaos({ p504: 1 });
    const result = await stack.query(CREATE, { input: p2p });
    stack.simulator.control.setChaos(null);
    const error = result.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    const posts = stack.simulator.control.log().filter((e) => e.method === 'POST' && e.route === 'calls.create');
    expect(posts).toHaveLength(1);
    expect(error?.extensions?.['clientRequestId']).toBe(posts[0]!.clientRequestId);
  });

  it('does not retry a create whose connection dropped: OUTCOME_UNKNOWN, one POST, at most one call', async () => {
    const before = stack.simulator.resources.snapshot().calls.length;
    stack.simulator.control.setChaos({ pDrop: 1 });
    const result = await stack.query(CREATE, { input: p2p });
    stack.simulator.control.setChaos(null);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('OUTCOME_UNKNOWN');
    expect(stack.simulator.control.log().filter((e) => e.route === 'calls.create')).toHaveLength(1);
    expect(stack.simulator.resources.snapshot().calls.length - before).toBeLessThanOrEqual(1);
  });

  it('retries a create that Graph throttled (429: not acted on) and reports THROTTLED when throttling persists', async () => {
    stack.simulator.control.setChaos({ p429: 1 });
    const result = await stack.query(CREATE, { input: p2p });
    stack.simulator.control.setChaos(null);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED' });
    expect(stack.simulator.control.log().filter((e) => e.route === 'calls.create').length).toBeGreaterThan(1);
  });
});

describe('call', () => {
  it("answers an unknown id with null and NOT_FOUND carrying Graph's request id", async () => {
    const result = await stack.query<{ call: null }>(`{ call(id: "0b9bf152-f152-0b9b-52f1-9b0b52f19b0b") { id } }`);
    expect(result.data).toEqual({ call: null });
    expect(result.errors?.[0]?.path).toEqual(['call']);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      graphErrorCode: expect.any(String),
      graphRequestId: expect.any(String),
    });
  });

  it('refuses an id that could change the Graph path', async () => {
    const result = await stack.query(`{ call(id: "../callRecords") { id } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(stack.simulator.control.log().filter((e) => e.kind !== 'identity')).toEqual([]);
  });

  it('costs ceil(K/20) $batch requests for K distinct calls asked for by alias', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      const created = await stack.query<CallData>(`mutation($input: CreateCallInput!) { createCall(input: $input) { id } }`, {
        input: p2p,
      });
      ids.push(created.data!.createCall.id);
    }
    const seen = stack.simulator.control.log().length;
    const query = `{ ${ids.map((id, i) => `c${i}: call(id: "${id}") { id state }`).join('\n')} }`;
    const result = await stack.query<Record<string, { id: string }>>(query);
    expect(result.errors).toBeUndefined();
    expect(ids.map((_, i) => result.data![`c${i}`]!.id)).toEqual(ids);
    const after = stack.simulator.control.log().slice(seen);
    expect(after.filter((e) => !e.inBatch && e.kind !== 'identity').map((e) => e.route)).toEqual(['$batch', '$batch', '$batch']);
    expect(after.filter((e) => e.inBatch)).toHaveLength(45);
  });
});
