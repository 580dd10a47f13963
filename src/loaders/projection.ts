import type { SelectionTree } from './selection.js';

/**
 * Translates what an operation selected on a Call or CallRecord into the Graph query that returns just
 * that: `$select` of the Graph properties behind the selected fields, and `$expand` for the navigation
 * properties Graph does not list (sessions, segments, participants_v2).
 */

/** GraphQL field on Call -> Graph property. Call fields keep Graph's names. */
const CALL_PROPERTIES: Readonly<Record<string, string>> = Object.fromEntries(
  [
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
  ].map((name) => [name, name]),
);

/** GraphQL field on CallRecord -> Graph property; sessions and participants come by `$expand`. */
const CALL_RECORD_PROPERTIES: Readonly<Record<string, string>> = {
  id: 'id',
  version: 'version',
  type: 'type',
  modalities: 'modalities',
  startDateTime: 'startDateTime',
  endDateTime: 'endDateTime',
  lastModifiedDateTime: 'lastModifiedDateTime',
  joinWebUrl: 'joinWebUrl',
  organizer: 'organizer_v2',
};

/**
 * Call fields that are not call properties: Graph's contained collections, which `$select` cannot ask for (the
 * roster has its own request, operations come from notifications).
 */
const CALL_FIELDS_NOT_SELECTED = ['participants', 'operations'];

/** What every call-record list request selects besides the caller's fields: the version the cache keys expansions by. */
export const CALL_RECORD_VERSION_PROPERTIES: readonly string[] = ['version', 'lastModifiedDateTime'];

export const CALL_FIELDS = [...Object.keys(CALL_PROPERTIES), ...CALL_FIELDS_NOT_SELECTED];
export const CALL_RECORD_FIELDS = [...Object.keys(CALL_RECORD_PROPERTIES), 'sessions', 'participants'];

/** Graph's documented `$expand` forms on a call record; each is requested on its own. */
export type CallRecordExpansion = 'sessions' | 'sessions($expand=segments)' | 'participants_v2';

export interface CallRecordProjection {
  /** Graph properties for `$select`; always includes `id`. */
  readonly select: readonly string[];
  /** Expansions the selection needs, each its own request per record. */
  readonly expansions: readonly CallRecordExpansion[];
}

/** The expansion that brings a record's sessions, with their segments when those are selected. */
export function sessionsExpansion(withSegments: boolean): CallRecordExpansion {
  return withSegments ? 'sessions($expand=segments)' : 'sessions';
}

/** Projections by tree: a tree is collected once per document (selection.ts), so its projection is too. */
const callProjections = new WeakMap<SelectionTree, readonly string[]>();
const callRecordProjections = new WeakMap<SelectionTree, CallRecordProjection>();

/** The Graph properties a call selection needs (shared: never modify it). */
export function callProjection(tree: SelectionTree): readonly string[] {
  let select = callProjections.get(tree);
  if (!select) {
    select = Object.freeze(withId([...tree.keys()].flatMap((name) => CALL_PROPERTIES[name] ?? [])));
    callProjections.set(tree, select);
  }
  return select;
}

/** The Graph properties and expansions a call-record selection needs (shared: never modify it). */
export function callRecordProjection(tree: SelectionTree): CallRecordProjection {
  const known = callRecordProjections.get(tree);
  if (known) return known;
  const select = withId([...tree.keys()].flatMap((name) => CALL_RECORD_PROPERTIES[name] ?? []));
  const expansions: CallRecordExpansion[] = [];
  const sessions = tree.get('sessions');
  if (sessions) expansions.push(sessionsExpansion(sessions.has('segments')));
  if (tree.has('participants')) expansions.push('participants_v2');
  const projection: CallRecordProjection = Object.freeze({ select: Object.freeze(select), expansions: Object.freeze(expansions) });
  callRecordProjections.set(tree, projection);
  return projection;
}

function withId(properties: string[]): string[] {
  return [...new Set(['id', ...properties])].sort();
}
