import { ApolloServer } from '@apollo/server';
import { describe, expect, it } from 'vitest';
import { groupCall, pstnRecord } from './fixtures.js';
import { run, testSchema } from './helpers.js';

const CALL = /* GraphQL */ `
  query ($id: ID!) {
    call(id: $id) {
      id
      state
      direction
      requestedModalities
      subject
      source {
        identity {
          application {
            __typename
            id
            displayName
          }
          user {
            id
          }
          device {
            id
          }
        }
      }
      mediaConfig {
        __typename
        ... on ServiceHostedMediaConfig {
          preFetchMedia {
            uri
            resourceId
          }
        }
        ... on AppHostedMediaConfig {
          blob
        }
        ... on UnknownMediaConfig {
          odataType
        }
      }
      meetingInfo {
        __typename
        ... on OrganizerMeetingInfo {
          allowConversationWithoutHost
          organizer {
            user {
              id
              displayName
            }
          }
        }
        ... on TokenMeetingInfo {
          token
        }
        ... on JoinMeetingIdMeetingInfo {
          joinMeetingId
          passcode
        }
        ... on UnknownMeetingInfo {
          odataType
        }
      }
      callOptions {
        __typename
        isDeltaRosterEnabled
      }
      chatInfo {
        threadId
        messageId
      }
      transcription {
        state
        lastModifiedDateTime
      }
      resultInfo {
        code
        subcode
        message
      }
    }
  }
`;

async function queryCall(call: ReturnType<typeof groupCall>) {
  const data = await run(testSchema({ calls: { [call.id as string]: call } }), CALL, { id: call.id });
  return data.call as Record<string, unknown>;
}

describe('calls', () => {
  it('maps the documented group call, ignoring the beta-only keys Graph adds', async () => {
    expect(await queryCall(groupCall())).toEqual({
      id: '2f1a1100-b174-40a0-aba7-0b405e01ed92',
      state: 'ESTABLISHED',
      direction: 'OUTGOING',
      requestedModalities: ['AUDIO'],
      subject: null,
      source: {
        identity: {
          application: {
            __typename: 'CommunicationsApplicationIdentity',
            id: '2891555a-92ff-42e6-80fa-6e1300c6b5c6',
            displayName: 'Calling Bot',
          },
          user: null,
          device: null,
        },
      },
      mediaConfig: {
        __typename: 'ServiceHostedMediaConfig',
        preFetchMedia: [
          { uri: 'https://cdn.contoso.com/beep.wav', resourceId: 'f8971b04-b53e-418c-9222-c82ce681a582' },
          { uri: 'https://cdn.contoso.com/cool.wav', resourceId: '86dc814b-c172-4428-9112-60f8ecae1edb' },
        ],
      },
      meetingInfo: {
        __typename: 'OrganizerMeetingInfo',
        allowConversationWithoutHost: true,
        organizer: { user: { id: '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96', displayName: null } },
      },
      callOptions: null,
      chatInfo: { threadId: '19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2', messageId: '0' },
      transcription: { state: 'INACTIVE', lastModifiedDateTime: '2020-05-28T00:10:54.104318Z' },
      resultInfo: null,
    });
  });

  it.each([
    ['#microsoft.graph.appHostedMediaConfig', { blob: '<blob>' }, { __typename: 'AppHostedMediaConfig', blob: '<blob>' }],
    ['microsoft.graph.appHostedMediaConfig', { blob: '<blob>' }, { __typename: 'AppHostedMediaConfig', blob: '<blob>' }],
    ['#Microsoft.Graph.ServiceHostedMediaConfig', {}, { __typename: 'ServiceHostedMediaConfig', preFetchMedia: null }],
    // Graph's list/get examples send the abstract base type.
    ['microsoft.graph.mediaConfig', {}, { __typename: 'UnknownMediaConfig', odataType: 'microsoft.graph.mediaConfig' }],
    ['#microsoft.graph.fancyNewMediaConfig', {}, { __typename: 'UnknownMediaConfig', odataType: '#microsoft.graph.fancyNewMediaConfig' }],
    [undefined, { blob: '<blob>' }, { __typename: 'AppHostedMediaConfig', blob: '<blob>' }],
    [undefined, {}, { __typename: 'UnknownMediaConfig', odataType: null }],
  ])('resolves a mediaConfig with @odata.type %s', async (odataType, fields, expected) => {
    const call = await queryCall(groupCall({ mediaConfig: { '@odata.type': odataType, ...fields } }));
    expect(call.mediaConfig).toEqual(expected);
  });

  it.each([
    ['#microsoft.graph.tokenMeetingInfo', { token: 't0k3n' }, { __typename: 'TokenMeetingInfo', token: 't0k3n' }],
    [
      '#microsoft.graph.joinMeetingIdMeetingInfo',
      { joinMeetingId: '1234567', passcode: null },
      { __typename: 'JoinMeetingIdMeetingInfo', joinMeetingId: '1234567', passcode: null },
    ],
    ['microsoft.graph.meetingInfo', {}, { __typename: 'UnknownMeetingInfo', odataType: 'microsoft.graph.meetingInfo' }],
  ])('resolves a meetingInfo with @odata.type %s', async (odataType, fields, expected) => {
    const call = await queryCall(groupCall({ meetingInfo: { '@odata.type': odataType, ...fields } }));
    expect(call.meetingInfo).toEqual(expected);
  });

  it.each([
    ['#microsoft.graph.outgoingCallOptions', 'OutgoingCallOptions'],
    ['#microsoft.graph.incomingCallOptions', 'IncomingCallOptions'],
    ['#microsoft.graph.callOptions', 'UnknownCallOptions'],
  ])('resolves callOptions with @odata.type %s', async (odataType, typename) => {
    const call = await queryCall(groupCall({ callOptions: { '@odata.type': odataType, isDeltaRosterEnabled: true } }));
    expect(call.callOptions).toEqual({ __typename: typename, isDeltaRosterEnabled: true });
  });

  it('reads resultInfo codes sent as strings and as subCode', async () => {
    const call = await queryCall(groupCall({ resultInfo: { code: '500', subCode: '8508', message: 'Cancelled' } }));
    expect(call.resultInfo).toEqual({ code: 500, subcode: 8508, message: 'Cancelled' });
  });

  it('treats identity slots that carry only @odata.type as empty', async () => {
    const call = await queryCall(
      groupCall({
        source: {
          identity: {
            application: { '@odata.type': 'microsoft.graph.identity', id: 'Id value', displayName: 'Display Name value' },
            device: { '@odata.type': 'microsoft.graph.identity' },
            user: { '@odata.type': 'microsoft.graph.identity' },
          },
        },
      }),
    );
    expect(call.source).toEqual({
      identity: {
        application: { __typename: 'CommunicationsApplicationIdentity', id: 'Id value', displayName: 'Display Name value' },
        user: null,
        device: null,
      },
    });
  });
});

describe('identity sets', () => {
  it('gives every identity kind its own slot and type', async () => {
    const identity = {
      user: { id: 'u1', displayName: 'User', tenantId: 't1' },
      application: { id: 'a1', applicationType: 'bot', hidden: false },
      applicationInstance: { id: 'ai1', tenantId: 't1', hidden: true },
      phone: { id: '+14255550100' },
      guest: { id: 'g1', displayName: 'Guest', email: 'guest@example.com' },
      encrypted: { id: 'enc1' },
      onPremises: { id: 'op1', displayName: 'On-prem user' },
      azureCommunicationServicesUser: { id: 'acs1', azureCommunicationServicesResourceId: 'res1' },
      device: { id: 'd1', displayName: 'Device' },
      assertedIdentity: { '@odata.type': '#microsoft.graph.communicationsPhoneIdentity', id: '+14255550199' },
      endpointType: 'skypeForBusinessVoipPhone',
    };
    const data = await run(
      testSchema({ calls: { c: groupCall({ id: 'c', source: { identity } }) } }),
      `{ call(id: "c") { source { identity {
        user { id displayName tenantId userPrincipalName }
        application { id applicationType hidden }
        applicationInstance { id tenantId hidden }
        phone { id }
        guest { id displayName email }
        encrypted { id }
        onPremises { id displayName }
        azureCommunicationServicesUser { id azureCommunicationServicesResourceId }
        device { __typename id displayName }
        assertedIdentity { __typename id }
        endpointType
      } } } }`,
    );
    expect((data.call as { source: unknown }).source).toEqual({
      identity: {
        user: { id: 'u1', displayName: 'User', tenantId: 't1', userPrincipalName: null },
        application: { id: 'a1', applicationType: 'bot', hidden: false },
        applicationInstance: { id: 'ai1', tenantId: 't1', hidden: true },
        phone: { id: '+14255550100' },
        guest: { id: 'g1', displayName: 'Guest', email: 'guest@example.com' },
        encrypted: { id: 'enc1' },
        onPremises: { id: 'op1', displayName: 'On-prem user' },
        azureCommunicationServicesUser: { id: 'acs1', azureCommunicationServicesResourceId: 'res1' },
        device: { __typename: 'Identity', id: 'd1', displayName: 'Device' },
        assertedIdentity: { __typename: 'CommunicationsPhoneIdentity', id: '+14255550199' },
        endpointType: 'SKYPE_FOR_BUSINESS_VOIP_PHONE',
      },
    });
  });
});

describe('call records', () => {
  it('maps a PSTN record with sessions, endpoints, user agents and media', async () => {
    const data = await run(
      testSchema({ records: { r: pstnRecord() } }),
      `{ callRecord(id: "r") {
        id version type modalities startDateTime endDateTime lastModifiedDateTime joinWebUrl
        organizer { id identity { user { id } phone { id displayName } } }
        sessions {
          id modalities isTest startDateTime
          caller {
            __typename
            userAgent { __typename headerValue ... on ClientUserAgent { platform productFamily } }
            ... on ParticipantEndpoint { name cpuCoresCount feedback { rating } associatedIdentity { __typename id ... on CommunicationsUserIdentity { userPrincipalName } } }
          }
          callee { __typename userAgent { __typename ... on ServiceUserAgent { role } } }
          segments {
            caller { __typename }
            callee { __typename userAgent { __typename } }
            media { label callerNetwork { connectionType wifiBand linkSpeed } streams { streamId streamDirection averageJitter averagePacketLossRate audioCodec } }
          }
        }
      } }`,
    );
    expect(data.callRecord).toEqual({
      id: 'c3ad8c4b-4a87-4ab1-bef0-284d2f40ed9f',
      version: 2,
      type: 'UNKNOWN',
      modalities: ['AUDIO'],
      startDateTime: '2023-09-25T14:03:36Z',
      endDateTime: '2023-09-25T14:03:40Z',
      lastModifiedDateTime: '2023-09-25T14:18:13Z',
      joinWebUrl: null,
      organizer: { id: '+5564981205182', identity: { user: null, phone: { id: '+5564981205182', displayName: null } } },
      sessions: [
        {
          id: 'e523d2ed-2966-4b6b-925b-754a88034cc5',
          modalities: ['AUDIO'],
          isTest: false,
          startDateTime: '2020-02-25T18:52:21.2169889Z',
          caller: {
            __typename: 'ParticipantEndpoint',
            userAgent: { __typename: 'ClientUserAgent', headerValue: 'RTCC/7.0.0.0', platform: 'MAC_OS', productFamily: 'TEAMS' },
            name: 'machineName_1',
            cpuCoresCount: 8,
            feedback: { rating: 'POOR' },
            associatedIdentity: {
              __typename: 'CommunicationsUserIdentity',
              id: '821809f5-0000-0000-0000-3b5136c0e777',
              userPrincipalName: 'abbie@contoso.com',
            },
          },
          callee: {
            __typename: 'ServiceEndpoint',
            userAgent: { __typename: 'ServiceUserAgent', role: 'SKYPE_FOR_BUSINESS_MICROSOFT_TEAMS_GATEWAY' },
          },
          segments: [
            {
              caller: { __typename: 'ParticipantEndpoint' },
              // No @odata.type anywhere: the endpoint is unknown, its agent's `role` still marks a service.
              callee: { __typename: 'UnknownEndpoint', userAgent: { __typename: 'ServiceUserAgent' } },
              media: [
                {
                  label: 'main-audio',
                  callerNetwork: { connectionType: 'WIFI', wifiBand: 'FREQUENCY_50_GHZ', linkSpeed: 10_000_000_000 },
                  streams: [
                    {
                      streamId: '1504545584',
                      streamDirection: 'CALLER_TO_CALLEE',
                      averageJitter: 'PT0.043S',
                      averagePacketLossRate: 0.01,
                      audioCodec: 'SATIN',
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
  });
});

describe('plugging into Apollo Server', () => {
  it('serves the built schema through ApolloServer', async () => {
    const server = new ApolloServer({ schema: testSchema({ calls: { c: groupCall({ id: 'c' }) } }) });
    await server.start();
    try {
      const response = await server.executeOperation({ query: '{ call(id: "c") { id state mediaConfig { __typename } } }' });
      expect(response.body.kind === 'single' && response.body.singleResult).toMatchObject({
        data: { call: { id: 'c', state: 'ESTABLISHED', mediaConfig: { __typename: 'ServiceHostedMediaConfig' } } },
      });
    } finally {
      await server.stop();
    }
  });
});
