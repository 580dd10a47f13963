import { randomUUID } from 'node:crypto';
import type { CallbackSink, SimRequest, StoredRecording } from '../types.js';
import { liveOf, notifyCall, notifyRoster, participantFrom } from './callNotifications.js';
import { notFound } from './errors.js';
import type { CallStore, Json, StoredCall } from './store.js';

export interface CallDeps {
  calls: CallStore;
  /** Delay of every simulated state change (establishing -> established, terminating -> gone, operations completing). */
  delayMs: number;
  now: () => Date;
  /** Where call notifications go; none in resource-only tests. */
  callbacks?: CallbackSink;
  /** Recordings made by recordResponse, by id (bounded by the caller). */
  recordings: RecordingStore;
  /** The other side hangs up this long after the call is established; 0 or undefined: never. */
  remoteHangUpMs?: number;
  /** Told of every call that ends after it was established (its call record follows). */
  onEnded?: (call: StoredCall) => void;
}

/** Recordings kept for download; the oldest go first beyond the capacity. */
export class RecordingStore {
  private readonly byId = new Map<string, StoredRecording>();
  constructor(private readonly capacity = 100) {}

  put(id: string, recording: StoredRecording): void {
    this.byId.set(id, recording);
    while (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value as string);
  }

  get(id: string): StoredRecording | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.byId.clear();
  }
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

export interface CallResult {
  code: number;
  subcode: number;
  message: string;
}

/**
 * Notifies `establishing` now and moves the call to `established` after the configured delay, with active
 * audio and a roster of the bot and the other side (targets of an outgoing call, the caller of an incoming one).
 */
export function establishLater(deps: CallDeps, call: StoredCall): void {
  notifyCall(deps.callbacks, call, 'updated', { state: 'establishing', ...meetingFields(call) });
  deps.calls.later(call, deps.delayMs, () => {
    call.resource['state'] = 'established';
    call.resource['mediaState'] = { audio: 'active' };
    liveOf(call).establishedAtMs = deps.now().getTime();
    notifyCall(deps.callbacks, call, 'updated', { state: 'established', ...meetingFields(call) });
    const live = liveOf(call);
    const others =
      call.resource['direction'] === 'incoming'
        ? [call.resource['source']]
        : Array.isArray(call.resource['targets'])
          ? (call.resource['targets'] as unknown[])
          : [];
    live.others = others.filter(isJson).map((info, i) => participantFrom(info, i + 2));
    notifyRoster(deps.callbacks, call, live.others, true);
    const hangUpAfter = deps.remoteHangUpMs ?? 0;
    if (hangUpAfter > 0) {
      deps.calls.later(call, hangUpAfter, () => {
        // The peer ended a peer-to-peer call (CALLS-LIVE.md 1.2: 200/4521).
        if (call.resource['state'] === 'established') endNow(deps, call, { code: 200, subcode: 4521, message: 'The peer ended the call.' });
      });
    }
  });
}

/** On a meeting join Graph repeats the call's id, chatInfo and meetingInfo in its state notifications. */
function meetingFields(call: StoredCall): Json {
  if (!isJson(call.resource['meetingInfo'])) return {};
  return { id: call.id, chatInfo: call.resource['chatInfo'] ?? null, meetingInfo: call.resource['meetingInfo'] };
}

/** Ends the call at once: `deleted` with state `terminated` and the result, then gone (404). */
export function endNow(deps: CallDeps, call: StoredCall, result: CallResult): void {
  call.resource['state'] = 'terminated';
  call.resource['resultInfo'] = result;
  notifyCall(deps.callbacks, call, 'deleted', { state: 'terminated', resultInfo: wireResult(result) });
  deps.calls.remove(call.id);
  if (call.live?.establishedAtMs !== undefined) deps.onEnded?.(call);
}

/**
 * Ends the call: `state` now (notified as `updated` when `announce`), then `deleted`/`terminated` with the
 * result and gone (404) after the configured delay.
 */
export function endLater(deps: CallDeps, call: StoredCall, state: string, result: CallResult, announce = true): void {
  call.resource['state'] = state;
  if (announce) notifyCall(deps.callbacks, call, 'updated', { state });
  deps.calls.later(call, deps.delayMs, () => endNow(deps, call, result));
}

/** A call-level resultInfo as Graph sends it in a notification: code and subcode as strings. */
function wireResult(result: CallResult): Json {
  return {
    '@odata.type': '#microsoft.graph.resultInfo',
    code: String(result.code),
    subcode: String(result.subcode),
    message: result.message,
  };
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
