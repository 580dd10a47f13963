import { describe, expect, it } from 'vitest';
import type { GraphCall } from '../../src/graph/types.js';
import { recordingLogger, run, testSchema } from './helpers.js';

// A call as live events will hand it to the resolvers: the roster and operations from its notifications
// (CALLS-LIVE.md 1.3). The context has no loaders, so a resolver that asked Graph would fail the test.
const call: GraphCall = {
  id: 'live-1',
  participants: [
    {
      '@odata.type': '#microsoft.graph.participant',
      id: '0d7664b6-6432-43ed-8d27-d9e7adec188c',
      info: { identity: { user: { id: '112f7296-5ca9-4f26-8c3e-6a1b2c3d4e5f', displayName: 'John' } }, languageId: 'en-US' },
      mediaStreams: [
        { mediaType: 'audio', sourceId: '1', direction: 'sendReceive', serverMuted: false },
        {
          mediaType: 'videoBasedScreenSharing',
          label: 'applicationsharing-video',
          sourceId: '3',
          direction: 'sendOnly',
          serverMuted: false,
        },
      ],
      isMuted: true,
      isInLobby: false,
      recordingInfo: { recordingStatus: 'recording' },
      restrictedExperience: { contentSharingDisabled: 'watermarkProtection', videoDisabled: 'none' },
      rosterSequenceNumber: 4294967297,
    },
  ],
  operations: [
    {
      '@odata.type': '#microsoft.graph.playPromptOperation',
      id: '0FE0623FD62842EDB4BD8AC290072CC5',
      status: 'completed',
      clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
      resultInfo: { code: 200, subcode: 0, message: 'Action completed successfully.' },
    },
    {
      '@odata.type': '#microsoft.graph.recordOperation',
      id: 'r1',
      status: 'completed',
      recordingLocation: 'https://file.location/17e3b46c',
      recordingAccessToken: '<access-token>',
    },
    { '@odata.type': '#microsoft.graph.sendDtmfTonesOperation', id: 'd1', status: 'completed', completionReason: 'mediaOperationCanceled' },
    {
      '@odata.type': '#microsoft.graph.inviteParticipantsOperation',
      id: 'i1',
      status: 'Running',
      participants: [{ identity: { user: { id: 'u' } } }],
    },
    { '@odata.type': '#microsoft.graph.startHoldMusicOperation', id: 'h1', status: 'running' },
    { '@odata.type': '#microsoft.graph.commsOperation', id: 'c1', status: 'notStarted' },
    { '@odata.type': '#microsoft.graph.raiseHandOperation', id: 'x1', status: 'paused' },
  ],
};

const QUERY = `{ call(id: "live-1") {
  participants { id isMuted rosterSequenceNumber info { identity { user { displayName } } }
    mediaStreams { mediaType direction label } recordingInfo { recordingStatus }
    restrictedExperience { contentSharingDisabled videoDisabled } }
  operations { __typename id status clientContext
    ... on RecordOperation { recordingLocation }
    ... on SendDtmfTonesOperation { completionReason }
    ... on InviteParticipantsOperation { participants { identity { user { id } } } }
    ... on UnknownCommsOperation { odataType } }
} }`;

describe('a live call', () => {
  it('answers the roster the call carries, with its media streams, recording and restrictions', async () => {
    const data = (await run(testSchema({ calls: { 'live-1': call } }), QUERY)) as { call: { participants: unknown[] } };
    expect(data.call.participants).toEqual([
      {
        id: '0d7664b6-6432-43ed-8d27-d9e7adec188c',
        isMuted: true,
        rosterSequenceNumber: 4294967297,
        info: { identity: { user: { displayName: 'John' } } },
        mediaStreams: [
          { mediaType: 'AUDIO', direction: 'SEND_RECEIVE', label: null },
          { mediaType: 'VIDEO_BASED_SCREEN_SHARING', direction: 'SEND_ONLY', label: 'applicationsharing-video' },
        ],
        recordingInfo: { recordingStatus: 'RECORDING' },
        restrictedExperience: { contentSharingDisabled: ['WATERMARK_PROTECTION'], videoDisabled: [] },
      },
    ]);
  });

  it('types each operation by @odata.type, reads status in any casing, and falls back to UnknownCommsOperation', async () => {
    const logger = recordingLogger();
    const data = (await run(testSchema({ calls: { 'live-1': call } }, logger), QUERY)) as { call: { operations: unknown[] } };
    expect(data.call.operations).toEqual([
      {
        __typename: 'PlayPromptOperation',
        id: '0FE0623FD62842EDB4BD8AC290072CC5',
        status: 'COMPLETED',
        clientContext: 'd45324c1-fcb5-430a-902c-f20af696537c',
      },
      {
        __typename: 'RecordOperation',
        id: 'r1',
        status: 'COMPLETED',
        clientContext: null,
        recordingLocation: 'https://file.location/17e3b46c',
      },
      {
        __typename: 'SendDtmfTonesOperation',
        id: 'd1',
        status: 'COMPLETED',
        clientContext: null,
        completionReason: 'MEDIA_OPERATION_CANCELED',
      },
      {
        __typename: 'InviteParticipantsOperation',
        id: 'i1',
        status: 'RUNNING',
        clientContext: null,
        participants: [{ identity: { user: { id: 'u' } } }],
      },
      { __typename: 'StartHoldMusicOperation', id: 'h1', status: 'RUNNING', clientContext: null },
      {
        __typename: 'UnknownCommsOperation',
        id: 'c1',
        status: 'NOT_STARTED',
        clientContext: null,
        odataType: '#microsoft.graph.commsOperation',
      },
      {
        __typename: 'UnknownCommsOperation',
        id: 'x1',
        status: 'UNKNOWN_FUTURE_VALUE',
        clientContext: null,
        odataType: '#microsoft.graph.raiseHandOperation',
      },
    ]);
    expect(logger.warnings.map((w) => w.details)).toEqual([{ enum: 'OperationStatus', wireValue: 'paused' }]);
  });

  it('never exposes the recording access token', async () => {
    const schema = testSchema();
    const recordOperation = schema.getType('RecordOperation');
    expect(recordOperation && 'getFields' in recordOperation ? Object.keys(recordOperation.getFields()) : []).not.toContain(
      'recordingAccessToken',
    );
  });

  it('lists no operations for a call the gateway saw none of', async () => {
    const data = (await run(testSchema({ calls: { c: { id: 'c' } } }), '{ call(id: "c") { operations { id } } }')) as {
      call: { operations: unknown[] };
    };
    expect(data.call.operations).toEqual([]);
  });
});
