import { badUserInput } from '../errors/index.js';
import type { CreateCallInput } from '../generated/graphql.js';
import { callbackUriOrDefault } from './callbackUri.js';
import { checkGuid, checkLength } from './inputChecks.js';
import { toMediaConfig } from './mediaBodies.js';
import { checkIdentitySet, checkTarget, identitySet, invitation, setSlots } from './participantBodies.js';

/**
 * Turns a CreateCallInput into Graph's create-call body (Graph docs: Create call), refusing, before anything is
 * sent, every combination Graph would refuse or that would place a call nobody meant. Each error names
 * the input field at fault. `defaultCallbackUrl` (the gateway's own callback endpoint) stands in for an absent
 * `callbackUri`; without it, `callbackUri` is required.
 */
export function toCreateCallBody(input: CreateCallInput, defaultCallbackUrl?: string): Record<string, unknown> {
  const targets = input.targets ?? [];
  const meeting = input.meetingInfo ?? undefined;
  const sourceIdentity = input.source?.identity;

  const callbackUri = callbackUriOrDefault(input.callbackUri, defaultCallbackUrl, 'input.callbackUri');
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

  if (input.mediaConfig.appHosted && !sourceIdentity) throw badUserInput('input.source is required with app-hosted media', 'input.source');
  const mediaConfig = toMediaConfig(input.mediaConfig, 'input.mediaConfig');

  const body: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.call',
    callbackUri,
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
