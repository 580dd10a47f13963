import type { EnvReader } from './reader.js';

/** Redis, shared by the replicas of one deployment: live-call events and state (README "Running many replicas"). */
export interface RedisSettings {
  /** `redis://` or `rediss://` URL (`REDIS_URL`). Undefined: no Redis, everything stays in this process. */
  url: string | undefined;
  /** Longest wait for one Redis command (`REDIS_COMMAND_TIMEOUT_MS`); past it the replica works locally. Default 500 ms. */
  commandTimeoutMs: number;
}

export function readRedis(read: EnvReader): RedisSettings {
  return { url: readUrl(read), commandTimeoutMs: read.int('REDIS_COMMAND_TIMEOUT_MS', 500, 10, 60_000) };
}

function readUrl(read: EnvReader): string | undefined {
  const raw = read.str('REDIS_URL');
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
      read.problem(`REDIS_URL must be a redis:// or rediss:// URL, got "${url.protocol}//…"`);
    return url.href;
  } catch {
    read.problem('REDIS_URL must be a URL such as redis://127.0.0.1:6379');
    return undefined;
  }
}
