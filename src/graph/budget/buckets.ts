/**
 * Graph's throttling buckets for the requests this gateway sends, and what each request costs in them
 * (REFERENCE.md section 5, "throttling-limits", cloud communications and call records). Graph counts every
 * request, and every item of a `$batch` as a request of its own, against each bucket its resource names; the
 * simulator's throttle (simulator/src/throttle.ts) enforces the same families with the same defaults, and a test
 * keeps the two tables equal.
 */

/** The bucket families the gateway budgets for. */
export type BudgetFamily = 'global' | 'callRecordsPerApp' | 'callRecordsList' | 'callRecord' | 'calls' | 'pstnCallLogs';

export interface RateLimit {
  /** Requests admitted per window. */
  limit: number;
  windowMs: number;
}

export type BudgetLimits = Readonly<Record<BudgetFamily, RateLimit>>;

/** Graph's documented limits, per app and tenant unless said otherwise. */
export const GRAPH_BUDGET_DEFAULTS: BudgetLimits = Object.freeze({
  /** Every request, per app across all tenants. */
  global: { limit: 130_000, windowMs: 10_000 },
  /** callRecord, session and participant requests together. */
  callRecordsPerApp: { limit: 1_500, windowMs: 20_000 },
  /** `GET /communications/callRecords` (the list), its pages included. */
  callRecordsList: { limit: 40, windowMs: 20_000 },
  /** Requests on one call record (the record, its sessions, its participants). */
  callRecord: { limit: 40, windowMs: 20_000 },
  /** Cloud-communications calls: create, get, actions, participants. */
  calls: { limit: 50_000, windowMs: 15_000 },
  /** The PSTN and Direct Routing call-log functions (getPstnCalls, getDirectRoutingCalls): 200 per 60 s per app and tenant. */
  pstnCallLogs: { limit: 200, windowMs: 60_000 },
});

export const BUDGET_FAMILIES = Object.keys(GRAPH_BUDGET_DEFAULTS) as BudgetFamily[];

/** One bucket a request counts against, and how many requests it counts for there. */
export interface BucketCharge {
  family: BudgetFamily;
  /** The bucket within its family: `callRecords:list`, `callRecords:record:<id>`, `calls`, ... */
  key: string;
  cost: number;
}

/**
 * The buckets one Graph request counts against, narrowest first (the one a 429 pauses; see `narrowest`).
 * `path` is relative to the versioned base; for `POST /$batch` the body's items are charged, each as the request
 * it carries, plus the envelope against the global bucket (Graph counts the envelope as a request too).
 */
export function chargesOf(method: string, path: string, body: string | undefined): BucketCharge[] {
  if (method === 'POST' && pathOnly(path) === '/$batch') return batchCharges(body);
  return merge([{ family: 'global', key: 'global', cost: 1 }, ...resourceCharges(path)]);
}

/** The bucket a 429 on this request pauses: its narrowest one (Graph does not say which bucket refused). */
export function narrowest(charges: readonly BucketCharge[]): BucketCharge | undefined {
  return charges[0];
}

function resourceCharges(path: string): BucketCharge[] {
  const segments = pathOnly(path).split('/').filter(Boolean);
  if (segments[0] !== 'communications') return [];
  if (segments[1] === 'calls') return [{ family: 'calls', key: 'calls', cost: 1 }];
  if (segments[1] !== 'callRecords') return [];
  const perApp: BucketCharge = { family: 'callRecordsPerApp', key: 'callRecords', cost: 1 };
  const id = segments[2];
  if (id === undefined) return [{ family: 'callRecordsList', key: 'callRecords:list', cost: 1 }, perApp];
  // Functions on the collection (getPstnCalls, getDirectRoutingCalls) have PSTN limits of their own, not a record's.
  if (id.includes('(') || id.startsWith('microsoft.graph.')) return [{ family: 'pstnCallLogs', key: 'pstnCallLogs', cost: 1 }];
  return [{ family: 'callRecord', key: `callRecords:record:${decodeSegment(id)}`, cost: 1 }, perApp];
}

function batchCharges(body: string | undefined): BucketCharge[] {
  const charges: BucketCharge[] = [{ family: 'global', key: 'global', cost: 1 }];
  let items: unknown;
  try {
    items = (JSON.parse(body ?? '{}') as { requests?: unknown }).requests;
  } catch {
    items = undefined;
  }
  if (Array.isArray(items)) {
    for (const item of items as Array<{ url?: unknown }>) {
      if (typeof item?.url !== 'string') continue;
      const url = item.url.startsWith('/') ? item.url : `/${item.url}`;
      charges.push({ family: 'global', key: 'global', cost: 1 }, ...resourceCharges(url));
    }
  }
  return merge(charges);
}

const ORDER: Record<BudgetFamily, number> = {
  callRecord: 0,
  callRecordsList: 1,
  pstnCallLogs: 2,
  calls: 3,
  callRecordsPerApp: 4,
  global: 5,
};

/** One charge per bucket, costs summed, narrowest family first (then by key, so equal requests list equal keys). */
function merge(charges: readonly BucketCharge[]): BucketCharge[] {
  const byKey = new Map<string, BucketCharge>();
  for (const charge of charges) {
    const seen = byKey.get(charge.key);
    if (seen) seen.cost += charge.cost;
    else byKey.set(charge.key, { ...charge });
  }
  return [...byKey.values()].sort((a, b) => ORDER[a.family] - ORDER[b.family] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
