import seed004 from '../fixtures/seed-004.json' with { type: 'json' };
import { badRequest } from '../errors.js';
import type { Json, MediaHosting, StoredCall, StoredCallRecord } from '../store.js';

/** Fixtures shipped with the simulator, loadable by name. */
export const BUNDLED_FIXTURES: Readonly<Record<string, unknown>> = {
  /** The call records of the "List callRecords" doc page (seeds/004): Graph's example payload, made valid JSON. */
  'seed-004': seed004,
};

export interface FixtureSet {
  calls: StoredCall[];
  callRecords: StoredCallRecord[];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A 400 `BadRequest`, so that the control surface answers a bad fixture document the way Graph answers a bad body. */
function fail(message: string): never {
  throw badRequest(`Invalid fixture: ${message}.`);
}

/**
 * Reads a fixture source: the name of a bundled fixture, a JSON text, or a parsed document shaped
 * `{ value: [callRecord, ...] }` or `{ calls: [...], callRecords: [...] }`.
 */
export function readFixtures(source: string | object): FixtureSet {
  let doc: unknown = source;
  if (typeof source === 'string') {
    const bundled = BUNDLED_FIXTURES[source];
    if (bundled !== undefined) doc = bundled;
    else {
      try {
        doc = JSON.parse(source);
      } catch {
        fail(
          `expected a bundled fixture name (${Object.keys(BUNDLED_FIXTURES).join(', ')}) or a JSON document, got '${source.slice(0, 60)}'`,
        );
      }
    }
  }
  if (!isObject(doc)) fail('expected a JSON object with `value`, or with `calls` and/or `callRecords`');
  const records = doc['value'] ?? doc['callRecords'] ?? [];
  const calls = doc['calls'] ?? [];
  if (!Array.isArray(records)) fail('`value` / `callRecords` must be an array of call records');
  if (!Array.isArray(calls)) fail('`calls` must be an array of calls');
  if (doc['value'] === undefined && doc['callRecords'] === undefined && doc['calls'] === undefined) {
    fail('expected a JSON object with `value`, or with `calls` and/or `callRecords`');
  }
  return { calls: calls.map(fixtureCall), callRecords: records.map(fixtureRecord) };
}

function instant(record: Json, key: string, index: number): number | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) fail(`call record ${index} has an invalid ${key}: ${JSON.stringify(value)}`);
  return ms;
}

/** Ids found in any identity slot of an identity set (`{ user: {id}, phone: {id}, ... }`). */
function identityIds(set: unknown): string[] {
  if (!isObject(set)) return [];
  return Object.values(set)
    .map((identity) => (isObject(identity) && typeof identity['id'] === 'string' ? identity['id'] : undefined))
    .filter((id): id is string => id !== undefined);
}

function fixtureRecord(value: unknown, index: number): StoredCallRecord {
  if (!isObject(value)) fail(`call record ${index} is not an object`);
  const id = value['id'];
  if (typeof id !== 'string' || id === '') fail(`call record ${index} has no string id`);
  const startMs = instant(value, 'startDateTime', index);
  if (startMs === undefined) fail(`call record '${id}' has no startDateTime`);
  const endMs = instant(value, 'endDateTime', index) ?? startMs;
  const sessions = Array.isArray(value['sessions']) ? (value['sessions'] as Json[]) : [];
  const participants = Array.isArray(value['participants_v2']) ? (value['participants_v2'] as Json[]) : [];
  const record: Json = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '@odata.context' || key === 'sessions' || key === 'participants_v2') continue;
    if (key.startsWith('sessions@') || key.startsWith('participants_v2@')) continue;
    record[key] = v;
  }
  const ids = new Set<string>();
  for (const p of participants) if (typeof p['id'] === 'string') ids.add(p['id']);
  const organizer = value['organizer_v2'];
  if (isObject(organizer)) {
    if (typeof organizer['id'] === 'string') ids.add(organizer['id']);
    for (const i of identityIds(organizer['identity'])) ids.add(i);
  }
  // The deprecated identity-set forms, for fixtures captured before participants_v2 existed.
  for (const i of identityIds(value['organizer'])) ids.add(i);
  if (Array.isArray(value['participants'])) for (const set of value['participants']) for (const i of identityIds(set)) ids.add(i);
  const withSegments = sessions.map((s) => (Array.isArray(s['segments']) ? s : { ...s, segments: [] }));
  return { id, startMs, endMs, record, participantIds: ids, participants: () => participants, sessions: () => withSegments };
}

export function hostingOf(mediaConfig: unknown): MediaHosting {
  if (!isObject(mediaConfig)) return 'none';
  return mediaConfig['@odata.type'] === '#microsoft.graph.appHostedMediaConfig' ? 'appHosted' : 'serviceHosted';
}

function fixtureCall(value: unknown, index: number): StoredCall {
  if (!isObject(value)) fail(`call ${index} is not an object`);
  const id = value['id'];
  if (typeof id !== 'string' || id === '') fail(`call ${index} has no string id`);
  const { '@odata.context': _context, ...rest } = value;
  const resource: Json = { '@odata.type': '#microsoft.graph.call', ...rest };
  return {
    id,
    resource,
    hosting: hostingOf(value['mediaConfig']),
    muted: false,
    recordingStatus: 'notRecording',
    operations: new Map(),
    timers: new Set(),
  };
}
