/**
 * Graph's throttling windows in Redis, shared by every replica (src/graph/budget/budget.ts decides when to take;
 * this file only keeps the windows). One sorted set per bucket (`comms:budget:{<app>}:<tenant>:<bucket>`) logs the
 * requests admitted in the last window, scored by Redis's own clock (`TIME`), so replicas with skewed clocks
 * agree; a bucket's `:pause` key, set with an expiry after a 429, stops every replica until Graph's Retry-After.
 *
 * One script takes a request's charges in all its buckets or in none, atomically (Redis runs one script at a
 * time): prune what left the window, refuse if any bucket lacks room for the cost or is paused (answering how long
 * until it would fit), else log the cost in every bucket. That is a sliding-window log, so no window of
 * `windowMs`, wherever it starts, ever holds more than `limit` admitted requests.
 */
import { randomUUID } from 'node:crypto';
import type { ScopedCharge, SharedBudgetStore } from '../graph/budget/store.js';
import type { RedisConnection } from './connection.js';

const PREFIX = 'comms:budget:';

/**
 * KEYS: n bucket sets, then their n pause keys. ARGV: a unique member prefix, then cost, limit, windowMs per bucket.
 * Returns 0 when taken, else the milliseconds until it could be, or -1 when a cost exceeds its bucket's limit.
 */
export const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = #KEYS / 2
local wait = 0
for i = 1, n do
  local cost = tonumber(ARGV[3 * i - 1])
  local limit = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  if cost > limit then return -1 end
  local paused = redis.call('PTTL', KEYS[n + i])
  if paused > wait then wait = paused end
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local over = redis.call('ZCARD', KEYS[i]) + cost - limit
  if over > 0 then
    local leaving = redis.call('ZRANGE', KEYS[i], over - 1, over - 1, 'WITHSCORES')
    local free = math.max(1, tonumber(leaving[2]) + window - now)
    if free > wait then wait = free end
  end
end
if wait > 0 then return wait end
for i = 1, n do
  local cost = tonumber(ARGV[3 * i - 1])
  local entries = {}
  for c = 1, cost do
    entries[#entries + 1] = now
    entries[#entries + 1] = ARGV[1] .. ':' .. i .. ':' .. c
  end
  redis.call('ZADD', KEYS[i], unpack(entries))
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3 * i + 1]))
end
return 0
`;

/** KEYS: pause keys; ARGV[1]: milliseconds. Never shortens a longer pause another replica set. */
const PAUSE_SCRIPT = `
for i = 1, #KEYS do
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[i], '1', 'PX', ARGV[1]) end
end
return 0
`;

export function createRedisBudgetStore(redis: RedisConnection): SharedBudgetStore {
  // Members must be unique across replicas and takes: this process's id and a counter.
  const replica = randomUUID();
  let taken = 0;
  return {
    get up() {
      return redis.up;
    },
    async take(charges: readonly ScopedCharge[]) {
      taken += 1;
      const keys = [...charges.map((c) => PREFIX + c.key), ...charges.map((c) => `${PREFIX}${c.key}:pause`)];
      const args = [`${replica}:${taken}`, ...charges.flatMap((c) => [String(c.cost), String(c.limit), String(c.windowMs)])];
      const result = Number(await redis.run('take Graph budget', (client) => client.eval(TAKE_SCRIPT, { keys, arguments: args })));
      return result < 0 ? Infinity : result;
    },
    async pause(keys: readonly string[], ms: number) {
      const px = Math.max(1, Math.ceil(ms));
      const names = keys.map((key) => `${PREFIX}${key}:pause`);
      await redis.run('pause Graph budget', (client) => client.eval(PAUSE_SCRIPT, { keys: names, arguments: [String(px)] }));
    },
  };
}
