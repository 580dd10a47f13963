/**
 * Graph's call notifications (`commsNotifications`, CALLS-LIVE.md 1.1) parsed into what the gateway applies: a
 * change of the call itself, a roster, or an operation, each with the call's canonical id. Tolerates every
 * variant Graph's documentation shows: `resourceUrl` with or without its leading slash (or only the legacy
 * `resource` `/app/calls/{id}`), upper-case ids without dashes, a roster as an array, an operation under
 * `/operations/{opId}` (or the invite doc bug `/operations/participants`, where the id is in the resourceData),
 * and no resourceData at all.
 */
import type { GraphCall, GraphCommsOperation, GraphParticipant } from '../graph/types.js';
import { canonicalCallId } from '../live/events.js';

export type ChangeType = 'created' | 'updated' | 'deleted';

export type ParsedNotification =
  | { kind: 'call'; callId: string; changeType: ChangeType; etag: number | undefined; call: GraphCall }
  | { kind: 'roster'; callId: string; changeType: ChangeType; participants: GraphParticipant[] }
  | {
      kind: 'operation';
      callId: string;
      changeType: ChangeType;
      operationId: string;
      etag: number | undefined;
      operation: GraphCommsOperation;
    }
  /** A notification the gateway does not follow (content sharing, unknown resources, unusable data); `why` says which. */
  | { kind: 'ignored'; callId: string | undefined; why: string };

export class NotAnEnvelopeError extends Error {
  constructor(detail: string) {
    super(`the body is not a commsNotifications envelope: ${detail}`);
    this.name = 'NotAnEnvelopeError';
  }
}

const CHANGE_TYPES: readonly string[] = ['created', 'updated', 'deleted'];
const CALL_PATH = /^\/?(?:communications|app)\/calls\/([^/?#]+)(?:\/([^/?#]+)(?:\/([^/?#]+))?)?\/?$/i;
/** Annotations that describe the notification, not the resource's state. */
const ANNOTATIONS = ['@odata.id', '@odata.etag', '@odata.context'];

/**
 * Checks the envelope (an object whose `value` is an array of objects with `changeType` and a resource URL) and
 * parses each notification. Throws NotAnEnvelopeError when the envelope itself is wrong; a notification it cannot
 * use comes back as `ignored`, so one odd entry does not refuse its neighbours.
 */
export function parseNotifications(body: unknown): ParsedNotification[] {
  if (!isObject(body)) throw new NotAnEnvelopeError('expected a JSON object');
  const value = body['value'];
  if (!Array.isArray(value)) throw new NotAnEnvelopeError('expected "value" to be an array');
  return value.map((entry, index) => {
    if (!isObject(entry)) throw new NotAnEnvelopeError(`value[${index}] is not an object`);
    const changeType = entry['changeType'];
    if (typeof changeType !== 'string' || !CHANGE_TYPES.includes(changeType)) {
      throw new NotAnEnvelopeError(`value[${index}].changeType must be created, updated or deleted, got ${JSON.stringify(changeType)}`);
    }
    const url = typeof entry['resourceUrl'] === 'string' ? entry['resourceUrl'] : entry['resource'];
    if (typeof url !== 'string') throw new NotAnEnvelopeError(`value[${index}] has no resourceUrl`);
    return parseOne(changeType as ChangeType, url, entry['resourceData']);
  });
}

function parseOne(changeType: ChangeType, resourceUrl: string, data: unknown): ParsedNotification {
  const match = CALL_PATH.exec(resourceUrl.trim());
  if (!match?.[1]) return { kind: 'ignored', callId: undefined, why: 'not a call resource' };
  const rawCallId = decoded(match[1]);
  if (rawCallId === undefined) return { kind: 'ignored', callId: undefined, why: 'the call id is not valid percent-encoding' };
  const callId = canonicalCallId(rawCallId);
  const collection = match[2]?.toLowerCase();
  if (collection === undefined) {
    // The call itself; a notification without resourceData still says the call exists (or ended).
    if (data !== undefined && data !== null && !isObject(data)) return { kind: 'ignored', callId, why: 'call data is not an object' };
    const call = isObject(data) ? stripAnnotations(data) : {};
    return { kind: 'call', callId, changeType, etag: etagOf(data), call: call as GraphCall };
  }
  if (collection === 'participants' && match[3] === undefined) {
    if (!Array.isArray(data)) return { kind: 'ignored', callId, why: 'roster data is not an array' };
    return { kind: 'roster', callId, changeType, participants: data.filter(isObject).map((p) => stripAnnotations(p) as GraphParticipant) };
  }
  if (collection === 'operations') {
    if (!isObject(data)) return { kind: 'ignored', callId, why: 'operation without data' };
    const fromData = typeof data['id'] === 'string' ? data['id'] : undefined;
    // The invite example's resourceUrl ends in /operations/participants (a doc bug): the id is in the data then.
    const fromUrl = match[3] !== undefined && match[3].toLowerCase() !== 'participants' ? decoded(match[3]) : undefined;
    const raw = fromUrl ?? fromData;
    if (raw === undefined) return { kind: 'ignored', callId, why: 'operation without an id' };
    const operation = { ...stripAnnotations(data), id: fromData ?? raw } as GraphCommsOperation;
    return { kind: 'operation', callId, changeType, operationId: canonicalCallId(raw), etag: etagOf(data), operation };
  }
  return { kind: 'ignored', callId, why: `${collection} notifications are not followed` };
}

/** `W/"5445"` → 5445; anything else (absent, not numeric) → undefined. */
export function etagOf(data: unknown): number | undefined {
  if (!isObject(data) || typeof data['@odata.etag'] !== 'string') return undefined;
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(data['@odata.etag'].trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function stripAnnotations(data: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...data };
  for (const key of ANNOTATIONS) delete copy[key];
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
