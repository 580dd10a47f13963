import DataLoader from 'dataloader';
import type { CallRecordCache } from '../callRecordCache/cache.js';
import { GatewayErrorCode, type GatewayError } from '../errors/index.js';
import { buildQuery, selectOption } from '../graph/odata.js';
import type { GraphCallRecord } from '../graph/types.js';
import type { OperationGraph } from '../upstream/operationGraph.js';
import { batchGet, segment } from './graphBatch.js';
import { drainExpandedCollections } from './nextLinks.js';
import type { CallRecordExpansion } from './projection.js';

/**
 * Call records through the version-keyed cache (src/callRecordCache/). Both loaders live as long as one operation,
 * like the others; the cache behind them is the process's (and, with Redis, the deployment's).
 */

/** One expansion of one version of a record: what the record's field resolvers ask for. */
export interface RecordExpansionKey {
  id: string;
  version: string;
  expansion: CallRecordExpansion;
}

/** A record by id, current (within the freshness window), with the properties and expansions the operation selected. */
export interface CurrentRecordKey {
  id: string;
  /** Graph properties wanted; a cached record lacking one of them is fetched again (with the ones it had). */
  select: readonly string[];
  expansions: readonly CallRecordExpansion[];
}

export type ExpansionLoader = DataLoader<RecordExpansionKey, unknown[], string>;
export type CurrentRecordLoader = DataLoader<CurrentRecordKey, GraphCallRecord, string>;

/** The record property an expansion fills. */
export function expandedProperty(expansion: CallRecordExpansion): 'sessions' | 'participants_v2' {
  return expansion === 'participants_v2' ? 'participants_v2' : 'sessions';
}

/** A record's version as the cache keys it, or undefined when Graph's answer had none (then nothing is cached). */
export function versionOf(record: GraphCallRecord | undefined): string | undefined {
  const version = record?.version;
  return typeof version === 'number' || typeof version === 'string' ? String(version) : undefined;
}

/**
 * Expansions by (id, version, expansion): cached ones cost nothing; the others are one GET each (`$select=id,version`
 * and the one `$expand` Graph allows), all in the operation's `$batch`, with their nextLink pages followed.
 */
export function createExpansionLoader(graph: OperationGraph, cache: CallRecordCache): ExpansionLoader {
  return new DataLoader<RecordExpansionKey, unknown[], string>(
    async (keys) => {
      const out: Array<unknown[] | Error | undefined> = await cache.getExpansions(keys);
      const missing = keys.flatMap((key, i) => (out[i] === undefined ? [{ key, i }] : []));
      const fetched = await fetchRecords(
        graph,
        missing.map(({ key }) => ({ id: key.id, select: ['id', 'version'], expand: key.expansion })),
      );
      missing.forEach(({ key, i }, n) => {
        const body = fetched[n] as GraphCallRecord | GatewayError;
        if (body instanceof Error) {
          out[i] = body;
          return;
        }
        const collection = expandedOf(body, key.expansion);
        // A record that moved since its page was listed answers its new version: cached under that one.
        const version = versionOf(body);
        if (version !== undefined) cache.setExpansion({ id: key.id, version, expansion: key.expansion }, collection);
        out[i] = collection;
      });
      return out as Array<unknown[] | Error>;
    },
    { cacheKeyFn: (key) => `${key.id}\0${key.version}\0${key.expansion}` },
  );
}

/**
 * Records by id for `callRecord(id)` and federation references. A cached record confirmed within the freshness window
 * is served as is; an older one is revalidated with a GET of `id,version` (the same version keeps the cached record
 * and expansions); any other is fetched whole, its first expansion riding on its GET and the others beside it in the
 * same `$batch`, as without the cache.
 */
export function createCurrentRecordLoader(graph: OperationGraph, cache: CallRecordCache, expansions: ExpansionLoader): CurrentRecordLoader {
  return new DataLoader<CurrentRecordKey, GraphCallRecord, string>(
    async (keys) => {
      const lookups = await cache.getRecords(keys.map((key) => key.id));
      const out: Array<GraphCallRecord | Error | undefined> = keys.map(() => undefined);
      const known: Array<{ i: number; version: string; record: GraphCallRecord }> = [];
      const stale: number[] = [];
      lookups.forEach((lookup, i) => {
        if (!lookup || !covers(lookup.entry.select, keys[i]!.select)) return;
        if (lookup.fresh) known.push({ i, version: lookup.entry.version, record: lookup.entry.record });
        else stale.push(i);
      });

      const checked = await fetchRecords(
        graph,
        stale.map((i) => ({ id: keys[i]!.id, select: ['id', 'version'] })),
      );
      stale.forEach((i, n) => {
        const body = checked[n] as GraphCallRecord | GatewayError;
        const { entry } = lookups[i]!;
        if (body instanceof Error) {
          // Gone from Graph (past retention): so is the cached copy.
          if (body.code === GatewayErrorCode.NotFound) void cache.evict(keys[i]!.id);
          out[i] = body;
          return;
        }
        const unchanged = versionOf(body) === entry.version;
        cache.countRevalidation(unchanged);
        if (!unchanged) return;
        cache.setRecord(keys[i]!.id, { ...entry, confirmedAt: Date.now() });
        known.push({ i, version: entry.version, record: entry.record });
      });

      const whole = keys.flatMap((key, i) => {
        if (out[i] !== undefined || known.some((k) => k.i === i)) return [];
        // Whatever the cached entry held is asked for again, so that entries grow to serve every selection seen.
        const held = lookups[i]?.entry.select ?? [];
        return [{ key, i, select: [...new Set(['id', 'version', ...key.select, ...held])].sort() }];
      });
      await Promise.all([fetchWhole(graph, cache, whole, out), attachCached(expansions, keys, known, out)]);
      return out as Array<GraphCallRecord | Error>;
    },
    { cacheKeyFn: (key) => `${key.id}\0${key.select.join(',')}\0${key.expansions.join(',')}` },
  );
}

async function attachCached(
  expansions: ExpansionLoader,
  keys: readonly CurrentRecordKey[],
  known: ReadonlyArray<{ i: number; version: string; record: GraphCallRecord }>,
  out: Array<GraphCallRecord | Error | undefined>,
): Promise<void> {
  await Promise.all(
    known.map(async ({ i, version, record }) => {
      const { id } = keys[i]!;
      const wanted = keys[i]!.expansions;
      const loaded = await expansions.loadMany(wanted.map((expansion) => ({ id, version, expansion })));
      const failed = loaded.find((value): value is Error => value instanceof Error);
      if (failed) {
        out[i] = failed;
        return;
      }
      const complete: GraphCallRecord = { ...record };
      wanted.forEach((expansion, n) => Object.assign(complete, { [expandedProperty(expansion)]: loaded[n] }));
      out[i] = complete;
    }),
  );
}

async function fetchWhole(
  graph: OperationGraph,
  cache: CallRecordCache,
  whole: ReadonlyArray<{ key: CurrentRecordKey; i: number; select: string[] }>,
  out: Array<GraphCallRecord | Error | undefined>,
): Promise<void> {
  // Per record: its properties with the first expansion, then one GET per further expansion (Graph expands one
  // relationship per request), all in one `$batch`.
  const requests = whole.flatMap(({ key, select }) => [
    { id: key.id, select, expand: key.expansions[0] },
    ...key.expansions.slice(1).map((expand) => ({ id: key.id, select: ['id', 'version'], expand })),
  ]);
  const bodies = await fetchRecords(graph, requests);
  let n = 0;
  for (const { key, i, select } of whole) {
    const parts = bodies.slice(n, n + Math.max(key.expansions.length, 1)) as Array<GraphCallRecord | GatewayError>;
    n += parts.length;
    const failed = parts.find((part): part is GatewayError => part instanceof Error);
    if (failed) {
      out[i] = failed;
      continue;
    }
    const [head, ...others] = parts as GraphCallRecord[];
    const record = withoutExpansions(head!);
    const version = versionOf(head);
    if (version !== undefined) cache.setRecord(key.id, { version, confirmedAt: Date.now(), select, record });
    const complete: GraphCallRecord = { ...record };
    key.expansions.forEach((expansion, e) => {
      const body = e === 0 ? head! : others[e - 1]!;
      const collection = expandedOf(body, expansion);
      const answered = versionOf(body);
      if (answered !== undefined) cache.setExpansion({ id: key.id, version: answered, expansion }, collection);
      Object.assign(complete, { [expandedProperty(expansion)]: collection });
    });
    out[i] = complete;
  }
}

/** GETs of records by id through the operation's `$batch`, each with its expanded collections complete. */
async function fetchRecords(
  graph: OperationGraph,
  requests: ReadonlyArray<{ id: string; select: readonly string[]; expand?: CallRecordExpansion }>,
): Promise<Array<GraphCallRecord | GatewayError>> {
  if (requests.length === 0) return [];
  const paths = requests.map(
    ({ id, select, expand }) =>
      `/communications/callRecords/${segment(id)}${buildQuery({ $select: selectOption(select), $expand: expand })}`,
  );
  const bodies = await batchGet<GraphCallRecord>(graph, paths);
  return Promise.all(
    paths.map((path) => {
      const body = bodies.get(path) as GraphCallRecord | GatewayError;
      return body instanceof Error ? body : drainExpandedCollections(graph, body);
    }),
  );
}

function covers(held: readonly string[], wanted: readonly string[]): boolean {
  return wanted.every((property) => held.includes(property));
}

function expandedOf(body: GraphCallRecord, expansion: CallRecordExpansion): unknown[] {
  const value = body[expandedProperty(expansion)];
  return Array.isArray(value) ? value : [];
}

/** The record's own properties: its expanded collections and their annotations are cached on their own. */
function withoutExpansions(body: GraphCallRecord): GraphCallRecord {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !/^(sessions|participants_v2)(@|$)/.test(key))) as GraphCallRecord;
}
