import { badUserInput } from '../errors/index.js';
import type { CreateCallInput, IdentitySetInput, InvitationParticipantInfoInput, MediaInfoInput } from '../generated/graphql.js';

/**
 * Turns a CreateCallInput into Graph's create-call body (Graph docs: Create call), refusing, before anything is
 * sent, every combination Graph would refuse or that would place a call nobody meant. Each error names
 * the input field at fault.
 */
export function toCreateCallBody(input: CreateCallInput): Record<string, unknown> {
  const targets = input.targets ?? [];
  const meeting = input.meetingInfo ?? undefined;
  const sourceIdentity = input.source?.identity;

  checkHttpsUrl(input.callbackUri, 'input.callbackUri');
  if (input.subject !== null && input.subject !== undefined) checkLength(input.subject, 1, 1024, 'input.subject');
  if (input.tenantId !== null && input.tenantId !== undefined) checkGuid(input.tenantId, 'input.tenantId');

  const modalities = input.requestedModalities ?? ['audio'];
  if (modalities.length === 0) throw badUserInput('input.requestedModalities must name at least one modality', 'input.requestedModalities');
  if (modalities.some((m) => (m as string) === 'unknownFutureValue')) {
    throw badUserInput('input.requestedModalities cannot contain UNKNOWN_FUTURE_VALUE', 'input.requestedModalities');
  }
  if (new Set(modalities).size !== modalities.length)
    throw badUserInput('input.requestedModalities has duplicates', 'input.requestedModalities');

  if (sourceIdentity) {
    const slots = setSlots(sourceIdentity);
    if (slots.length !== 1 || (slots[0] !== 'application' && slots[0] !== 'applicationInstance')) {
      throw badUserInput('input.source.identity must set exactly one of application or applicationInstance', 'input.source.identity');
    }
    checkIdentitySet(sourceIdentity, 'input.source.identity');
  }

  targets.forEach((target, i) => checkTarget(target, `input.targets[${i}]`));
  const phoneTargets = targets.filter((t) => t.identity.phone);

  if (meeting) {
    if (targets.length > 0)
      throw badUserInput('input.targets must be empty when joining a meeting (input.meetingInfo is set)', 'input.targets');
    if (meeting.organizer) {
      if (!input.chatInfo) throw badUserInput('input.chatInfo is required to join a meeting by its organizer', 'input.chatInfo');
      if (!input.tenantId) throw badUserInput('input.tenantId is required to join a meeting', 'input.tenantId');
      checkIdentitySet(meeting.organizer.organizer, 'input.meetingInfo.organizer.organizer');
      if (!meeting.organizer.organizer.user) {
        throw badUserInput(
          'input.meetingInfo.organizer.organizer.user is required: the organizer is a user',
          'input.meetingInfo.organizer.organizer.user',
        );
      }
    } else if (meeting.joinMeetingId) {
      if (input.chatInfo) throw badUserInput('input.chatInfo must be absent when joining by meeting id', 'input.chatInfo');
      if (!input.tenantId) throw badUserInput('input.tenantId is required to join a meeting', 'input.tenantId');
      if (!/^[0-9]{6,20}$/.test(meeting.joinMeetingId.joinMeetingId)) {
        throw badUserInput(
          "input.meetingInfo.joinMeetingId.joinMeetingId must be the meeting's numeric id",
          'input.meetingInfo.joinMeetingId.joinMeetingId',
        );
      }
      if (meeting.joinMeetingId.passcode !== null && meeting.joinMeetingId.passcode !== undefined) {
        checkLength(meeting.joinMeetingId.passcode, 1, 64, 'input.meetingInfo.joinMeetingId.passcode');
      }
    } else if (meeting.token) {
      checkLength(meeting.token.token, 1, 16_384, 'input.meetingInfo.token.token');
    } else {
      throw badUserInput('input.meetingInfo must set one of organizer, joinMeetingId or token', 'input.meetingInfo');
    }
  } else {
    if (targets.length === 0)
      throw badUserInput('input.targets must name at least one participant, or set input.meetingInfo to join a meeting', 'input.targets');
    if (input.chatInfo) throw badUserInput('input.chatInfo is only meaningful with input.meetingInfo', 'input.chatInfo');
    if (targets.length > 5)
      throw badUserInput(`input.targets allows at most 5 participants in a group call, got ${targets.length}`, 'input.targets');
    if (targets.length > 1 && !sourceIdentity?.application) {
      throw badUserInput('input.source.identity.application is required for a group call (two or more targets)', 'input.source');
    }
    if (phoneTargets.length > 0) {
      if (targets.length > 1)
        throw badUserInput('a phone number can only be called peer-to-peer: give exactly one target', 'input.targets');
      if (!sourceIdentity?.applicationInstance) {
        throw badUserInput('input.source.identity.applicationInstance is required to call a phone number', 'input.source');
      }
      if (!input.tenantId) throw badUserInput('input.tenantId is required to call a phone number', 'input.tenantId');
    }
  }
  if (sourceIdentity?.applicationInstance && phoneTargets.length === 0 && !meeting) {
    // An application instance originates PSTN calls; for VoIP calls Graph expects the application.
    throw badUserInput(
      'input.source.identity.applicationInstance is for calls to phone numbers; use application for VoIP calls',
      'input.source',
    );
  }

  const media = input.mediaConfig;
  let mediaConfig: Record<string, unknown>;
  if (media.appHosted) {
    checkLength(media.appHosted.blob, 1, 65_536, 'input.mediaConfig.appHosted.blob');
    if (!sourceIdentity) throw badUserInput('input.source is required with app-hosted media', 'input.source');
    mediaConfig = { '@odata.type': '#microsoft.graph.appHostedMediaConfig', blob: media.appHosted.blob };
  } else if (media.serviceHosted) {
    const prefetch = media.serviceHosted.preFetchMedia ?? [];
    if (prefetch.length > 20)
      throw badUserInput(
        `input.mediaConfig.serviceHosted.preFetchMedia allows at most 20 files, got ${prefetch.length}`,
        'input.mediaConfig.serviceHosted.preFetchMedia',
      );
    prefetch.forEach((file, i) => checkHttpsUrl(file.uri, `input.mediaConfig.serviceHosted.preFetchMedia[${i}].uri`));
    mediaConfig = { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig', preFetchMedia: prefetch.map(mediaInfo) };
  } else {
    throw badUserInput('input.mediaConfig must set serviceHosted or appHosted', 'input.mediaConfig');
  }

  const body: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.call',
    callbackUri: input.callbackUri,
    requestedModalities: modalities,
    mediaConfig,
  };
  if (targets.length > 1) body['direction'] = 'outgoing';
  if (input.subject) body['subject'] = input.subject;
  if (input.tenantId) body['tenantId'] = input.tenantId;
  if (sourceIdentity) body['source'] = { '@odata.type': '#microsoft.graph.participantInfo', identity: identitySet(sourceIdentity) };
  if (!meeting) body['targets'] = targets.map(invitation);
  if (meeting?.organizer) {
    body['meetingInfo'] = {
      '@odata.type': '#microsoft.graph.organizerMeetingInfo',
      organizer: identitySet(meeting.organizer.organizer),
      ...(typeof meeting.organizer.allowConversationWithoutHost === 'boolean'
        ? { allowConversationWithoutHost: meeting.organizer.allowConversationWithoutHost }
        : {}),
    };
  } else if (meeting?.joinMeetingId) {
    body['meetingInfo'] = {
      '@odata.type': '#microsoft.graph.joinMeetingIdMeetingInfo',
      joinMeetingId: meeting.joinMeetingId.joinMeetingId,
      passcode: meeting.joinMeetingId.passcode ?? null,
    };
  } else if (meeting?.token) {
    body['meetingInfo'] = { '@odata.type': '#microsoft.graph.tokenMeetingInfo', token: meeting.token.token };
  }
  if (input.chatInfo) {
    const { threadId, messageId, replyChainMessageId } = input.chatInfo;
    if (!/^19:[^\s]{1,500}@thread\.(v2|skype|tacv2)$/.test(threadId)) {
      throw badUserInput('input.chatInfo.threadId must be a Teams thread id like 19:meeting_...@thread.v2', 'input.chatInfo.threadId');
    }
    body['chatInfo'] = {
      '@odata.type': '#microsoft.graph.chatInfo',
      threadId,
      messageId: messageId ?? '0',
      replyChainMessageId: replyChainMessageId ?? null,
    };
  }
  if (input.callOptions) {
    const options = Object.fromEntries(Object.entries(input.callOptions).filter(([, v]) => typeof v === 'boolean'));
    body['callOptions'] = { '@odata.type': '#microsoft.graph.outgoingCallOptions', ...options };
  }
  return body;
}

const SLOTS = ['user', 'application', 'applicationInstance', 'phone', 'guest'] as const;
type Slot = (typeof SLOTS)[number];

function setSlots(identity: IdentitySetInput): Slot[] {
  return SLOTS.filter((slot) => identity[slot] !== null && identity[slot] !== undefined);
}

function checkTarget(target: InvitationParticipantInfoInput, field: string): void {
  const slots = setSlots(target.identity);
  if (slots.length !== 1) throw badUserInput(`${field}.identity must set exactly one of ${SLOTS.join(', ')}`, `${field}.identity`);
  checkIdentitySet(target.identity, `${field}.identity`);
  if (target.replacesCallId !== null && target.replacesCallId !== undefined) checkGuid(target.replacesCallId, `${field}.replacesCallId`);
}

function checkIdentitySet(identity: IdentitySetInput, field: string): void {
  if (setSlots(identity).length === 0) throw badUserInput(`${field} must set one identity`, field);
  for (const slot of ['user', 'application', 'applicationInstance'] as const) {
    const value = identity[slot];
    if (!value) continue;
    checkGuid(value.id, `${field}.${slot}.id`);
    if (value.tenantId !== null && value.tenantId !== undefined) checkGuid(value.tenantId, `${field}.${slot}.tenantId`);
    if (value.displayName !== null && value.displayName !== undefined)
      checkLength(value.displayName, 1, 256, `${field}.${slot}.displayName`);
  }
  if (identity.phone && !/^\+[1-9][0-9]{6,14}$/.test(identity.phone.id)) {
    throw badUserInput(
      `${field}.phone.id must be an E.164 phone number like +14255550100, got ${JSON.stringify(identity.phone.id.slice(0, 40))}`,
      `${field}.phone.id`,
    );
  }
  if (identity.guest) {
    checkLength(identity.guest.displayName, 1, 256, `${field}.guest.displayName`);
    if (identity.guest.id !== null && identity.guest.id !== undefined) checkGuid(identity.guest.id, `${field}.guest.id`);
  }
}

function identitySet(identity: IdentitySetInput): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.type': '#microsoft.graph.identitySet' };
  for (const slot of SLOTS) {
    const value = identity[slot];
    if (!value) continue;
    const entry: Record<string, unknown> = { '@odata.type': '#microsoft.graph.identity' };
    for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) entry[key] = v;
    out[slot] = entry;
  }
  return out;
}

function invitation(target: InvitationParticipantInfoInput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.invitationParticipantInfo',
    identity: identitySet(target.identity),
  };
  if (target.replacesCallId) out['replacesCallId'] = target.replacesCallId;
  if (typeof target.hidden === 'boolean') out['hidden'] = target.hidden;
  if (typeof target.removeFromDefaultAudioRoutingGroup === 'boolean')
    out['removeFromDefaultAudioRoutingGroup'] = target.removeFromDefaultAudioRoutingGroup;
  return out;
}

function mediaInfo(file: MediaInfoInput): Record<string, unknown> {
  return { uri: file.uri, ...(file.resourceId ? { resourceId: file.resourceId } : {}) };
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function checkGuid(value: string, field: string): void {
  if (!GUID.test(value))
    throw badUserInput(
      `${field} must be a GUID like 8b081ef6-4792-4def-b2c9-c363a1bf41d5, got ${JSON.stringify(value.slice(0, 64))}`,
      field,
    );
}

function checkLength(value: string, min: number, max: number, field: string): void {
  if (value.length < min || value.length > max)
    throw badUserInput(`${field} must be ${min} to ${max} characters, got ${value.length}`, field);
}

function checkHttpsUrl(value: string, field: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || value.length > 2048 || url.username || url.password) {
    throw badUserInput(`${field} must be an https URL without credentials, got ${JSON.stringify(value.slice(0, 80))}`, field);
  }
}
