/**
 * The call record a finished call leaves behind, as Graph builds it: the first version some time after the
 * call ends, a later version (one more session, a higher `version`) some time after that (CALLS-LIVE.md 0.2;
 * REFERENCE.md 1.10). Its id is the call's `callChainId`.
 */
import type { Json, StoredCall, StoredCallRecord } from './store.js';

/** Who took part, as the call itself names them: the bot (the app) and the other side. */
function identitiesOf(call: StoredCall): Json[] {
  const sets: Json[] = [];
  const source = call.resource['source'];
  if (isJson(source) && isJson(source['identity'])) sets.push(source['identity']);
  const targets = call.resource['targets'];
  if (Array.isArray(targets)) for (const target of targets) if (isJson(target) && isJson(target['identity'])) sets.push(target['identity']);
  return sets;
}

/** The id of the one identity an identitySet carries (user, application, phone, ...). */
function idOf(set: Json): string | undefined {
  for (const value of Object.values(set)) if (isJson(value) && typeof value['id'] === 'string') return value['id'];
  return undefined;
}

function endpoint(identity: Json | undefined): Json {
  return {
    '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
    name: null,
    associatedIdentity: identity ? (Object.values(identity).find(isJson) ?? null) : null,
    userAgent: {
      '@odata.type': '#microsoft.graph.callRecords.clientUserAgent',
      headerValue: 'RTCC/7.0.0.0 (simulated)',
      applicationVersion: null,
      platform: 'unknown',
      productFamily: 'teams',
      azureADAppId: null,
      communicationServiceId: null,
    },
  };
}

function session(
  id: string,
  caller: Json | undefined,
  callee: Json | undefined,
  startMs: number,
  endMs: number,
  modalities: string[],
): Json {
  return {
    id,
    modalities,
    startDateTime: new Date(startMs).toISOString(),
    endDateTime: new Date(endMs).toISOString(),
    isTest: false,
    caller: endpoint(caller),
    callee: endpoint(callee),
    failureInfo: null,
    segments: [
      {
        id: `${id}-1`,
        startDateTime: new Date(startMs).toISOString(),
        endDateTime: new Date(endMs).toISOString(),
        caller: endpoint(caller),
        callee: endpoint(callee),
        failureInfo: null,
        media: [],
      },
    ],
  };
}

/**
 * Version `version` of the record of `call`, which ran from `startMs` to `endMs` (data clock), last modified at
 * `modifiedMs`. Version 1 has one session; each later version adds one (a late-reported leg), as Graph revises.
 */
export function callRecordOfCall(
  call: StoredCall,
  span: { startMs: number; endMs: number; modifiedMs: number },
  version: number,
): StoredCallRecord {
  const id = String(call.resource['callChainId'] ?? call.id);
  const identities = identitiesOf(call);
  const [caller, callee] = [identities[0], identities[1] ?? identities[0]];
  const modalities = Array.isArray(call.resource['requestedModalities'])
    ? (call.resource['requestedModalities'] as unknown[]).filter((m): m is string => typeof m === 'string')
    : ['audio'];
  const sessions: Json[] = [];
  for (let n = 1; n <= version; n++) sessions.push(session(`${id}-s${n}`, caller, callee, span.startMs, span.endMs, modalities));
  const participants = identities.map((identity) => ({ id: idOf(identity) ?? null, identity, administrativeUnitInfos: [] }));
  const organizer = identities[0];
  const record: Json = {
    id,
    version,
    type: identities.length > 2 ? 'groupCall' : 'peerToPeer',
    modalities,
    lastModifiedDateTime: new Date(span.modifiedMs).toISOString(),
    startDateTime: new Date(span.startMs).toISOString(),
    endDateTime: new Date(span.endMs).toISOString(),
    joinWebUrl: null,
    'organizer_v2@odata.context': null,
    organizer_v2: organizer ? { id: idOf(organizer) ?? null, identity: organizer } : null,
  };
  const participantIds = new Set(identities.map(idOf).filter((v): v is string => v !== undefined));
  return {
    id,
    startMs: span.startMs,
    endMs: span.endMs,
    record,
    participantIds,
    participants: () => participants,
    sessions: () => sessions,
  };
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
