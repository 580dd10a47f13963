/**
 * The version-keyed call-record cache (README "Call-record cache"). A call record changes only by `version`, so its
 * expansions (sessions with or without segments, participants_v2, each complete with its nextLink pages) are stored
 * under (tenant, API version, id, version, expansion) and never go stale: a record whose version moved simply misses.
 * The record's own properties are stored with the instant Graph last confirmed their version, so `callRecord(id)`
 * can serve them for a freshness window and revalidate after it.
 *
 * Two levels: this process's LRU (memoryLevel.ts), then Redis when the gateway has one. The Redis level is skipped
 * while the connection says Redis is down, and its writes are never awaited by an operation: a Redis outage is a
 * miss, never a wait or an error.
 *
 * Values are what Graph answered, so any caller allowed to read call records may be served them: callers are
 * authorized per operation before any resolver (and so before any read of this cache) runs.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RedisConnection } from '../redis/connection.js';
import type { Logger } from '../observability/logger.js';
import type { GraphCallRecord } from '../graph/types.js';
import type { CallRecordCacheSettings } from '../config/callRecordCache.js';
import { MemoryLevel } from './memoryLevel.js';
import type { CallRecordEviction } from './eviction.js';

/** One expansion of one version of a record. */
export interface ExpansionKey {
  id: string;
  version: string;
  /** Graph's `$expand` form, e.g. `sessions($expand=segments)`. */
  expansion: string;
}

/**
 * A record's own properties (no expansions) as Graph answered a `$select` of `select`, the version they belong to and
 * when Graph last confirmed that version.
 */
export interface CachedRecord {
  version: string;
  confirmedAt: number;
  select: string[];
  record: GraphCallRecord;
}

export interface RecordLookup {
  entry: CachedRecord;
  /** Confirmed within the freshness window: serve without asking Graph. */
  fresh: boolean;
}

export interface CallRecordCache extends CallRecordEviction {
  /** Expansions in key order; undefined for a miss at both levels. */
  getExpansions(keys: readonly ExpansionKey[]): Promise<Array<unknown[] | undefined>>;
  setExpansion(key: ExpansionKey, collection: unknown[]): void;
  /** The newest cached record of each id, in order; undefined for a miss. */
  getRecords(ids: readonly string[]): Promise<Array<RecordLookup | undefined>>;
  setRecord(id: string, entry: CachedRecord): void;
  /** After a revalidation: whether Graph still had the cached version. */
  countRevalidation(unchanged: boolean): void;
}

export interface CallRecordCacheOptions {
  settings: CallRecordCacheSettings;
  /** Whose records: the app's tenant and the Graph API version are part of every key. */
  tenantId: string;
  apiVersion: string;
  redis: RedisConnection | undefined;
  logger: Logger;
  registry: Registry | undefined;
  now?: () => number;
}

/** Replicas tell each other here which record's in-process entries to drop; the message is the record's key. */
export const EVICTION_CHANNEL = 'comms:callrecord:evicted';

const RECORD_FIELD = 'record';

/**
 * Writes fields of one record's hash, first dropping the fields of every other version (a record's old versions are
 * never read again), then renews the hash's TTL. KEYS[1] the hash; ARGV: TTL ms, the version written, field, value, ...
 */
const WRITE = `
local prefix = 'v' .. ARGV[2] .. ':'
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if field ~= '${RECORD_FIELD}' and string.sub(field, 1, #prefix) ~= prefix then redis.call('HDEL', KEYS[1], field) end
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

export function createCallRecordCache(options: CallRecordCacheOptions): CallRecordCache {
  const { settings, logger } = options;
  const now = options.now ?? Date.now;
  const log = logger.child({ component: 'callRecordCache' });
  const registers = options.registry ? [options.registry] : [];
  const lookups = new Counter({
    name: 'comms_callrecord_cache_lookups_total',
    help: 'Call-record cache lookups by level (memory, redis) and result (hit, miss)',
    labelNames: ['level', 'result'],
    registers,
  });
  const evictions = new Counter({
    name: 'comms_callrecord_cache_evictions_total',
    help: 'Call-record cache evictions: in-process entries pushed out by the bounds (capacity), records evicted on a change (change), and records dropped on word from another replica (peer)',
    labelNames: ['reason'],
    registers,
  });
  const revalidations = new Counter({
    name: 'comms_callrecord_cache_revalidations_total',
    help: 'Cached call records older than the freshness window checked against Graph, by result (unchanged, changed)',
    labelNames: ['result'],
    registers,
  });
  const memory = new MemoryLevel<unknown>({ maxEntries: settings.maxEntries, maxBytes: settings.maxBytes }, () =>
    evictions.inc({ reason: 'capacity' }),
  );
  new Gauge({
    name: 'comms_callrecord_cache_memory_bytes',
    help: "Bytes of JSON held by this process's call-record cache level",
    registers,
    collect() {
      this.set(memory.totalBytes);
    },
  });
  const redis = settings.redisTtlSeconds > 0 ? options.redis : undefined;
  const ttlMs = String(settings.redisTtlSeconds * 1000);
  const scope = `${options.tenantId}:${options.apiVersion}`;
  const recordKey = (id: string): string => `comms:callrecord:{${scope}:${id}}`;
  const expansionField = (key: ExpansionKey): string => `v${key.version}:${key.expansion}`;

  // Another replica evicted a record: drop this process's entries too (Redis's are gone already).
  if (redis) {
    redis
      .psubscribe(EVICTION_CHANNEL, (message) => {
        if (memory.deleteRecord(message) > 0) evictions.inc({ reason: 'peer' });
      })
      .catch((error: unknown) => log.warn({ err: error }, 'could not subscribe to call-record evictions'));
  }

  const count = (level: 'memory' | 'redis', hit: boolean): void => lookups.inc({ level, result: hit ? 'hit' : 'miss' });

  /** HMGETs of several hashes in one pipeline; undefined when Redis is skipped or fails (a miss, logged by the connection). */
  async function redisGet(requests: ReadonlyArray<{ key: string; fields: string[] }>): Promise<Array<Array<string | null>> | undefined> {
    if (!redis?.up || requests.length === 0) return undefined;
    try {
      return await redis.run('read call records', (client) =>
        Promise.all(requests.map(({ key, fields }) => client.hmGet(key, fields) as Promise<Array<string | null>>)),
      );
    } catch {
      return undefined;
    }
  }

  // Writes wait for the end of the tick, then go out as one pipeline with one timeout: a page's 120 expansions are
  // 60 scripts (one per record), not 120 commands each racing its own timer.
  const pending = new Map<string, { version: string; fields: string[] }>();
  let flushing = false;

  function redisWrite(key: string, version: string, field: string, json: string): void {
    if (!redis?.up) return;
    let entry = pending.get(key);
    if (entry?.version !== version) pending.set(key, (entry = { version, fields: [] }));
    entry.fields.push(field, json);
    if (flushing) return;
    flushing = true;
    setImmediate(() => {
      flushing = false;
      const batch = [...pending];
      pending.clear();
      if (!redis.up) return;
      redis
        .run('write call records', (client) =>
          Promise.all(batch.map(([k, e]) => client.eval(WRITE, { keys: [k], arguments: [ttlMs, e.version, ...e.fields] }))),
        )
        .catch(() => undefined);
    });
  }

  function parse<T>(json: string | null | undefined): T | undefined {
    if (typeof json !== 'string') return undefined;
    try {
      return JSON.parse(json) as T;
    } catch {
      return undefined;
    }
  }

  // Neither level keeps anything: spare the serialization that sizes and ships entries.
  const off = settings.maxEntries === 0 && redis === undefined;
  const isFresh = (entry: CachedRecord): boolean => now() - entry.confirmedAt < settings.freshnessMs;

  return {
    async getExpansions(keys) {
      const out: Array<unknown[] | undefined> = keys.map(
        (key) => memory.get(recordKey(key.id), expansionField(key)) as unknown[] | undefined,
      );
      const missing = keys.flatMap((key, i) => (out[i] === undefined ? [i] : []));
      for (let i = 0; i < keys.length; i++) count('memory', out[i] !== undefined);
      const answers = await redisGet(missing.map((i) => ({ key: recordKey(keys[i]!.id), fields: [expansionField(keys[i]!)] })));
      if (answers === undefined) return out;
      missing.forEach((i, n) => {
        const json = answers[n]?.[0];
        const value = parse<unknown[]>(json);
        count('redis', value !== undefined);
        if (value === undefined) return;
        const key = keys[i]!;
        memory.set(recordKey(key.id), expansionField(key), value, (json as string).length);
        out[i] = value;
      });
      return out;
    },

    setExpansion(key, collection) {
      if (off) return;
      const json = JSON.stringify(collection);
      memory.set(recordKey(key.id), expansionField(key), collection, json.length);
      redisWrite(recordKey(key.id), key.version, expansionField(key), json);
    },

    async getRecords(ids) {
      const local = ids.map((id) => memory.get(recordKey(id), RECORD_FIELD) as CachedRecord | undefined);
      const out: Array<RecordLookup | undefined> = local.map((entry) => entry && { entry, fresh: isFresh(entry) });
      // A stale local entry may have been confirmed since by another replica: Redis is asked too.
      const asked = ids.flatMap((_id, i) => (out[i]?.fresh ? [] : [i]));
      for (let i = 0; i < ids.length; i++) count('memory', out[i]?.fresh === true);
      const answers = await redisGet(asked.map((i) => ({ key: recordKey(ids[i]!), fields: [RECORD_FIELD] })));
      if (answers === undefined) return out;
      asked.forEach((i, n) => {
        const json = answers[n]?.[0];
        const shared = parse<CachedRecord>(json);
        count('redis', shared !== undefined);
        if (shared === undefined || (out[i] !== undefined && out[i]!.entry.confirmedAt >= shared.confirmedAt)) return;
        memory.set(recordKey(ids[i]!), RECORD_FIELD, shared, (json as string).length);
        out[i] = { entry: shared, fresh: isFresh(shared) };
      });
      return out;
    },

    setRecord(id, entry) {
      if (off) return;
      const json = JSON.stringify(entry);
      memory.set(recordKey(id), RECORD_FIELD, entry, json.length);
      redisWrite(recordKey(id), entry.version, RECORD_FIELD, json);
    },

    countRevalidation(unchanged) {
      revalidations.inc({ result: unchanged ? 'unchanged' : 'changed' });
    },

    async evict(id) {
      const key = recordKey(id);
      memory.deleteRecord(key);
      evictions.inc({ reason: 'change' });
      if (!redis?.up) return;
      try {
        // DEL first: a replica that hears of the eviction and misses locally must not find the old entry in Redis.
        await redis.run('evict call record', async (client) => {
          await client.del(key);
          await client.publish(EVICTION_CHANNEL, key);
        });
      } catch (error) {
        log.warn({ err: error, callRecordId: id }, 'could not evict a call record from Redis; its old versions expire with their TTL');
      }
    },
  };
}
