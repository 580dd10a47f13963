import { describe, expect, it } from 'vitest';
import { callbackUriOrDefault } from '../../src/calls/callbackUri.js';
import { toChangeScreenSharingRoleBody, toUpdateRecordingStatusBody } from '../../src/calls/callStateRequests.js';
import { toClientContextBody } from '../../src/calls/clientContext.js';
import { toCreateCallBody } from '../../src/calls/createCallRequest.js';
import { toAnswerBody, toRedirectBody, toRejectBody } from '../../src/calls/incomingCallRequests.js';
import { toPlayPromptBody, toRecordResponseBody, toSendDtmfTonesBody } from '../../src/calls/mediaActionRequests.js';
import { toInviteParticipantsBody, toStartHoldMusicBody } from '../../src/calls/participantRequests.js';
import { toTransferBody } from '../../src/calls/transferRequest.js';
import { GatewayError } from '../../src/errors/index.js';
import type { CreateCallInput, InvitationParticipantInfoInput, Tone } from '../../src/generated/graphql.js';

const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const OTHER = 'c0f3a4b2-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const user = (id = USER): InvitationParticipantInfoInput => ({ identity: { user: { id } } });
const prompt = (uri = 'https://cdn.contoso.com/hello.wav') => ({ mediaInfo: { uri, resourceId: '1D6DE2D4-CD51-4309-8DAA-70768651088E' } });
const wirePrompt = (uri = 'https://cdn.contoso.com/hello.wav') => ({
  '@odata.type': '#microsoft.graph.mediaPrompt',
  mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo', uri, resourceId: '1D6DE2D4-CD51-4309-8DAA-70768651088E' },
});
const wireUser = (id = USER) => ({
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: { '@odata.type': '#microsoft.graph.identitySet', user: { '@odata.type': '#microsoft.graph.identity', id } },
});

/** The BAD_USER_INPUT `build` throws, for its field and message. */
function refusal(build: () => unknown): { field: unknown; message: string } {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const gatewayError = error as GatewayError;
    expect(gatewayError.extensions['code']).toBe('BAD_USER_INPUT');
    return { field: gatewayError.extensions['field'], message: gatewayError.message };
  }
  throw new Error('expected a BAD_USER_INPUT, got none');
}

describe('callbackUri', () => {
  it("uses the caller's https URL, else the gateway's own endpoint", () => {
    expect(callbackUriOrDefault('https://bot.contoso.com/cb', 'http://localhost:4000/callbacks/calls', 'input.callbackUri')).toBe(
      'https://bot.contoso.com/cb',
    );
    expect(callbackUriOrDefault(undefined, 'http://localhost:4000/callbacks/calls', 'input.callbackUri')).toBe(
      'http://localhost:4000/callbacks/calls',
    );
  });

  it('refuses a missing callbackUri when the gateway has no endpoint, naming callbackUri and PUBLIC_URL', () => {
    const { field, message } = refusal(() => callbackUriOrDefault(null, undefined, 'input.callbackUri'));
    expect(field).toBe('input.callbackUri');
    expect(message).toContain('PUBLIC_URL');
  });

  it("refuses a caller's http URL even when the gateway's default is http", () => {
    expect(
      refusal(() => callbackUriOrDefault('http://bot.contoso.com/cb', 'http://localhost/callbacks/calls', 'input.callbackUri')).field,
    ).toBe('input.callbackUri');
  });

  it("lets createCall leave out callbackUri and sends the gateway's endpoint", () => {
    const input = { requestedModalities: ['audio'], targets: [user()], mediaConfig: { serviceHosted: {} } } as unknown as CreateCallInput;
    expect(toCreateCallBody(input, 'https://comms.contoso.com/callbacks/calls')['callbackUri']).toBe(
      'https://comms.contoso.com/callbacks/calls',
    );
    expect(refusal(() => toCreateCallBody(input)).field).toBe('input.callbackUri');
  });
});

describe('incoming calls', () => {
  it("answers with Graph's body: callbackUri, mediaConfig, modalities, capacity, incomingCallOptions", () => {
    expect(
      toAnswerBody(
        {
          callbackUri: 'https://bot.contoso.com/api/calls',
          mediaConfig: { serviceHosted: { preFetchMedia: [{ uri: 'https://cdn.contoso.com/beep.wav' }] } },
          acceptedModalities: ['audio'],
          participantCapacity: 200,
          callOptions: { isContentSharingNotificationEnabled: true },
        },
        undefined,
      ),
    ).toEqual({
      callbackUri: 'https://bot.contoso.com/api/calls',
      mediaConfig: {
        '@odata.type': '#microsoft.graph.serviceHostedMediaConfig',
        preFetchMedia: [{ uri: 'https://cdn.contoso.com/beep.wav' }],
      },
      acceptedModalities: ['audio'],
      participantCapacity: 200,
      callOptions: { '@odata.type': '#microsoft.graph.incomingCallOptions', isContentSharingNotificationEnabled: true },
    });
  });

  it("answers to the gateway's endpoint when callbackUri is absent", () => {
    expect(toAnswerBody({ mediaConfig: { appHosted: { blob: '<blob>' } } }, 'https://comms.contoso.com/callbacks/calls')).toEqual({
      callbackUri: 'https://comms.contoso.com/callbacks/calls',
      mediaConfig: { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: '<blob>' },
    });
  });

  it('refuses to accept DATA or no modality at all', () => {
    const media = { serviceHosted: {} };
    expect(refusal(() => toAnswerBody({ mediaConfig: media, acceptedModalities: ['data'] }, 'https://x.contoso.com')).message).toContain(
      'got "data"',
    );
    expect(refusal(() => toAnswerBody({ mediaConfig: media, acceptedModalities: [] }, 'https://x.contoso.com')).field).toBe(
      'input.acceptedModalities',
    );
  });

  it('rejects with reason none by default, and refuses UNKNOWN_FUTURE_VALUE', () => {
    expect(toRejectBody(undefined)).toEqual({ reason: 'none' });
    expect(toRejectBody({ reason: 'busy' })).toEqual({ reason: 'busy' });
    expect(refusal(() => toRejectBody({ reason: 'unknownFutureValue' })).field).toBe('input.reason');
  });

  it('redirects to 1 to 25 targets for 15 to 90 seconds', () => {
    expect(toRedirectBody({ targets: [user()], timeout: 30 })).toEqual({ targets: [wireUser()], timeout: 30 });
    expect(refusal(() => toRedirectBody({ targets: [] })).message).toBe('input.targets must hold 1 to 25 targets, got 0');
    expect(refusal(() => toRedirectBody({ targets: [user()], timeout: 5 })).message).toBe('input.timeout must be between 15 and 90, got 5');
  });
});

describe('transfer', () => {
  it('sends the target and, from a group call, the transferee', () => {
    expect(
      toTransferBody({
        transferTarget: { ...user(), replacesCallId: OTHER },
        transferee: { identity: { user: { id: OTHER } }, participantId: 'p-1' },
      }),
    ).toEqual({
      transferTarget: { ...wireUser(), replacesCallId: OTHER },
      transferee: {
        '@odata.type': '#microsoft.graph.participantInfo',
        identity: { '@odata.type': '#microsoft.graph.identitySet', user: { '@odata.type': '#microsoft.graph.identity', id: OTHER } },
        participantId: 'p-1',
      },
    });
  });

  it('refuses a target with two identities', () => {
    expect(
      refusal(() => toTransferBody({ transferTarget: { identity: { user: { id: USER }, phone: { id: '+14255550100' } } } })).field,
    ).toBe('input.transferTarget.identity');
  });
});

describe('media actions', () => {
  it('plays 1 to 20 prompts as mediaPrompts, with a generated clientContext', () => {
    const body = toPlayPromptBody({ prompts: [prompt()] });
    expect(body).toEqual({ prompts: [wirePrompt()], clientContext: expect.stringMatching(UUID) });
    expect(toPlayPromptBody({ prompts: [prompt()], clientContext: 'mine' })['clientContext']).toBe('mine');
    expect(refusal(() => toPlayPromptBody({ prompts: Array.from({ length: 21 }, () => prompt()) })).message).toBe(
      'input.prompts must hold 1 to 20 prompts, got 21',
    );
    expect(refusal(() => toPlayPromptBody({ prompts: [prompt('http://cdn.contoso.com/a.wav')] })).field).toBe(
      'input.prompts[0].mediaInfo.uri',
    );
  });

  it('refuses a clientContext longer than 256 characters', () => {
    expect(refusal(() => toPlayPromptBody({ prompts: [prompt()], clientContext: 'x'.repeat(257) })).message).toBe(
      'input.clientContext must be 1 to 256 characters, got 257',
    );
  });

  it("records with Graph's parameters, at most one prompt, timeouts of 1 to 120 s and DTMF stop tones", () => {
    expect(
      toRecordResponseBody({
        prompts: [prompt()],
        bargeInAllowed: true,
        initialSilenceTimeoutInSeconds: 10,
        maxSilenceTimeoutInSeconds: 10,
        maxRecordDurationInSeconds: 10,
        playBeep: true,
        stopTones: ['#', '1', '*'],
        clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
      }),
    ).toEqual({
      prompts: [wirePrompt()],
      bargeInAllowed: true,
      playBeep: true,
      initialSilenceTimeoutInSeconds: 10,
      maxSilenceTimeoutInSeconds: 10,
      maxRecordDurationInSeconds: 10,
      stopTones: ['#', '1', '*'],
      clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
    });
    expect(toRecordResponseBody(undefined)).toEqual({ clientContext: expect.stringMatching(UUID) });
    expect(refusal(() => toRecordResponseBody({ prompts: [prompt(), prompt()] })).field).toBe('input.prompts');
    expect(refusal(() => toRecordResponseBody({ maxRecordDurationInSeconds: 0 })).message).toBe(
      'input.maxRecordDurationInSeconds must be between 1 and 120, got 0',
    );
    expect(refusal(() => toRecordResponseBody({ stopTones: ['#', 'pound'] })).field).toBe('input.stopTones[1]');
  });

  it('sends DTMF tones as Graph enum strings with the delay', () => {
    expect(toSendDtmfTonesBody({ tones: ['tone1', 'tone2', 'pound'], delayBetweenTonesMs: 100, clientContext: 'c' })).toEqual({
      tones: ['tone1', 'tone2', 'pound'],
      delayBetweenTonesMs: 100,
      clientContext: 'c',
    });
    expect(refusal(() => toSendDtmfTonesBody({ tones: [] })).field).toBe('input.tones');
    expect(refusal(() => toSendDtmfTonesBody({ tones: ['unknownFutureValue' as Tone] })).message).toBe(
      'input.tones[0] cannot be UNKNOWN_FUTURE_VALUE in a request',
    );
    expect(refusal(() => toSendDtmfTonesBody({ tones: ['tone1'], delayBetweenTonesMs: -1 })).field).toBe('input.delayBetweenTonesMs');
  });
});

describe('call state actions', () => {
  it('sends only a clientContext for mute, unmute, subscribeToTone, cancelMediaProcessing and the like', () => {
    expect(toClientContextBody(undefined)).toEqual({ clientContext: expect.stringMatching(UUID) });
    expect(toClientContextBody({ clientContext: 'mine' })).toEqual({ clientContext: 'mine' });
    expect(toClientContextBody(undefined).clientContext).not.toBe(toClientContextBody(undefined).clientContext);
  });

  it('declares recording, never UNKNOWN', () => {
    expect(toUpdateRecordingStatusBody({ status: 'recording', clientContext: 'c' })).toEqual({ status: 'recording', clientContext: 'c' });
    expect(refusal(() => toUpdateRecordingStatusBody({ status: 'unknown' })).message).toBe('input.status cannot be UNKNOWN in a request');
  });

  it('changes the screen sharing role', () => {
    expect(toChangeScreenSharingRoleBody({ role: 'viewer' })).toEqual({ role: 'viewer' });
    expect(refusal(() => toChangeScreenSharingRoleBody({ role: 'unknownFutureValue' })).field).toBe('input.role');
  });
});

describe('participant actions', () => {
  it('invites up to 5 participants', () => {
    expect(toInviteParticipantsBody({ participants: [user(), user(OTHER)], clientContext: 'c' })).toEqual({
      participants: [wireUser(), wireUser(OTHER)],
      clientContext: 'c',
    });
    expect(refusal(() => toInviteParticipantsBody({ participants: Array.from({ length: 6 }, () => user()) })).message).toBe(
      'input.participants must hold 1 to 5 participants, got 6',
    );
  });

  it('refuses replacesCallId with more than one invitee, and several applications at once', () => {
    expect(refusal(() => toInviteParticipantsBody({ participants: [{ ...user(), replacesCallId: OTHER }, user(OTHER)] })).field).toBe(
      'input.participants',
    );
    const bot = (id: string): InvitationParticipantInfoInput => ({ identity: { application: { id } } });
    expect(refusal(() => toInviteParticipantsBody({ participants: [bot(USER), bot(OTHER)] })).message).toContain('at most one application');
  });

  it('starts hold music with an optional custom prompt', () => {
    expect(toStartHoldMusicBody({ customPrompt: prompt(), clientContext: 'c' })).toEqual({
      customPrompt: wirePrompt(),
      clientContext: 'c',
    });
    expect(toStartHoldMusicBody(null)).toEqual({ clientContext: expect.stringMatching(UUID) });
  });
});
