/**
 * The notifications a call sends to its callbackUri (CALLS-LIVE.md 1.1-1.3): call state changes, the roster,
 * tones and finished operations, each stamped with the call's next `@odata.etag` so a receiver can order them.
 */
import { randomUUID } from 'node:crypto';
import type { CallbackSink, CallbackTarget } from '../types.js';
import type { Json, LiveCallState, StoredCall } from './store.js';

export type ChangeType = 'created' | 'updated' | 'deleted';

export function liveOf(call: StoredCall): LiveCallState {
  call.live ??= { etag: 0, rosterSequence: 0, selfSequence: 0, toneSequence: 0, toneSubscribed: false, others: [] };
  return call.live;
}

/** The call's callback target, or undefined when it has no callback URL or no owning app to sign for. */
export function callbackTarget(call: StoredCall): CallbackTarget | undefined {
  const uri = call.resource['callbackUri'];
  const tenantId = call.resource['tenantId'];
  if (typeof uri !== 'string' || call.ownerAppId === undefined || typeof tenantId !== 'string') return undefined;
  return { callId: call.id, callbackUri: uri, tenantId, audience: call.ownerAppId };
}

function nextEtag(call: StoredCall): string {
  const live = liveOf(call);
  live.etag += 1;
  return `W/"${live.etag}"`;
}

function send(sink: CallbackSink | undefined, call: StoredCall, changeType: ChangeType, resourceUrl: string, resourceData: unknown): void {
  const target = callbackTarget(call);
  if (!sink || !target) return;
  sink.notify(target, { '@odata.type': '#microsoft.graph.commsNotification', changeType, resourceUrl, resourceData });
}

/** A call-level notification: resourceData is the call type, id and etag plus `fields`. */
export function notifyCall(sink: CallbackSink | undefined, call: StoredCall, changeType: ChangeType, fields: Json): void {
  const url = `/communications/calls/${call.id}`;
  send(sink, call, changeType, url, {
    '@odata.type': '#microsoft.graph.call',
    '@odata.id': url,
    '@odata.etag': nextEtag(call),
    ...fields,
  });
}

/** A finished operation: `deleted`, with the operation as it ended. */
export function notifyOperation(sink: CallbackSink | undefined, call: StoredCall, op: Json): void {
  const url = `/communications/calls/${call.id}/operations/${String(op['id'])}`;
  send(sink, call, 'deleted', url, { '@odata.id': url, '@odata.etag': nextEtag(call), ...op });
}

/**
 * The whole roster after a change: the `changed` participants (and the bot itself when `selfChanged`) take
 * the new roster sequence number, everyone else keeps the number of the update that last changed them.
 */
export function notifyRoster(sink: CallbackSink | undefined, call: StoredCall, changed: readonly Json[] = [], selfChanged = false): void {
  const live = liveOf(call);
  live.rosterSequence += 1;
  for (const p of changed) p['rosterSequenceNumber'] = live.rosterSequence;
  if (selfChanged) live.selfSequence = live.rosterSequence;
  send(sink, call, 'updated', `/communications/calls/${call.id}/participants`, rosterOf(call));
}

/** The bot itself, rendered from the call's state. */
export function selfParticipant(call: StoredCall): Json {
  const info =
    call.resource['direction'] === 'incoming' ? ((call.resource['targets'] as Json[] | undefined)?.[0] ?? null) : call.resource['source'];
  return {
    '@odata.type': '#microsoft.graph.participant',
    id: call.resource['myParticipantId'] ?? null,
    info,
    isMuted: call.muted,
    isInLobby: false,
    mediaStreams: call.live?.screenSharingRole === 'sharer' ? [audioStream('1'), SCREEN_SHARING_STREAM] : [audioStream('1')],
    metadata: null,
    recordingInfo: { initiator: null, recordingStatus: call.recordingStatus },
    removedState: null,
    restrictedExperience: null,
    rosterSequenceNumber: call.live?.selfSequence ?? 0,
  };
}

/** The bot followed by everyone else on the call. */
export function rosterOf(call: StoredCall): Json[] {
  return [selfParticipant(call), ...(call.live?.others ?? []).map((p) => ({ ...p }))];
}

/** The stream a sharer sends after changeScreenSharingRole (Graph docs: call-changescreensharingrole.md). */
const SCREEN_SHARING_STREAM: Json = {
  '@odata.type': '#microsoft.graph.mediaStream',
  mediaType: 'videoBasedScreenSharing',
  label: 'applicationsharing-video',
  sourceId: '0',
  direction: 'sendOnly',
  serverMuted: false,
};

function audioStream(sourceId: string): Json {
  return { '@odata.type': '#microsoft.graph.mediaStream', mediaType: 'audio', sourceId, direction: 'sendReceive', serverMuted: false };
}

/** A roster entry for an invitation target or caller. */
export function participantFrom(info: Json, sourceId: number): Json {
  const { '@odata.type': _type, replacesCallId: _replaces, ...rest } = info;
  return {
    '@odata.type': '#microsoft.graph.participant',
    id: randomUUID(),
    info: { '@odata.type': '#microsoft.graph.participantInfo', ...rest },
    isMuted: false,
    isInLobby: false,
    mediaStreams: [audioStream(String(sourceId))],
    metadata: null,
    recordingInfo: { initiator: null, recordingStatus: 'notRecording' },
    removedState: null,
    restrictedExperience: null,
    rosterSequenceNumber: 0,
  };
}
