import type { EnvReader } from './reader.js';

/**
 * The version-keyed call-record cache (README "Call-record cache"): an in-process LRU level, and a Redis level shared
 * by the replicas when `REDIS_URL` is set.
 */
export interface CallRecordCacheSettings {
  /** Entries the in-process level holds at most (`CALL_RECORD_CACHE_MAX_ENTRIES`); 0 turns that level off. Default 20 000. */
  maxEntries: number;
  /** Bytes of JSON the in-process level holds at most (`CALL_RECORD_CACHE_MAX_BYTES`). Default 128 MiB. */
  maxBytes: number;
  /** How long Redis keeps a record's entries after their last write (`CALL_RECORD_CACHE_REDIS_TTL_S`); 0 turns that level off. Default 86 400 s. */
  redisTtlSeconds: number;
  /**
   * How long `callRecord(id)` serves a cached record without asking Graph whether its version moved
   * (`CALL_RECORD_CACHE_FRESHNESS_MS`); 0 revalidates every time. Default 30 000 ms.
   */
  freshnessMs: number;
}

export function readCallRecordCache(read: EnvReader): CallRecordCacheSettings {
  return {
    maxEntries: read.int('CALL_RECORD_CACHE_MAX_ENTRIES', 20_000, 0, 10_000_000),
    maxBytes: read.int('CALL_RECORD_CACHE_MAX_BYTES', 128 * 1024 * 1024, 1024, 64 * 1024 * 1024 * 1024),
    redisTtlSeconds: read.int('CALL_RECORD_CACHE_REDIS_TTL_S', 86_400, 0, 30 * 86_400),
    freshnessMs: read.int('CALL_RECORD_CACHE_FRESHNESS_MS', 30_000, 0, 86_400_000),
  };
}
