import type { Route, SimRequest } from '../types.js';
import { badRequest, describe, forbidden } from './errors.js';
import { hostingOf } from './data/fixtures.js';
import { callNotFound, callProperties, establishLater, endLater, newId, renderCall, visibleCall, type CallDeps } from './callModel.js';
import { readQueryOptions } from './odata/query.js';
import { applySelect, parseSelect, selectContext } from './odata/select.js';
import { ANY_CALLS_PERMISSION, CREATE_CALL_PERMISSIONS, Permission } from './roles.js';
import type { Json, StoredCall } from './store.js';
import {
  callbackUrl,
  identitySet,
  invitationParticipantInfo,
  isObject,
  mediaConfig,
  modalities,
  odataType,
  optionalBoolean,
  optionalObject,
  optionalString,
  participantInfo,
  requireBody,
  requireObject,
  requireString,
} from './validate.js';

/** Graph's limit for an outgoing group call without a meeting: five VoIP targets (Graph docs: Create call). */
export const GROUP_CALL_MAX_TARGETS = 5;

const MEETING_INFO_TYPES = [
  '#microsoft.graph.organizerMeetingInfo',
  '#microsoft.graph.joinMeetingIdMeetingInfo',
  '#microsoft.graph.tokenMeetingInfo',
];
const CALL_OPTION_FLAGS = [
  'hideBotAfterEscalation',
  'isContentSharingNotificationEnabled',
  'isDeltaRosterEnabled',
  'isInteractiveRosterEnabled',
];

type CallKind = 'peerToPeer' | 'group' | 'meeting';

interface ValidCall {
  kind: CallKind;
  body: Json;
  hosting: 'serviceHosted' | 'appHosted';
}

function validateMeeting(body: Json): void {
  const meeting = requireObject(body['meetingInfo'], 'meetingInfo');
  const type = odataType(meeting, 'meetingInfo', MEETING_INFO_TYPES, true);
  if (type === '#microsoft.graph.organizerMeetingInfo') {
    const organizer = identitySet(meeting['organizer'], 'meetingInfo.organizer', false);
    if (!isObject(organizer['user'])) {
      throw badRequest("Invalid request body: 'meetingInfo.organizer.user' is required to join a meeting by its organizer.");
    }
    if (body['chatInfo'] === undefined || body['chatInfo'] === null) {
      throw badRequest(
        "Invalid request body: 'chatInfo' (threadId and messageId of the meeting chat) is required with an organizerMeetingInfo.",
      );
    }
  } else if (type === '#microsoft.graph.joinMeetingIdMeetingInfo') {
    requireString(meeting['joinMeetingId'], 'meetingInfo.joinMeetingId');
    optionalString(meeting['passcode'], 'meetingInfo.passcode');
  } else {
    requireString(meeting['token'], 'meetingInfo.token');
  }
  requireString(body['tenantId'], 'tenantId');
}

/** Validates a create-call body the way Graph refuses it (Graph docs: call resource, Create call). */
export function validateCreateCall(req: SimRequest): ValidCall {
  const body = requireBody(req.body, 'create call');
  if (req.body === undefined || req.body === null) throw badRequest('Invalid request body for create call: a call object is required.');
  odataType(body, 'the call', ['#microsoft.graph.call'], false);
  if (body['direction'] !== undefined && body['direction'] !== 'outgoing') {
    throw badRequest(`Invalid request body: 'direction' of a created call can only be 'outgoing', got ${describe(body['direction'])}.`);
  }
  callbackUrl(body['callbackUri'], 'callbackUri');
  const config = mediaConfig(body['mediaConfig'], 'mediaConfig');
  modalities(body['requestedModalities'], 'requestedModalities', req.version);
  optionalString(body['subject'], 'subject');
  optionalString(body['tenantId'], 'tenantId');
  const source = body['source'] === undefined || body['source'] === null ? undefined : participantInfo(body['source'], 'source', false);
  const options = optionalObject(body['callOptions'], 'callOptions');
  if (options) {
    odataType(options, 'callOptions', ['#microsoft.graph.outgoingCallOptions'], true);
    for (const flag of CALL_OPTION_FLAGS) optionalBoolean(options[flag], `callOptions.${flag}`);
  }
  const chat = optionalObject(body['chatInfo'], 'chatInfo');
  if (chat) {
    requireString(chat['threadId'], 'chatInfo.threadId');
    optionalString(chat['messageId'], 'chatInfo.messageId');
    optionalString(chat['replyChainMessageId'], 'chatInfo.replyChainMessageId');
  }
  const targetsValue = body['targets'] ?? [];
  if (!Array.isArray(targetsValue)) throw badRequest(`Invalid request body: 'targets' must be an array, got ${describe(targetsValue)}.`);
  const targets = targetsValue.map((t, i) => invitationParticipantInfo(t, `targets[${i}]`));
  const hasMeeting = body['meetingInfo'] !== undefined && body['meetingInfo'] !== null;
  if (hasMeeting) validateMeeting(body);
  else if (targets.length === 0) {
    throw badRequest("Invalid request body: a call needs at least one target in 'targets', or 'meetingInfo' to join a meeting.");
  }
  if (!hasMeeting && targets.length > GROUP_CALL_MAX_TARGETS) {
    throw badRequest(`Invalid request body: a group call can invite at most ${GROUP_CALL_MAX_TARGETS} targets, got ${targets.length}.`);
  }
  const phoneTargets = targets.filter((t) => isObject((t['identity'] as Json)['phone']));
  if (phoneTargets.length > 0) {
    const instance = source ? (source['identity'] as Json)['applicationInstance'] : undefined;
    if (!isObject(instance)) {
      throw badRequest(
        "Invalid request body: calling a phone number needs 'source.identity.applicationInstance' (a resource account with a phone number).",
      );
    }
    requireString(body['tenantId'], 'tenantId');
  }
  const kind: CallKind = hasMeeting ? 'meeting' : targets.length > 1 ? 'group' : 'peerToPeer';
  return { kind, body, hosting: hostingOf(config) === 'appHosted' ? 'appHosted' : 'serviceHosted' };
}

/** The permission each kind of call needs (Graph docs: call actions, Create call); app-hosted media also needs Calls.AccessMedia.All. */
function checkPermissions(req: SimRequest, call: ValidCall): void {
  const roles = req.app.roles;
  const needed: Record<CallKind, readonly string[]> = {
    peerToPeer: [Permission.CallsInitiate, Permission.CallsInitiateGroupCall],
    group: [Permission.CallsInitiateGroupCall],
    meeting: [Permission.CallsJoinGroupCall, Permission.CallsJoinGroupCallAsGuest, Permission.CallsInitiateGroupCall],
  };
  if (!needed[call.kind].some((r) => roles.includes(r))) {
    throw forbidden(`Creating a ${call.kind} call requires one of the application permissions ${needed[call.kind].join(', ')}.`);
  }
  if (call.hosting === 'appHosted' && !roles.includes(Permission.CallsAccessMedia)) {
    throw forbidden(`A call with app-hosted media requires the application permission ${Permission.CallsAccessMedia}.`);
  }
}

function defaultSource(req: SimRequest): Json {
  return {
    '@odata.type': '#microsoft.graph.participantInfo',
    identity: {
      '@odata.type': '#microsoft.graph.identitySet',
      application: { '@odata.type': '#microsoft.graph.identity', id: req.app.appId, displayName: null },
    },
    region: null,
    languageId: null,
  };
}

function createdCall(req: SimRequest, valid: ValidCall): StoredCall {
  const b = valid.body;
  const id = newId();
  const resource: Json = {
    '@odata.type': '#microsoft.graph.call',
    id,
    state: 'establishing',
    direction: 'outgoing',
    callbackUri: b['callbackUri'],
    subject: b['subject'] ?? null,
    source: b['source'] ?? defaultSource(req),
    targets: b['targets'] ?? [],
    requestedModalities: b['requestedModalities'] ?? ['audio'],
    mediaConfig: b['mediaConfig'],
    chatInfo: b['chatInfo'] ?? null,
    meetingInfo: b['meetingInfo'] ?? null,
    tenantId: b['tenantId'] ?? req.app.tenantId,
    callOptions: b['callOptions'] ?? null,
    myParticipantId: newId(),
    callChainId: newId(),
    mediaState: null,
    resultInfo: null,
    toneInfo: null,
    transcription: null,
    incomingContext: null,
    callRoutes: [],
    ringingTimeoutInSeconds: typeof b['ringingTimeoutInSeconds'] === 'number' ? b['ringingTimeoutInSeconds'] : null,
    answeredBy: null,
    activeModalities: [],
    routingPolicies: Array.isArray(b['routingPolicies']) ? b['routingPolicies'] : [],
    terminationReason: null,
    meetingCapability: null,
  };
  return {
    id,
    ownerAppId: req.app.appId,
    resource,
    hosting: valid.hosting,
    muted: false,
    recordingStatus: 'notRecording',
    operations: new Map(),
    timers: new Set(),
  };
}

export function createCallRoutes(deps: CallDeps): Route[] {
  const entityContext = (req: SimRequest, select?: readonly string[]) =>
    `${req.baseUrl}/$metadata#communications/calls${selectContext(select)}/$entity`;

  const list: Route = {
    method: 'GET',
    pattern: '/communications/calls',
    name: 'calls.list',
    anyOfRoles: ANY_CALLS_PERMISSION,
    throttleKeys: () => ['calls'],
    handle(req) {
      const opts = readQueryOptions(req, ['$select'], 'the calls collection');
      const select = parseSelect(opts.get('$select'), callProperties(req), 'microsoft.graph.call');
      const value = deps.calls
        .all()
        .filter((c) => visibleCall(deps, req, c.id, false))
        .map((c) => applySelect(renderCall(req, c), select));
      return { status: 200, body: { '@odata.context': `${req.baseUrl}/$metadata#communications/calls${selectContext(select)}`, value } };
    },
  };

  const get: Route = {
    method: 'GET',
    pattern: '/communications/calls/{id}',
    name: 'calls.get',
    anyOfRoles: ANY_CALLS_PERMISSION,
    throttleKeys: () => ['calls'],
    handle(req, params) {
      const opts = readQueryOptions(req, ['$select'], 'a call');
      const select = parseSelect(opts.get('$select'), callProperties(req), 'microsoft.graph.call');
      const id = params['id'] ?? '';
      const call = visibleCall(deps, req, id, false) ?? callNotFound(id);
      return { status: 200, body: { '@odata.context': entityContext(req, select), ...applySelect(renderCall(req, call), select) } };
    },
  };

  const create: Route = {
    method: 'POST',
    pattern: '/communications/calls',
    name: 'calls.create',
    anyOfRoles: CREATE_CALL_PERMISSIONS,
    throttleKeys: () => ['calls'],
    handle(req) {
      readQueryOptions(req, [], 'create call');
      const valid = validateCreateCall(req);
      checkPermissions(req, valid);
      const call = createdCall(req, valid);
      deps.calls.put(call);
      establishLater(deps, call);
      return {
        status: 201,
        headers: { Location: `${req.baseUrl}/communications/calls/${call.id}` },
        body: { '@odata.context': entityContext(req), ...renderCall(req, call) },
      };
    },
  };

  const hangUp: Route = {
    method: 'DELETE',
    pattern: '/communications/calls/{id}',
    name: 'calls.delete',
    anyOfRoles: ANY_CALLS_PERMISSION,
    throttleKeys: () => ['calls'],
    handle(req, params) {
      const id = params['id'] ?? '';
      const call = visibleCall(deps, req, id, true) ?? callNotFound(id);
      endLater(deps, call, 'terminating', { code: 200, subcode: 5001, message: 'The conversation has ended.' });
      return { status: 204 };
    },
  };

  const operation: Route = {
    method: 'GET',
    pattern: '/communications/calls/{id}/operations/{operationId}',
    name: 'calls.operations.get',
    anyOfRoles: ANY_CALLS_PERMISSION,
    throttleKeys: () => ['calls'],
    handle(req, params) {
      readQueryOptions(req, [], 'an operation');
      const id = params['id'] ?? '';
      const call = visibleCall(deps, req, id, true) ?? callNotFound(id);
      const opId = params['operationId'] ?? '';
      const op = call.operations.get(opId);
      if (!op) callNotFound(`${id}/operations/${opId}`);
      return {
        status: 200,
        body: { '@odata.context': `${req.baseUrl}/$metadata#communications/calls('${id}')/operations/$entity`, ...op },
      };
    },
  };

  return [list, get, create, hangUp, operation];
}
