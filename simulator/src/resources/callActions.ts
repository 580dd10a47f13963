import type { Route, SimRequest, SimResponse } from '../types.js';
import { badRequest, describe, forbidden } from './errors.js';
import { hostingOf } from './data/fixtures.js';
import { randomBytes } from 'node:crypto';
import { callNotFound, endLater, endNow, establishLater, newId, stateOf, visibleCall, type CallDeps } from './callModel.js';
import { liveOf, notifyOperation, notifyRoster } from './callNotifications.js';
import { resultInfo, startOperation, type OperationSpec } from './operations.js';
import { readQueryOptions } from './odata/query.js';
import { ANY_CALLS_PERMISSION, Permission } from './roles.js';
import type { Json, StoredCall } from './store.js';
import {
  callbackUrl,
  clientContext,
  enumValue,
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
/** Graph's `tone` enum (CSDL). */
const DTMF_TONES = [
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => `tone${d}`),
  'star',
  'pound',
  'a',
  'b',
  'c',
  'd',
  'flash',
];

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
  /** Actions on the app's own media stream (screen sharing). */
  appHostedOnly?: boolean;
  run(ctx: ActionContext): SimResponse;
}

function operation(ctx: ActionContext, spec: Omit<OperationSpec, 'clientContext'>): SimResponse {
  return startOperation(ctx.req, ctx.deps, ctx.call, { ...spec, clientContext: clientContext(ctx.body['clientContext']) });
}

/** A downloadable stand-in for a recording: a short silent 8 kHz 16-bit mono WAV. */
function silentWav(): Buffer {
  const samples = 800;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(samples * 2, 40);
  return wav;
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
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) callbackUrl(body['callbackUri'], 'callbackUri');
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
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) callbackUrl(body['callbackUri'], 'callbackUri');
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) call.resource['callbackUri'] = body['callbackUri'];
      endNow(deps, call, { code: reason === 'busy' ? 486 : 603, subcode: 0, message: `Rejected: ${reason}` });
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
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) callbackUrl(body['callbackUri'], 'callbackUri');
      if (body['callbackUri'] !== undefined && body['callbackUri'] !== null) call.resource['callbackUri'] = body['callbackUri'];
      endLater(deps, call, 'redirecting', { code: 200, subcode: 0, message: 'The call was redirected.' }, false);
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
      return operation(ctx, { type: 'playPromptOperation', status: 'running' });
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
      const origin = new URL(ctx.req.baseUrl).origin;
      return operation(ctx, {
        type: 'recordOperation',
        status: 'running',
        extra: { recordingLocation: null, recordingAccessToken: null },
        subcode: 8515,
        message: 'Action completed, max record duration reached.',
        completion: () => {
          const recordingId = newId();
          const accessToken = randomBytes(24).toString('base64url');
          ctx.deps.recordings.put(recordingId, { accessToken, bytes: silentWav() });
          return { recordingLocation: `${origin}/recordings/${recordingId}`, recordingAccessToken: accessToken };
        },
      });
    },
  },
  {
    name: 'mute',
    parameters: ['clientContext'],
    states: ['established'],
    run(ctx) {
      clientContext(ctx.body['clientContext']);
      ctx.call.muted = true;
      const res = operation(ctx, { type: 'muteParticipantOperation', status: 'completed' });
      notifyRoster(ctx.deps.callbacks, ctx.call, [], true);
      return res;
    },
  },
  {
    name: 'unmute',
    parameters: ['clientContext'],
    states: ['established'],
    run(ctx) {
      clientContext(ctx.body['clientContext']);
      ctx.call.muted = false;
      const res = operation(ctx, { type: 'unmuteParticipantOperation', status: 'completed' });
      notifyRoster(ctx.deps.callbacks, ctx.call, [], true);
      return res;
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
      const res = operation(ctx, { type: 'updateRecordingStatusOperation', status: 'completed' });
      notifyRoster(ctx.deps.callbacks, ctx.call, [], true);
      return res;
    },
  },
  {
    name: 'subscribeToTone',
    parameters: ['clientContext'],
    states: ['established'],
    serviceHostedOnly: true,
    run(ctx) {
      liveOf(ctx.call).toneSubscribed = true;
      return operation(ctx, { type: 'subscribeToToneOperation', status: 'completed' });
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
          op['resultInfo'] = resultInfo(400, 8508, 'The operation was cancelled.');
          notifyOperation(ctx.deps.callbacks, ctx.call, op);
        }
      }
      return operation(ctx, { type: 'cancelMediaProcessingOperation', status: 'completed' });
    },
  },
  {
    name: 'sendDtmfTones',
    parameters: ['tones', 'delayBetweenTonesMs', 'clientContext'],
    states: ['established'],
    run(ctx) {
      const tones = ctx.body['tones'];
      if (!Array.isArray(tones) || tones.length === 0) {
        throw badRequest(
          `Invalid request body: 'tones' must be a non-empty array of tones (tone0 to tone9, star, pound, a to d, flash), got ${describe(tones)}.`,
        );
      }
      tones.forEach((t, i) => enumValue(t, `tones[${i}]`, DTMF_TONES));
      optionalInteger(ctx.body['delayBetweenTonesMs'], 'delayBetweenTonesMs', 0, 2_147_483_647);
      return operation(ctx, {
        type: 'sendDtmfTonesOperation',
        status: 'running',
        extra: { completionReason: null },
        completion: () => ({ completionReason: 'completedSuccessfully' }),
      });
    },
  },
  {
    name: 'changeScreenSharingRole',
    parameters: ['role'],
    states: ['established'],
    appHostedOnly: true,
    run(ctx) {
      if (ctx.body['role'] === undefined || ctx.body['role'] === null) {
        throw badRequest("Invalid request body: 'role' (viewer or sharer) is required.");
      }
      liveOf(ctx.call).screenSharingRole = enumValue(ctx.body['role'], 'role', ['viewer', 'sharer']) as 'viewer' | 'sharer';
      notifyRoster(ctx.deps.callbacks, ctx.call, [], true);
      return { status: 202 };
    },
  },
  {
    name: 'addLargeGalleryView',
    parameters: ['clientContext'],
    states: ['established'],
    run(ctx) {
      return operation(ctx, { type: 'addLargeGalleryViewOperation', status: 'running', httpStatus: 202 });
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
      if (spec.appHostedOnly && call.hosting !== 'appHosted') {
        throw badRequest(`The action '${spec.name}' is only supported for calls with app-hosted media.`);
      }
      return spec.run({ req, call, body, deps });
    },
  }));
}
