/**
 * A call's roster (CALLS-LIVE.md 2.2): list and get, invite, server mute, removal and hold music. Every
 * change is followed by a roster notification carrying the whole roster.
 */
import type { Route, SimRequest } from '../types.js';
import { callNotFound, stateOf, visibleCall, type CallDeps } from './callModel.js';
import { liveOf, notifyRoster, participantFrom, rosterOf } from './callNotifications.js';
import { badRequest, describe, notFound } from './errors.js';
import { readQueryOptions } from './odata/query.js';
import { startOperation } from './operations.js';
import { ANY_CALLS_PERMISSION } from './roles.js';
import type { Json, StoredCall } from './store.js';
import { clientContext, invitationParticipantInfo, isObject, onlyParameters, prompts, requireBody } from './validate.js';

/** Graph invites at most five participants at once (participant: invite). */
export const INVITE_MAX_PARTICIPANTS = 5;

function liveCall(deps: CallDeps, req: SimRequest, id: string): StoredCall {
  return visibleCall(deps, req, id, true) ?? callNotFound(id);
}

function requireEstablished(call: StoredCall, action: string): void {
  const state = stateOf(call);
  if (state !== 'established') {
    throw badRequest(`The action '${action}' is not valid for a call in state '${state}'; it needs a call in state 'established'.`);
  }
}

/** A group call: a meeting, or an outgoing call with more than one target. */
function isGroupCall(call: StoredCall): boolean {
  const targets = call.resource['targets'];
  return isObject(call.resource['meetingInfo']) || isObject(call.resource['chatInfo']) || (Array.isArray(targets) && targets.length > 1);
}

function participantNotFound(callId: string, pid: string): never {
  throw notFound(`The participant '${pid}' is not in the roster of call '${callId}'.`);
}

/** Another participant (not the bot itself), or 404. */
function otherParticipant(call: StoredCall, pid: string): Json {
  return liveOf(call).others.find((p) => p['id'] === pid) ?? participantNotFound(call.id, pid);
}

export function createParticipantRoutes(deps: CallDeps): Route[] {
  const route = (method: Route['method'], suffix: string, name: string, handle: Route['handle']): Route => ({
    method,
    pattern: `/communications/calls/{id}/participants${suffix}`,
    name: `calls.participants.${name}`,
    anyOfRoles: ANY_CALLS_PERMISSION,
    throttleKeys: () => ['calls'],
    handle,
  });
  const actionBody = (req: SimRequest, action: string, parameters: readonly string[]): Json => {
    readQueryOptions(req, [], action);
    const body = requireBody(req.body, action);
    onlyParameters(body, parameters, action);
    return body;
  };

  return [
    route('GET', '', 'list', (req, params) => {
      readQueryOptions(req, [], "a call's participants");
      const id = params['id'] ?? '';
      const call = liveCall(deps, req, id);
      return {
        status: 200,
        body: { '@odata.context': `${req.baseUrl}/$metadata#communications/calls('${id}')/participants`, value: rosterOf(call) },
      };
    }),
    route('GET', '/{pid}', 'get', (req, params) => {
      readQueryOptions(req, [], 'a participant');
      const id = params['id'] ?? '';
      const pid = params['pid'] ?? '';
      const call = liveCall(deps, req, id);
      const found = rosterOf(call).find((p) => p['id'] === pid) ?? participantNotFound(id, pid);
      return {
        status: 200,
        body: { '@odata.context': `${req.baseUrl}/$metadata#communications/calls('${id}')/participants/$entity`, ...found },
      };
    }),
    route('POST', '/invite', 'invite', (req, params) => {
      const call = liveCall(deps, req, params['id'] ?? '');
      const body = actionBody(req, 'invite', ['participants', 'clientContext']);
      requireEstablished(call, 'invite');
      const list = body['participants'];
      if (!Array.isArray(list) || list.length === 0 || list.length > INVITE_MAX_PARTICIPANTS) {
        throw badRequest(
          `Invalid request body: 'participants' must be an array of 1 to ${INVITE_MAX_PARTICIPANTS} invitationParticipantInfo, got ${describe(list)}.`,
        );
      }
      const invited = list.map((p, i) => invitationParticipantInfo(p, `participants[${i}]`));
      if (invited.length > 1 && !isGroupCall(call)) {
        throw badRequest('Invalid request body: inviting several participants at once needs a group call (one with a chatInfo).');
      }
      const context = clientContext(body['clientContext']);
      return startOperation(req, deps, call, {
        type: 'inviteParticipantsOperation',
        status: 'Running',
        clientContext: context,
        extra: { participants: invited },
        afterCompletion: () => {
          const live = liveOf(call);
          const joined = invited.map((info, i) => participantFrom(info, live.others.length + i + 2));
          live.others.push(...joined);
          notifyRoster(deps.callbacks, call, joined);
        },
      });
    }),
    route('POST', '/{pid}/mute', 'mute', (req, params) => {
      const call = liveCall(deps, req, params['id'] ?? '');
      const body = actionBody(req, 'mute', ['clientContext']);
      const context = clientContext(body['clientContext']);
      requireEstablished(call, 'mute');
      if (!isGroupCall(call)) throw badRequest('Muting another participant is supported in group calls only.');
      const participant = otherParticipant(call, params['pid'] ?? '');
      participant['isMuted'] = true;
      const res = startOperation(req, deps, call, { type: 'muteParticipantOperation', status: 'completed', clientContext: context });
      notifyRoster(deps.callbacks, call, [participant]);
      return res;
    }),
    route('DELETE', '/{pid}', 'delete', (req, params) => {
      readQueryOptions(req, [], 'delete participant');
      const call = liveCall(deps, req, params['id'] ?? '');
      const pid = params['pid'] ?? '';
      if (pid === call.resource['myParticipantId']) {
        throw badRequest('The bot cannot remove itself from the roster; delete the call to leave it.');
      }
      const live = liveOf(call);
      const participant = otherParticipant(call, pid);
      live.others = live.others.filter((p) => p !== participant);
      if (live.heldParticipantId === pid) delete live.heldParticipantId;
      notifyRoster(deps.callbacks, call);
      return { status: 204 };
    }),
    route('POST', '/{pid}/startHoldMusic', 'startHoldMusic', (req, params) => {
      const call = liveCall(deps, req, params['id'] ?? '');
      const body = actionBody(req, 'startHoldMusic', ['customPrompt', 'clientContext']);
      if (body['customPrompt'] !== undefined && body['customPrompt'] !== null) prompts([body['customPrompt']], 'customPrompt', 1, 1);
      const context = clientContext(body['clientContext']);
      requireEstablished(call, 'startHoldMusic');
      const participant = otherParticipant(call, params['pid'] ?? '');
      const live = liveOf(call);
      if (live.heldParticipantId !== undefined && live.heldParticipantId !== participant['id']) {
        throw badRequest(`Only one participant can be on hold at a time; '${live.heldParticipantId}' is on hold.`);
      }
      live.heldParticipantId = String(participant['id']);
      return startOperation(req, deps, call, {
        type: 'startHoldMusicOperation',
        status: 'running',
        clientContext: context,
        httpStatus: 202,
      });
    }),
    route('POST', '/{pid}/stopHoldMusic', 'stopHoldMusic', (req, params) => {
      const call = liveCall(deps, req, params['id'] ?? '');
      const body = actionBody(req, 'stopHoldMusic', ['clientContext']);
      const context = clientContext(body['clientContext']);
      requireEstablished(call, 'stopHoldMusic');
      const participant = otherParticipant(call, params['pid'] ?? '');
      const live = liveOf(call);
      if (live.heldParticipantId !== participant['id']) {
        throw badRequest(`The participant '${String(participant['id'])}' is not on hold.`);
      }
      delete live.heldParticipantId;
      return startOperation(req, deps, call, {
        type: 'stopHoldMusicOperation',
        status: 'running',
        clientContext: context,
        httpStatus: 202,
      });
    }),
  ];
}
