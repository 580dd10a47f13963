/**
 * The operations each scenario sends, and the fields they select written with Graph's property names
 * (`organizer` is `organizer_v2` on the wire), so the bench can weigh the selected fields' JSON in the
 * simulator's own data against the bytes Graph actually sent.
 */

/** A selection in Graph's property names: `true` keeps a value whole, an object keeps only its keys. */
export type Projection = { readonly [property: string]: true | Projection };

const CALL_SELECTION =
  'id state direction subject source { identity { application { id displayName } } } targets { identity { user { id displayName } } }';

export const CALL_PROJECTION: Projection = {
  id: true,
  state: true,
  direction: true,
  subject: true,
  source: { identity: { application: { id: true, displayName: true } } },
  targets: { identity: { user: { id: true, displayName: true } } },
};

/** Scenario 1: a page of 60 records with organizer, participants, sessions and segments. */
export const PAGE_60_QUERY = `query Page60 {
  callRecords(first: 60) {
    edges {
      cursor
      node {
        id type startDateTime endDateTime modalities
        organizer { identity { user { id displayName } phone { id } } }
        participants { identity { user { id displayName } guest { displayName } phone { id } } }
        sessions { id modalities segments { id media { label } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PAGE_60_PROJECTION: Projection = {
  id: true,
  type: true,
  startDateTime: true,
  endDateTime: true,
  modalities: true,
  organizer_v2: { identity: { user: { id: true, displayName: true }, phone: { id: true } } },
  participants_v2: { identity: { user: { id: true, displayName: true }, guest: { displayName: true }, phone: { id: true } } },
  sessions: { id: true, modalities: true, segments: { id: true, media: { label: true } } },
};

/** Scenario 2: one operation naming `ids.length` distinct calls through aliases. */
export function manyCallsQuery(ids: readonly string[]): string {
  return `query ManyCalls {\n${ids.map((id, i) => `  c${i}: call(id: ${JSON.stringify(id)}) { ${CALL_SELECTION} }`).join('\n')}\n}`;
}

/** Scenario 7: up to 100 call records by id in one operation (5 `$batch` requests of 20 when nothing is cached). */
export const RECORDS_BY_IDS_QUERY = `query RecordsByIds($ids: [ID!]!) { callRecordsByIds(ids: $ids) { id type startDateTime endDateTime } }`;

/** Scenarios 3 (and 2's unit): one call by id. */
export const ONE_CALL_QUERY = `query OneCall($id: ID!) { call(id: $id) { ${CALL_SELECTION} } }`;

/**
 * Scenario 6, peer-shaped: the plainest page, 60 records with three scalar fields, one `$select`ed list request.
 * The operation GraphQL Mesh was measured on side by side (LESSONS.md 11), so it weighs the gateway's
 * per-operation overhead (caller auth, logging, execution) rather than round trips.
 */
export const PEER_PAGE_QUERY = `query PeerPage { callRecords(first: 60) { nodes { id startDateTime type } } }`;
export const PEER_PAGE_PROJECTION: Projection = { id: true, startDateTime: true, type: true };

/** Scenario 4: forward paging, 100 records a page. */
export const PAGE_QUERY = `query Page($after: String) {
  callRecords(first: 100, after: $after) { nodes { id startDateTime type } pageInfo { hasNextPage endCursor } }
}`;
export const PAGE_SIZE = 100;
export const PAGE_PROJECTION: Projection = { id: true, startDateTime: true, type: true };

/** Scenario 5: the README's createCall, selecting what a bot needs next. */
export const CREATE_CALL_MUTATION = `mutation PlaceCall {
  createCall(input: {
    callbackUri: "https://bot.contoso.com/callback"
    requestedModalities: [AUDIO]
    targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5", displayName: "John" } } }]
    mediaConfig: { serviceHosted: { preFetchMedia: [] } }
  }) { id state myParticipantId }
}`;

/** The same input as Graph's create-call body sees it (for creating the calls scenarios 2 and 3 read). */
export const CREATE_CALL_INPUT = {
  callbackUri: 'https://bot.contoso.com/callback',
  requestedModalities: ['audio'],
  targets: [{ identity: { user: { id: '8b081ef6-4792-4def-b2c9-c363a1bf41d5', displayName: 'John' } } }],
  mediaConfig: { serviceHosted: { preFetchMedia: [] } },
};

export function body(query: string, variables?: Record<string, unknown>): string {
  return JSON.stringify(variables ? { query, variables } : { query });
}

/** Keeps only the projected properties of `value` (arrays element by element). */
export function project(value: unknown, projection: Projection): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, projection));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(projection)) {
    if (!(key in value)) continue;
    const v = (value as Record<string, unknown>)[key];
    out[key] = sub === true ? v : project(v, sub);
  }
  return out;
}

/** Bytes of the selected fields' JSON. */
export function selectedBytes(value: unknown, projection: Projection): number {
  return Buffer.byteLength(JSON.stringify(project(value, projection)));
}

/** The same selection at the granularity Graph's `$select` offers: each selected top-level property whole. */
export function topLevel(projection: Projection): Projection {
  return Object.fromEntries(Object.keys(projection).map((key) => [key, true] as const));
}
