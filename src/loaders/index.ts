import DataLoader from 'dataloader';
import { buildQuery, selectOption } from '../graph/odata.js';
import type { GraphCall, GraphCallRecord, GraphParticipant } from '../graph/types.js';
import { batchGet, segment } from './graphBatch.js';
import { drainExpandedCollections } from './nextLinks.js';
import type { OperationGraph } from '../upstream/operationGraph.js';
import type { CallRecordExpansion } from './projection.js';
import type { CallRecordCache } from '../callRecordCache/cache.js';
import { createCurrentRecordLoader, createExpansionLoader, type CurrentRecordLoader, type ExpansionLoader } from './cachedCallRecords.js';

/** A call or call record wanted with these Graph properties. */
export interface EntityKey {
  id: string;
  select: readonly string[];
}

export interface CallRecordKey extends EntityKey {
  /** One expansion per key; a record needing two is two keys. */
  expand?: CallRecordExpansion;
}

export interface Loaders {
  call: DataLoader<EntityKey, GraphCall>;
  /** A record by id with the properties the operation selected (cursor completion, records without a version). */
  callRecord: DataLoader<CallRecordKey, GraphCallRecord>;
  /** A record by id through the version-keyed cache, with its expansions inline (callRecord(id), references). */
  currentCallRecord: CurrentRecordLoader;
  /** One expansion of one version of a record, through the version-keyed cache (a page's records). */
  callRecordExpansion: ExpansionLoader;
  /** A live call's roster by call id (GET .../participants); Graph documents no paging for it. */
  participants: DataLoader<string, GraphParticipant[]>;
}

/**
 * Fresh loaders for one operation: their caches live as long as the operation, never longer. Keys that
 * name the same entity (and expansion) are merged into one Graph GET whose `$select` is the union of
 * the keys' selections, so K distinct entities cost ceil(K/20) `$batch` requests.
 */
export function createLoaders(graph: OperationGraph, cache: CallRecordCache): Loaders {
  const callRecordExpansion = createExpansionLoader(graph, cache);
  return {
    callRecordExpansion,
    currentCallRecord: createCurrentRecordLoader(graph, cache, callRecordExpansion),
    call: new DataLoader<EntityKey, GraphCall, string>(
      (keys) =>
        loadMerged(
          keys,
          (key) => key.id,
          (id, select) => `/communications/calls/${segment(id)}${query(select)}`,
          graph,
        ),
      { cacheKeyFn: (key) => `${key.id}\0${key.select.join(',')}` },
    ),
    callRecord: new DataLoader<CallRecordKey, GraphCallRecord, string>(
      async (keys) => {
        const results = await loadMerged<CallRecordKey, GraphCallRecord>(
          keys,
          (key) => `${key.id}\0${key.expand ?? ''}`,
          (_group, select, key) => `/communications/callRecords/${segment(key.id)}${query(select, key.expand)}`,
          graph,
        );
        return Promise.all(results.map((result) => (result instanceof Error ? result : drainExpandedCollections(graph, result))));
      },
      { cacheKeyFn: (key) => `${key.id}\0${key.expand ?? ''}\0${key.select.join(',')}` },
    ),
    participants: new DataLoader<string, GraphParticipant[]>(async (ids) => {
      const paths = ids.map((id) => `/communications/calls/${segment(id)}/participants`);
      const bodies = await batchGet<{ value?: GraphParticipant[] | null }>(graph, paths);
      return paths.map((path) => {
        const body = bodies.get(path);
        if (body instanceof Error) return body;
        return Array.isArray(body?.value) ? body.value : [];
      });
    }),
  };
}

async function loadMerged<K extends EntityKey, V>(
  keys: readonly K[],
  groupOf: (key: K) => string,
  pathOf: (group: string, select: readonly string[], key: K) => string,
  graph: OperationGraph,
): Promise<Array<V | Error>> {
  const groups = new Map<string, { key: K; select: Set<string> }>();
  for (const key of keys) {
    const group = groupOf(key);
    const entry = groups.get(group) ?? { key, select: new Set<string>() };
    for (const property of key.select) entry.select.add(property);
    groups.set(group, entry);
  }
  const pathByGroup = new Map<string, string>();
  for (const [group, { key, select }] of groups) pathByGroup.set(group, pathOf(group, [...select].sort(), key));
  const bodies = await batchGet<V>(graph, [...pathByGroup.values()]);
  return keys.map((key) => bodies.get(pathByGroup.get(groupOf(key)) as string) as V | Error);
}

function query(select: readonly string[], expand?: string): string {
  return buildQuery({ $select: selectOption(select), $expand: expand });
}
