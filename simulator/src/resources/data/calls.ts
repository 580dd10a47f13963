import type { Json, StoredCall } from '../store.js';
import { buildDirectory, type Person } from './directory.js';
import { Random } from './random.js';

const CALLBACK = 'https://bot.contoso.com/api/calls';

function identity(person: Person): Json {
  const slot = person.kind === 'bot' ? 'application' : person.kind;
  return {
    '@odata.type': '#microsoft.graph.identitySet',
    [slot]: { '@odata.type': '#microsoft.graph.identity', id: person.id, displayName: person.displayName, tenantId: person.tenantId },
  };
}

function info(person: Person, type: 'participantInfo' | 'invitationParticipantInfo'): Json {
  return { '@odata.type': `#microsoft.graph.${type}`, identity: identity(person), region: null, languageId: null };
}

function applicationInstance(rng: Random, bot: Person): Json {
  return {
    '@odata.type': '#microsoft.graph.invitationParticipantInfo',
    identity: {
      '@odata.type': '#microsoft.graph.identitySet',
      applicationInstance: {
        '@odata.type': '#microsoft.graph.identity',
        id: rng.guid(),
        displayName: bot.displayName,
        tenantId: bot.tenantId,
      },
    },
  };
}

function call(rng: Random, fields: Json, hosting: StoredCall['hosting']): StoredCall {
  const id = rng.guid();
  return {
    id,
    resource: {
      '@odata.type': '#microsoft.graph.call',
      id,
      callbackUri: CALLBACK,
      subject: null,
      chatInfo: null,
      meetingInfo: null,
      callOptions: null,
      myParticipantId: rng.guid(),
      callChainId: rng.guid(),
      resultInfo: null,
      toneInfo: null,
      transcription: null,
      callRoutes: [],
      ringingTimeoutInSeconds: null,
      answeredBy: null,
      activeModalities: [],
      routingPolicies: [],
      terminationReason: null,
      meetingCapability: null,
      ...fields,
    },
    hosting,
    muted: false,
    recordingStatus: 'notRecording',
    operations: new Map(),
    timers: new Set(),
  };
}

/**
 * A few live calls visible to every app: two established outgoing calls (a P2P call and a meeting join, both with
 * service-hosted media) and three incoming ones (a Teams user, a phone number to a resource account, and a group
 * call invitation) that can be answered, rejected or redirected.
 */
export function generateCalls(seed: number): StoredCall[] {
  const dir = buildDirectory(seed);
  const rng = new Random(seed, 0xca11);
  const bot = dir.bots[0] as Person;
  const media = { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig', preFetchMedia: [] };
  const user = () => rng.pick(dir.users);
  const threadId = `19:meeting_${rng.guid().replaceAll('-', '')}@thread.v2`;
  const organizer = user();
  const calls: StoredCall[] = [
    call(
      rng,
      {
        state: 'established',
        direction: 'outgoing',
        source: info(bot, 'participantInfo'),
        targets: [info(user(), 'invitationParticipantInfo')],
        requestedModalities: ['audio'],
        mediaConfig: media,
        mediaState: { audio: 'active' },
        tenantId: dir.tenantId,
        incomingContext: null,
      },
      'serviceHosted',
    ),
    call(
      rng,
      {
        state: 'established',
        direction: 'outgoing',
        source: info(bot, 'participantInfo'),
        targets: [],
        requestedModalities: ['audio'],
        mediaConfig: media,
        mediaState: { audio: 'active' },
        chatInfo: { '@odata.type': '#microsoft.graph.chatInfo', threadId, messageId: '0', replyChainMessageId: null },
        meetingInfo: {
          '@odata.type': '#microsoft.graph.organizerMeetingInfo',
          organizer: identity(organizer),
          allowConversationWithoutHost: true,
        },
        tenantId: dir.tenantId,
        incomingContext: null,
      },
      'serviceHosted',
    ),
  ];
  const incoming = (source: Person, target: Json, extra: Json = {}): StoredCall => {
    const c = call(
      rng,
      {
        state: 'incoming',
        direction: 'incoming',
        source: info(source, 'participantInfo'),
        targets: [target],
        requestedModalities: ['audio'],
        mediaConfig: null,
        mediaState: null,
        tenantId: dir.tenantId,
        ...extra,
      },
      'none',
    );
    c.resource['incomingContext'] = {
      sourceParticipantId: rng.guid(),
      observedParticipantId: c.resource['myParticipantId'],
      onBehalfOf: null,
      transferor: null,
    };
    return c;
  };
  calls.push(incoming(user(), info(bot, 'invitationParticipantInfo')));
  calls.push(incoming(rng.pick(dir.phones), applicationInstance(rng, bot)));
  calls.push(
    incoming(user(), info(bot, 'invitationParticipantInfo'), {
      requestedModalities: ['audio', 'video'],
      chatInfo: {
        '@odata.type': '#microsoft.graph.chatInfo',
        threadId: `19:${rng.guid().replaceAll('-', '')}@thread.v2`,
        messageId: '0',
        replyChainMessageId: null,
      },
    }),
  );
  return calls;
}
