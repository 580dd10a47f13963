import type { Route, SimRequest, SimResponse } from '../types.js';
import { badRequest, notFound } from './errors.js';
import { parseExpand } from './odata/expand.js';
import { matchesStart, parseCallRecordFilter, type CallRecordFilter } from './odata/filter.js';
import { nextLink, pageSize, parsePreferences, preferenceApplied, type Preferences, type SkipTokens } from './odata/paging.js';
import { readQueryOptions } from './odata/query.js';
import { applySelect, parseSelect, selectContext } from './odata/select.js';
import { Permission } from './roles.js';
import type { CallRecordStore, Json, StoredCallRecord } from './store.js';

const RETENTION_MS = 30 * 86_400_000;
/** Default (and maximum) page of the list; the maximum is undocumented, so a larger preference is capped here. */
export const CALL_RECORDS_PAGE = 60;
export const SESSIONS_PAGE = 60;
export const PARTICIPANTS_PAGE = 130;

const RECORD_TYPE = 'microsoft.graph.callRecords.callRecord';
const RECORD_PROPERTIES = [
  'id',
  'version',
  'type',
  'modalities',
  'lastModifiedDateTime',
  'startDateTime',
  'endDateTime',
  'joinWebUrl',
  'organizer',
  'participants',
  'organizer_v2',
  'participants_v2',
  'sessions',
];
const RECORD_NAVIGATION = ['participants_v2', 'sessions'];
const SESSION_PROPERTIES = ['id', 'caller', 'callee', 'startDateTime', 'endDateTime', 'failureInfo', 'modalities', 'isTest', 'segments'];
const PARTICIPANT_PROPERTIES = ['id', 'identity', 'administrativeUnitInfos'];

export interface CallRecordDeps {
  records: CallRecordStore;
  tokens: SkipTokens;
  now: () => Date;
}

/** Call records exist from the end of the call for 30 days (Graph docs: List callRecords). */
function retained(record: StoredCallRecord, nowMs: number): boolean {
  return record.endMs <= nowMs && record.endMs > nowMs - RETENTION_MS;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = stripNulls(v);
    return out;
  }
  return value;
}

function headers(prefs: Preferences, applied: string | undefined): Record<string, string> {
  return preferenceApplied([applied, prefs.omitNulls ? 'omit-values=nulls' : undefined]);
}

function finish(prefs: Preferences, body: Json, applied?: string): SimResponse {
  return { status: 200, headers: headers(prefs, applied), body: prefs.omitNulls ? stripNulls(body) : body };
}

function renderRecord(req: SimRequest, stored: StoredCallRecord): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(stored.record)) {
    // Fixtures keep Graph's own URLs in the record; the annotation is rebased onto the simulator's base URL.
    out[key] =
      key === 'organizer_v2@odata.context'
        ? `${req.baseUrl}/$metadata#communications/callRecords('${stored.id}')/organizer_v2/$entity`
        : value;
  }
  return out;
}

function withoutSegments(session: Json): Json {
  const { segments: _segments, ...rest } = session;
  return rest;
}

function readOffset(position: unknown): number {
  if (position === undefined) return 0;
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
    throw badRequest('The $skiptoken is invalid: it was altered or issued for a different query.');
  }
  return position;
}

export function createCallRecordRoutes(deps: CallRecordDeps): Route[] {
  const findRecord = (id: string): StoredCallRecord => {
    const stored = deps.records.get(id);
    if (!stored || !retained(stored, deps.now().getTime())) {
      throw notFound(`The call record '${id}' was not found. Call records are available for 30 days after the call ends.`);
    }
    return stored;
  };

  const list: Route = {
    method: 'GET',
    pattern: '/communications/callRecords',
    name: 'callRecords.list',
    anyOfRoles: [Permission.CallRecordsRead],
    throttleKeys: () => ['callRecords:list'],
    handle(req) {
      const opts = readQueryOptions(req, ['$filter', '$select', '$expand', '$skiptoken'], 'the callRecords collection');
      if (opts.has('$expand')) {
        throw badRequest(
          "The query option '$expand' is not supported when listing callRecords; get a single record to expand sessions or participants_v2.",
        );
      }
      const rawFilter = opts.get('$filter');
      const filter: CallRecordFilter | undefined = rawFilter === undefined ? undefined : parseCallRecordFilter(rawFilter);
      const select = parseSelect(opts.get('$select'), RECORD_PROPERTIES, RECORD_TYPE);
      const prefs = parsePreferences(req.headers);
      const { size, applied } = pageSize(prefs, CALL_RECORDS_PAGE);
      const after = readPosition(deps.tokens.read(req, opts.get('$skiptoken')));
      const nowMs = deps.now().getTime();
      const page: StoredCallRecord[] = [];
      let more = false;
      for (const r of deps.records.all()) {
        if (after && (r.startMs < after.startMs || (r.startMs === after.startMs && r.id <= after.id))) continue;
        if (!retained(r, nowMs)) continue;
        if (filter && !matchesStart(filter, r.startMs)) continue;
        if (filter?.participantId !== undefined && !r.participantIds.has(filter.participantId)) continue;
        if (page.length === size) {
          more = true;
          break;
        }
        page.push(r);
      }
      const body: Json = { '@odata.context': `${req.baseUrl}/$metadata#communications/callRecords${selectContext(select)}` };
      const last = page[page.length - 1];
      if (more && last) body['@odata.nextLink'] = nextLink(req, deps.tokens.issue(req, [last.startMs, last.id]));
      body['value'] = page.map((r) => applySelect(renderRecord(req, r), select, RECORD_NAVIGATION));
      return finish(prefs, body, applied);
    },
  };

  const get: Route = {
    method: 'GET',
    pattern: '/communications/callRecords/{id}',
    name: 'callRecords.get',
    anyOfRoles: [Permission.CallRecordsRead],
    throttleKeys: (_req, params) => [`callRecords:record:${params['id'] ?? ''}`],
    handle(req, params) {
      const opts = readQueryOptions(req, ['$select', '$expand'], 'a callRecord');
      const select = parseSelect(opts.get('$select'), RECORD_PROPERTIES, RECORD_TYPE);
      const expand = parseRecordExpand(opts.get('$expand'));
      const stored = findRecord(params['id'] ?? '');
      const prefs = parsePreferences(req.headers);
      const body: Json = {
        '@odata.context': `${req.baseUrl}/$metadata#communications/callRecords${selectContext(select)}/$entity`,
        ...applySelect(renderRecord(req, stored), select, RECORD_NAVIGATION),
      };
      const recordPath = `/communications/callRecords/${stored.id}`;
      const recordContext = `${req.baseUrl}/$metadata#communications/callRecords('${stored.id}')`;
      if (expand.sessions) {
        const segments = expand.sessions === 'withSegments';
        const all = stored.sessions();
        body['sessions@odata.context'] = `${recordContext}/sessions${segments ? '(segments())' : ''}`;
        if (all.length > SESSIONS_PAGE) {
          const path = `${recordPath}/sessions`;
          const rawQuery = segments ? '$expand=segments' : '';
          const token = deps.tokens.issue({ path, query: new URLSearchParams(rawQuery) }, SESSIONS_PAGE);
          body['sessions@odata.nextLink'] = nextLink(req, token, path, rawQuery);
        }
        body['sessions'] = all.slice(0, SESSIONS_PAGE).map((s) => (segments ? s : withoutSegments(s)));
      }
      if (expand.participants) {
        const all = stored.participants();
        body['participants_v2@odata.context'] = `${recordContext}/participants_v2`;
        if (all.length > PARTICIPANTS_PAGE) {
          const path = `${recordPath}/participants_v2`;
          const token = deps.tokens.issue({ path, query: new URLSearchParams() }, PARTICIPANTS_PAGE);
          body['participants_v2@odata.nextLink'] = nextLink(req, token, path, '');
        }
        body['participants_v2'] = all.slice(0, PARTICIPANTS_PAGE);
      }
      return finish(prefs, body);
    },
  };

  const sessions: Route = {
    method: 'GET',
    pattern: '/communications/callRecords/{id}/sessions',
    name: 'callRecords.sessions',
    anyOfRoles: [Permission.CallRecordsRead],
    throttleKeys: (_req, params) => [`callRecords:record:${params['id'] ?? ''}`],
    handle(req, params) {
      const opts = readQueryOptions(req, ['$select', '$expand', '$skiptoken'], 'the sessions of a callRecord');
      const select = parseSelect(opts.get('$select'), SESSION_PROPERTIES, 'microsoft.graph.callRecords.session');
      const rawExpand = opts.get('$expand');
      let segments = false;
      if (rawExpand !== undefined) {
        const items = parseExpand(rawExpand);
        for (const item of items) {
          if (item.name !== 'segments') {
            throw badRequest(
              `Could not find a navigation property named '${item.name}' on type 'microsoft.graph.callRecords.session'; only 'segments' can be expanded.`,
            );
          }
          if (item.options.size) throw badRequest("Query options inside '$expand=segments(...)' are not supported.");
        }
        segments = items.length > 0;
      }
      const stored = findRecord(params['id'] ?? '');
      const prefs = parsePreferences(req.headers);
      const { size, applied } = pageSize(prefs, SESSIONS_PAGE);
      const offset = readOffset(deps.tokens.read(req, opts.get('$skiptoken')));
      const all = stored.sessions();
      const page = all.slice(offset, offset + size);
      const body: Json = {
        '@odata.context': `${req.baseUrl}/$metadata#communications/callRecords('${stored.id}')/sessions${selectContext(select)}`,
      };
      if (offset + size < all.length) body['@odata.nextLink'] = nextLink(req, deps.tokens.issue(req, offset + size));
      body['value'] = page.map((s) => applySelect(segments ? s : withoutSegments(s), select, ['segments']));
      return finish(prefs, body, applied);
    },
  };

  const participants: Route = {
    method: 'GET',
    pattern: '/communications/callRecords/{id}/participants_v2',
    name: 'callRecords.participants',
    anyOfRoles: [Permission.CallRecordsRead],
    throttleKeys: (_req, params) => [`callRecords:record:${params['id'] ?? ''}`],
    handle(req, params) {
      const opts = readQueryOptions(req, ['$select', '$skiptoken'], 'the participants_v2 of a callRecord');
      const select = parseSelect(opts.get('$select'), PARTICIPANT_PROPERTIES, 'microsoft.graph.callRecords.participant');
      const stored = findRecord(params['id'] ?? '');
      const prefs = parsePreferences(req.headers);
      const { size, applied } = pageSize(prefs, PARTICIPANTS_PAGE);
      const offset = readOffset(deps.tokens.read(req, opts.get('$skiptoken')));
      const all = stored.participants();
      const body: Json = {
        '@odata.context': `${req.baseUrl}/$metadata#communications/callRecords('${stored.id}')/participants_v2${selectContext(select)}`,
      };
      if (offset + size < all.length) body['@odata.nextLink'] = nextLink(req, deps.tokens.issue(req, offset + size));
      body['value'] = all.slice(offset, offset + size).map((p) => applySelect(p, select));
      return finish(prefs, body, applied);
    },
  };

  return [list, get, sessions, participants];
}

function readPosition(position: unknown): { startMs: number; id: string } | undefined {
  if (position === undefined) return undefined;
  if (Array.isArray(position) && position.length === 2 && typeof position[0] === 'number' && typeof position[1] === 'string') {
    return { startMs: position[0], id: position[1] };
  }
  throw badRequest('The $skiptoken is invalid: it was altered or issued for a different query.');
}

/** `$expand` on a single record: sessions, sessions($expand=segments), participants_v2, organizer_v2 (auto-expanded). */
function parseRecordExpand(raw: string | undefined): { sessions?: 'plain' | 'withSegments'; participants: boolean } {
  const result: { sessions?: 'plain' | 'withSegments'; participants: boolean } = { participants: false };
  if (raw === undefined) return result;
  for (const item of parseExpand(raw)) {
    if (item.name === 'sessions') {
      for (const [key, value] of item.options) {
        if (key !== '$expand' || value !== 'segments') {
          throw badRequest(`Only '$expand=segments' is supported inside 'sessions(...)', got '${key}=${value}'.`);
        }
      }
      result.sessions = item.options.size ? 'withSegments' : 'plain';
    } else if (item.name === 'participants_v2') {
      if (item.options.size) throw badRequest("Query options inside 'participants_v2(...)' are not supported.");
      result.participants = true;
    } else if (item.name === 'organizer_v2') {
      if (item.options.size) throw badRequest("Query options inside 'organizer_v2(...)' are not supported.");
    } else {
      throw badRequest(
        `Could not find a navigation property named '${item.name}' on type '${RECORD_TYPE}'; expandable: sessions, sessions($expand=segments), participants_v2, organizer_v2.`,
      );
    }
  }
  return result;
}
