/** Create-call bodies shaped like the nine variants of Graph's "Create call" page (Graph docs: Create call). */

const CALLBACK = 'https://bot.contoso.com/callback';
const TENANT = 'aa67bd4c-8475-432d-bd41-39f255720e0a';
const serviceMedia = { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' };
const appMedia = { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: '<Media Session Configuration>' };
const botSource = {
  '@odata.type': '#microsoft.graph.participantInfo',
  identity: {
    '@odata.type': '#microsoft.graph.identitySet',
    application: { '@odata.type': '#microsoft.graph.identity', displayName: 'TestBot', id: 'dd3885da-f9ab-486b-bfae-85de3d445555' },
  },
};
const user = (id: string, displayName: string) => ({
  '@odata.type': '#microsoft.graph.invitationParticipantInfo',
  identity: { '@odata.type': '#microsoft.graph.identitySet', user: { '@odata.type': '#microsoft.graph.identity', displayName, id } },
});
const chatInfo = {
  '@odata.type': '#microsoft.graph.chatInfo',
  threadId: '19:meeting_Mjk4YzE3ZjQtZjAxYS00ZTY2LTg4NDItNmNiMWI4NDUwMmRk@thread.v2',
  messageId: '0',
};
const organizerMeeting = {
  '@odata.type': '#microsoft.graph.organizerMeetingInfo',
  organizer: {
    '@odata.type': '#microsoft.graph.identitySet',
    user: { '@odata.type': '#microsoft.graph.identity', id: '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96', tenantId: TENANT, displayName: 'Bob' },
  },
  allowConversationWithoutHost: true,
};
const pstn = (media: object) => ({
  '@odata.type': '#microsoft.graph.call',
  callbackUri: CALLBACK,
  source: {
    '@odata.type': '#microsoft.graph.participantInfo',
    identity: {
      '@odata.type': '#microsoft.graph.identitySet',
      applicationInstance: {
        '@odata.type': '#microsoft.graph.identity',
        displayName: 'Calling Bot',
        id: '3d913abb-aec0-4964-8fa6-3c6850c4f278',
      },
    },
    countryCode: null,
    endpointType: null,
    region: null,
    languageId: null,
  },
  targets: [
    {
      '@odata.type': '#microsoft.graph.invitationParticipantInfo',
      identity: {
        '@odata.type': '#microsoft.graph.identitySet',
        phone: { '@odata.type': '#microsoft.graph.identity', id: '+12345678901' },
      },
    },
  ],
  requestedModalities: ['audio'],
  mediaConfig: media,
  tenantId: TENANT,
});

export const CREATE_VARIANTS: Record<string, Record<string, unknown>> = {
  'peer-to-peer VoIP with service-hosted media': {
    '@odata.type': '#microsoft.graph.call',
    callbackUri: CALLBACK,
    targets: [user('8e2d2d60-6d6a-4df3-9f4b-e0e1a6a1e8c3', 'John')],
    requestedModalities: ['audio'],
    callOptions: { '@odata.type': '#microsoft.graph.outgoingCallOptions', isContentSharingNotificationEnabled: true },
    mediaConfig: serviceMedia,
  },
  'peer-to-peer VoIP with app-hosted media': {
    '@odata.type': '#microsoft.graph.call',
    callbackUri: CALLBACK,
    source: botSource,
    targets: [user('8e2d2d60-6d6a-4df3-9f4b-e0e1a6a1e8c3', 'John')],
    requestedModalities: ['audio'],
    mediaConfig: appMedia,
  },
  'group call with service-hosted media': {
    '@odata.type': '#microsoft.graph.call',
    direction: 'outgoing',
    subject: 'Create a group call with service hosted media',
    callbackUri: CALLBACK,
    source: botSource,
    targets: [user('98da8a1a-1b87-452c-a713-65d3f10b5555', 'user1'), user('bf5aae9a-d11d-47a8-93b1-782504c95555', 'user2')],
    requestedModalities: ['audio'],
    mediaConfig: { ...serviceMedia, removeFromDefaultAudioGroup: false },
  },
  'group call with app-hosted media': {
    '@odata.type': '#microsoft.graph.call',
    direction: 'outgoing',
    subject: 'Create a group call with app hosted media',
    callbackUri: CALLBACK,
    source: botSource,
    targets: [user('98da8a1a-1b87-452c-a713-65d3f10b5555', 'user1'), user('bf5aae9a-d11d-47a8-93b1-782504c95555', 'user2')],
    requestedModalities: ['audio'],
    mediaConfig: { ...appMedia, removeFromDefaultAudioGroup: false },
  },
  'join a scheduled meeting with service-hosted media': {
    '@odata.type': '#microsoft.graph.call',
    callbackUri: CALLBACK,
    requestedModalities: ['audio'],
    mediaConfig: {
      ...serviceMedia,
      preFetchMedia: [{ uri: 'https://cdn.contoso.com/beep.wav', resourceId: 'f8971b04-b53e-418c-9222-c82ce681a582' }],
    },
    chatInfo,
    meetingInfo: organizerMeeting,
    tenantId: TENANT,
  },
  'join a scheduled meeting with app-hosted media': {
    '@odata.type': '#microsoft.graph.call',
    callbackUri: CALLBACK,
    requestedModalities: ['audio'],
    mediaConfig: appMedia,
    chatInfo,
    meetingInfo: organizerMeeting,
    tenantId: TENANT,
  },
  'join a meeting by join meeting id and passcode': {
    '@odata.type': '#microsoft.graph.call',
    callbackUri: CALLBACK,
    requestedModalities: ['audio'],
    mediaConfig: { ...serviceMedia, preFetchMedia: [] },
    meetingInfo: { '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo', joinMeetingId: '1234567', passcode: 'psw123' },
    tenantId: TENANT,
  },
  'peer-to-peer PSTN call with service-hosted media': pstn({ ...serviceMedia }),
  'peer-to-peer PSTN call with app-hosted media': pstn({ ...appMedia }),
};

export const P2P = CREATE_VARIANTS['peer-to-peer VoIP with service-hosted media'] as Record<string, unknown>;
