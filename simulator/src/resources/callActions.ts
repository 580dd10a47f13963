import type { Route, SimRequest, SimResponse } from '../types.js';
import { badRequest, forbidden } from './errors.js';
import { hostingOf } from './data/fixtures.js';
import { callNotFound, endLater, establishLater, newId, stateOf, visibleCall, type CallDeps } from './callModel.js';
import { readQueryOptions } from './odata/query.js';
import { ANY_CALLS_PERMISSION, Permission } from './roles.js';
import type { Json, StoredCall } from './store.js';
import {
  clientContext,
  enumValue,
  httpsUrl,
  invitationParticipantInfo,
  isObject,
  mediaConfig,
  modalities,
  odataType,
  onlyParameters,
  optionalBoolean,
  optionalInteger,
  participantInfo,
  prompts,
  requireBody,
  requireObject,
} from './validate.js';

/** Redirect rings at most 25 targets at once, for 15 to 90 seconds (Graph docs: call actions). */
export const REDIRECT_MAX_TARGETS = 25;
export const PLAY_PROMPT_MAX_PROMPTS = 20;
const STOP_TONES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];
const RECORDING_STATUSES = ['notRecording', 'recording', 'failed'];

interface ActionContext {
  req: SimRequest;
  call: StoredCall;
  body: Json;
  deps: CallDeps;
}

interface ActionSpec {
  name: string;
  /** Declared parameters; anything else in the body is refused, as OData actions do. */
  parameters: readonly string[];
  /** States the action is valid in. */
  states: readonly string[];
  /** Media actions that the service plays or records itself; app-hosted calls must do this in their own media stack. */
  serviceHostedOnly?: boolean;
  run(ctx: ActionContext): SimResponse;
}

function operation(ctx: ActionContext, type: string, status: 'running' | 'completed', extra: Json = {}): SimResponse {
  const id = newId();
  const op: Json = {
    '@odata.type': `#microsoft.graph.${type}`,
    id,
    status,
    clientContext: clientContext(ctx.body['clientContext']),
    resultInfo: status === 'completed' ? { code: 200, subcode: 0, message: null } : null,
    ...extra,
  };
  ctx.call.operations.set(id, op);
  if (status === 'running') {
    ctx.deps.calls.later(ctx.call, ctx.deps.delayMs, () => {
      if (op['status'] !== 'running') return;
      op['status'] = 'completed';
      op['resultInfo'] = { code: 200, subcode: 0, message: null };
    });
  }
  return {
    status: 200,
    headers: { Location: `${ctx.req.baseUrl}/communications/calls/${ctx.call.id}/operations/${id}` },
    body: { ...op },
  };
}

function requireAccessMediaFor(req: SimRequest, config: Json): void {
  if (hostingOf(config) === 'appHosted' && !req.app.roles.includes(Permission.CallsAccessMedia)) {
    throw forbidden(`App-hosted media requires the application permission ${Permission.CallsAccessMedia}.`);
  }
}

/** A phone transfer target is only reachable from a call placed by an application instance (Graph docs: call actions). */
function checkPhoneTarget(call: StoredCall, target: Json, path: string): void {
  const identity = target['identity'] as Json;
  if (!isObject(identity['phone'])) return;
  const source = call.resource['source'];
  const sourceIdentity = isObject(source) ? source['identity'] : undefined;
  const instance = isObject(sourceIdentity) ? sourceIdentity['applicationInstance'] : undefined;
  const targets = Array.isArray(call.resource['targets']) ? (call.resource['targets'] as unknown[]) : [];
  const instanceTarget = targets.some((t) => isObject(t) && isObject(t['identity']) && isObject(t['identity']['applicationInstance']));
  if (!isObject(instance) && !instanceTarget) {
    throw badRequest(`Invalid request body: '${path}' is a phone number, which only a call of an application instance can reach.`);
  }
}

const ACTIONS: readonly ActionSpec[] = [
  {
    name: 'answer',
    parameters: ['callbackUri', 'mediaConfig', 'acceptedModalities', 'callOptions', 'participantCapacity'],
    states: ['incoming'],
    run(ctx) {
      const { body, call, req } = ctx;
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) httpsUrl(body['callbackUri'], 'callbackUri');
      const config = mediaConfig(body['mediaConfig'], 'mediaConfig');
      requireAccessMediaFor(req, config);
      const accepted = modalities(body['acceptedModalities'], 'acceptedModalities', req.version, [
        'audio',
        'video',
        'videoBasedScreenSharing',
      ]);
      if (body['callOptions'] !== undefined && body['callOptions'] !== null) {
        const options = requireObject(body['callOptions'], 'callOptions');
        odataType(options, 'callOptions', ['#microsoft.graph.incomingCallOptions'], true);
      }
      optionalInteger(body['participantCapacity'], 'participantCapacity', 0, 2_147_483_647);
      call.ownerAppId = req.app.appId;
      call.hosting = hostingOf(config) === 'appHosted' ? 'appHosted' : 'serviceHosted';
      Object.assign(call.resource, {
        state: 'establishing',
        mediaConfig: config,
        callbackUri: body['callbackUri'] ?? call.resource['callbackUri'] ?? null,
        requestedModalities: accepted ?? call.resource['requestedModalities'] ?? ['audio'],
        callOptions: body['callOptions'] ?? null,
      });
      establishLater(ctx.deps, call);
      return { status: 202 };
    },
  },
  {
    name: 'reject',
    parameters: ['reason', 'callbackUri'],
    states: ['incoming'],
    run(ctx) {
      const { body, call, deps } = ctx;
      // The doc table capitalises the members (None, Busy, Forbidden) while its examples send them in lower case.
      const reason =
        body['reason'] === undefined || body['reason'] === null
          ? 'none'
          : enumValue(body['reason'], 'reason', ['none', 'busy', 'forbidden'], true);
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) httpsUrl(body['callbackUri'], 'callbackUri');
      call.resource['state'] = 'terminated';
      call.resource['resultInfo'] = { code: reason === 'busy' ? 486 : 603, subcode: 0, message: `Rejected: ${reason}` };
      deps.calls.remove(call.id);
      return { status: 202 };
    },
  },
  {
    name: 'redirect',
    parameters: ['targets', 'timeout', 'callbackUri', 'routingPolicies'],
    states: ['incoming'],
    run(ctx) {
      const { body, call, deps } = ctx;
      const targets = body['targets'];
      if (!Array.isArray(targets) || targets.length === 0 || targets.length > REDIRECT_MAX_TARGETS) {
        throw badRequest(
          `Invalid request body: 'targets' must be an array of 1 to ${REDIRECT_MAX_TARGETS} invitationParticipantInfo, got ${
            Array.isArray(targets) ? `${targets.length} targets` : (JSON.stringify(targets) ?? 'nothing')
          }.`,
        );
      }
      targets.forEach((t, i) => invitationParticipantInfo(t, `targets[${i}]`));
      optionalInteger(body['timeout'], 'timeout', 15, 90);
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) httpsUrl(body['callbackUri'], 'callbackUri');
      endLater(deps, call, 'redirecting', { code: 200, subcode: 0, message: 'The call was redirected.' });
      return { status: 202 };
    },
  },
  {
    name: 'transfer',
    parameters: ['transferTarget', 'transferee', 'clientContext'],
    states: ['established'],
    run(ctx) {
      const { body, call, deps } = ctx;
      if (body['transferTarget'] === undefined || body['transferTarget'] === null) {
        throw badRequest("Invalid request body: 'transferTarget' (an invitationParticipantInfo) is required.");
      }
      const target = invitationParticipantInfo(body['transferTarget'], 'transferTarget');
      checkPhoneTarget(call, target, 'transferTarget.identity.phone');
      if (body['transferee'] !== undefined && body['transferee'] !== null) participantInfo(body['transferee'], 'transferee', true);
      clientContext(body['clientContext']);
      endLater(deps, call, 'transferring', { code: 200, subcode: 7015, message: 'The call was transferred.' });
      return { status: 202 };
    },
  },
  {
    name: 'playPrompt',
    parameters: ['prompts', 'clientContext'],
    states: ['established'],
    serviceHostedOnly: true,
    run(ctx) {
      prompts(ctx.body['prompts'], 'prompts', 1, PLAY_PROMPT_MAX_PROMPTS);
      return operation(ctx, 'playPromptOperation', 'running');
    },
  },
  {
    name: 'recordResponse',
    parameters: [
      'prompts',
      'bargeInAllowed',
      'initialSilenceTimeoutInSeconds',
      'maxSilenceTimeoutInSeconds',
      'maxRecordDurationInSeconds',
      'playBeep',
      'stopTones',
      'clientContext',
    ],
    states: ['established'],
    serviceHostedOnly: true,
    run(ctx) {
      const { body } = ctx;
      prompts(body['prompts'], 'prompts', 0, 1);
      optionalBoolean(body['bargeInAllowed'], 'bargeInAllowed');
      optionalBoolean(body['playBeep'], 'playBeep');
      for (const name of ['initialSilenceTimeoutInSeconds', 'maxSilenceTimeoutInSeconds', 'maxRecordDurationInSeconds']) {
        optionalInteger(body[name], name, 1, 120);
      }
      const tones = body['stopTones'];
      if (tones !== undefined && tones !== null) {
        if (!Array.isArray(tones))
          throw badRequest(`Invalid request body: 'stopTones' must be an array of DTMF tones, got ${JSON.stringify(tones)}.`);
        tones.forEach((t, i) => enumValue(t, `stopTones[${i}]`, STOP_TONES));
      }
      clientContext(body['clientContext']);
      return operation(ctx, 'recordOperation', 'running', { recordingLocation: null, recordingAccessToken: null });
    },
  },
  {
    name: 'mute',
    parameters: ['clientContext'],
    states: ['established'],
    run(ctx) {
      clientContext(ctx.body['clientContext']);
      ctx.call.muted = true;
      return operation(ctx, 'muteParticipantOperation', 'completed');
    },
  },
  {
    name: 'unmute',
    parameters: ['clientContext'],
    states: ['established'],
    run(ctx) {
      clientContext(ctx.body['clientContext']);
      ctx.call.muted = false;
      return operation(ctx, 'unmuteParticipantOperation', 'completed');
    },
  },
  {
    name: 'updateRecordingStatus',
    parameters: ['status', 'clientContext'],
    states: ['established'],
    run(ctx) {
      if (ctx.body['status'] === undefined)
        throw badRequest("Invalid request body: 'status' (notRecording, recording or failed) is required.");
      const status = enumValue(ctx.body['status'], 'status', RECORDING_STATUSES);
      clientContext(ctx.body['clientContext']);
      ctx.call.recordingStatus = status;
      return operation(ctx, 'updateRecordingStatusOperation', 'completed');
    },
  },
  {
    name: 'subscribeToTone',
    parameters: ['clientContext'],
    states: ['established'],
    serviceHostedOnly: true,
    run(ctx) {
      clientContext(ctx.body['clientContext']);
      return operation(ctx, 'subscribeToToneOperation', 'completed');
    },
  },
  {
    name: 'keepAlive',
    parameters: [],
    states: ['incoming', 'establishing', 'established', 'hold', 'transferring', 'transferAccepted', 'redirecting'],
    run() {
      return { status: 200 };
    },
  },
  {
    name: 'cancelMediaProcessing',
    parameters: ['clientContext'],
    states: ['established'],
    run(ctx) {
      clientContext(ctx.body['clientContext']);
      // Queued and running prompts and recordings fail with 400/8508; tone subscriptions are not media processing.
      for (const op of ctx.call.operations.values()) {
        const type = op['@odata.type'];
        if (
          op['status'] === 'running' &&
          (type === '#microsoft.graph.playPromptOperation' || type === '#microsoft.graph.recordOperation')
        ) {
          op['status'] = 'failed';
          op['resultInfo'] = { code: 400, subcode: 8508, message: 'The operation was cancelled.' };
        }
      }
      return operation(ctx, 'cancelMediaProcessingOperation', 'completed');
    },
  },
];

export function createCallActionRoutes(deps: CallDeps): Route[] {
  return ACTIONS.map((spec): Route => ({
    method: 'POST',
    pattern: `/communications/calls/{id}/${spec.name}`,
    name: `calls.${spec.name}`,
    anyOfRoles: ANY_CALLS_PERMISSION,
    throttleKeys: () => ['calls'],
    handle(req, params) {
      readQueryOptions(req, [], spec.name);
      const id = params['id'] ?? '';
      const call = visibleCall(deps, req, id, true) ?? callNotFound(id);
      const body = requireBody(req.body, spec.name);
      onlyParameters(body, spec.parameters, spec.name);
      const state = stateOf(call);
      if (!spec.states.includes(state)) {
        throw badRequest(
          `The action '${spec.name}' is not valid for a call in state '${state}'; it needs a call in state ${spec.states.map((s) => `'${s}'`).join(' or ')}.`,
        );
      }
      if (spec.serviceHostedOnly && call.hosting !== 'serviceHosted') {
        throw badRequest(`The action '${spec.name}' is only supported for calls with service-hosted media.`);
      }
      return spec.run({ req, call, body, deps });
    },
  }));
}
