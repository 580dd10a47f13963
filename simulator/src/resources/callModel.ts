import { randomUUID } from 'node:crypto';
import type { SimRequest } from '../types.js';
import { notFound } from './errors.js';
import type { CallStore, Json, StoredCall } from './store.js';

export interface CallDeps {
  calls: CallStore;
  /** Delay of every simulated state change (establishing -> established, terminating -> gone, operations completing). */
  delayMs: number;
  now: () => Date;
}

export const CALL_PROPERTIES_V1 = [
  'id',
  'callbackUri',
  'callChainId',
  'callOptions',
  'callRoutes',
  'chatInfo',
  'direction',
  'incomingContext',
  'mediaConfig',
  'mediaState',
  'meetingInfo',
  'myParticipantId',
  'requestedModalities',
  'resultInfo',
  'source',
  'state',
  'subject',
  'targets',
  'tenantId',
  'toneInfo',
  'transcription',
];
/** Call properties only the beta schema declares (Graph docs: call resource); the v1.0 endpoint does not return them. */
export const CALL_PROPERTIES_BETA_ONLY = [
  'activeModalities',
  'answeredBy',
  'meetingCapability',
  'ringingTimeoutInSeconds',
  'routingPolicies',
  'terminationReason',
];

export function callProperties(req: SimRequest): readonly string[] {
  return req.version === 'beta' ? [...CALL_PROPERTIES_V1, ...CALL_PROPERTIES_BETA_ONLY] : CALL_PROPERTIES_V1;
}

/** States in which the call is over for the app: gone from the API (404) even while its record lingers. */
const ENDED = new Set(['terminating', 'terminated']);

export function stateOf(call: StoredCall): string {
  return String(call.resource['state']);
}

/** The call as the requesting app sees it, or undefined when it is unknown, another app's, or ended (`live`). */
export function visibleCall(deps: CallDeps, req: SimRequest, id: string, live: boolean): StoredCall | undefined {
  const call = deps.calls.get(id);
  if (!call) return undefined;
  if (call.ownerAppId !== undefined && call.ownerAppId !== req.app.appId) return undefined;
  if (live && ENDED.has(stateOf(call))) return undefined;
  return call;
}

export function callNotFound(id: string): never {
  throw notFound(`The call '${id}' was not found or has already ended.`);
}

/** The call's JSON for this request's version: beta-only members are dropped under v1.0. */
export function renderCall(req: SimRequest, call: StoredCall): Json {
  if (req.version === 'beta') return { ...call.resource };
  const out: Json = {};
  for (const [k, v] of Object.entries(call.resource)) if (!CALL_PROPERTIES_BETA_ONLY.includes(k)) out[k] = v;
  return out;
}

export function newId(): string {
  return randomUUID();
}

/** Moves the call to `established` after the configured delay, with active audio. */
export function establishLater(deps: CallDeps, call: StoredCall): void {
  deps.calls.later(call, deps.delayMs, () => {
    call.resource['state'] = 'established';
    call.resource['mediaState'] = { audio: 'active' };
  });
}

/** Ends the call: `terminating` now, then gone (404) after the configured delay, with the given result. */
export function endLater(
  deps: CallDeps,
  call: StoredCall,
  state: string,
  result: { code: number; subcode: number; message: string },
): void {
  call.resource['state'] = state;
  deps.calls.later(call, deps.delayMs, () => {
    call.resource['state'] = 'terminated';
    call.resource['resultInfo'] = result;
    deps.calls.remove(call.id);
  });
}
