/**
 * Hand-built Graph wire objects shaped like Graph's documented responses (the group call of "Get call"
 * example 2, and records of "List callRecords"), with the quirks the gateway must survive.
 */
import type { GraphCall, GraphCallRecord, GraphSession } from '../../src/graph/types.js';

export function groupCall(overrides: Partial<GraphCall> = {}): GraphCall {
  return {
    '@odata.type': '#microsoft.graph.call',
    state: 'established',
    direction: 'outgoing',
    callbackUri: 'https://bot.contoso.com/callback',
    source: {
      '@odata.type': '#microsoft.graph.participantInfo',
      identity: {
        '@odata.type': '#microsoft.graph.identitySet',
        application: { '@odata.type': '#microsoft.graph.identity', displayName: 'Calling Bot', id: '2891555a-92ff-42e6-80fa-6e1300c6b5c6' },
      },
      region: null,
      languageId: null,
    },
    targets: [],
    requestedModalities: ['audio'],
    mediaConfig: {
      '@odata.type': '#microsoft.graph.serviceHostedMediaConfig',
      preFetchMedia: [
        { uri: 'https://cdn.contoso.com/beep.wav', resourceId: 'f8971b04-b53e-418c-9222-c82ce681a582' },
        { uri: 'https://cdn.contoso.com/cool.wav', resourceId: '86dc814b-c172-4428-9112-60f8ecae1edb' },
      ],
    },
    chatInfo: {
      '@odata.type': '#microsoft.graph.chatInfo',
      threadId: '19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2',
      messageId: '0',
      replyChainMessageId: null,
    },
    meetingInfo: {
      '@odata.type': '#microsoft.graph.organizerMeetingInfo',
      organizer: {
        '@odata.type': '#microsoft.graph.identitySet',
        user: { '@odata.type': '#microsoft.graph.identity', id: '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96', displayName: null },
      },
      allowConversationWithoutHost: true,
    },
    transcription: {
      '@odata.type': '#microsoft.graph.callTranscriptionInfo',
      state: 'inactive',
      lastModifiedDateTime: '2020-05-28T00:10:54.104318Z',
    },
    myParticipantId: '05491616-385f-44a8-9974-18cc5f9933c1',
    id: '2f1a1100-b174-40a0-aba7-0b405e01ed92',
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#communications/calls/$entity',
    ringingTimeoutInSeconds: null,
    subject: null,
    resultInfo: null,
    answeredBy: null,
    toneInfo: null,
    ...overrides,
  };
}

export function session(): GraphSession {
  return {
    id: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
    modalities: ['audio'],
    startDateTime: '2020-02-25T18:52:21.2169889Z',
    endDateTime: '2020-02-25T18:52:46.7640013Z',
    isTest: false,
    caller: {
      '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
      name: 'machineName_1',
      cpuCoresCount: 8,
      associatedIdentity: {
        '@odata.type': '#microsoft.graph.callRecords.userIdentity',
        id: '821809f5-0000-0000-0000-3b5136c0e777',
        displayName: 'Abbie Wilkins',
        userPrincipalName: 'abbie@contoso.com',
      },
      feedback: { rating: 'poor', text: null, tokens: { NoSound: false } },
      userAgent: {
        '@odata.type': '#microsoft.graph.callRecords.clientUserAgent',
        platform: 'macOS',
        productFamily: 'teams',
        headerValue: 'RTCC/7.0.0.0',
      },
    },
    callee: {
      '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint',
      userAgent: { '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent', role: 'skypeForBusinessMicrosoftTeamsGateway' },
    },
    segments: [
      {
        id: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
        startDateTime: '2020-02-25T18:52:21.2169889Z',
        endDateTime: '2020-02-25T18:52:46.7640013Z',
        caller: { '@odata.type': '#Microsoft.Graph.CallRecords.ParticipantEndpoint', name: 'machineName_1' },
        callee: { userAgent: { role: 'voicemail' } },
        media: [
          {
            label: 'main-audio',
            callerNetwork: { connectionType: 'wifi', wifiBand: 'frequency50GHz', linkSpeed: 10_000_000_000 },
            streams: [
              {
                streamId: '1504545584',
                streamDirection: 'callerToCallee',
                averageJitter: 'PT0.043S',
                averagePacketLossRate: 0.01,
                audioCodec: 'satin',
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The second record of Graph's "List callRecords" example 1: a PSTN organizer, with undocumented null slots. */
export function pstnRecord(overrides: Partial<GraphCallRecord> = {}): GraphCallRecord {
  return {
    id: 'c3ad8c4b-4a87-4ab1-bef0-284d2f40ed9f',
    version: 2,
    type: 'unknown',
    modalities: ['audio'],
    lastModifiedDateTime: '2023-09-25T14:18:13Z',
    startDateTime: '2023-09-25T14:03:36Z',
    endDateTime: '2023-09-25T14:03:40Z',
    'organizer_v2@odata.context':
      "https://graph.microsoft.com/beta/$metadata#communications/callRecords('c3ad8c4b-4a87-4ab1-bef0-284d2f40ed9f')/organizer_v2/$entity",
    organizer_v2: {
      id: '+5564981205182',
      identity: {
        user: null,
        acsUser: null,
        spoolUser: null,
        phone: { id: '+5564981205182', displayName: null, tenantId: null },
      },
    },
    sessions: [session()],
    ...overrides,
  };
}
