/**
 * Live-call state shared by the replicas: one Redis hash per call (`seq`, the sequence of the last applied change,
 * and `state`, the call's whole ordering state as JSON) and a marker for ended calls. A replica applying a
 * notification reads the call's state, applies it with the same rules as alone (src/callbacks/liveCalls.ts), then
 * commits with a script that writes the new state and publishes its events only if `seq` is still the one it read
 * (compare-and-set); otherwise it reads again and re-applies. So every change of a call gets the next sequence
 * exactly once across replicas, a duplicate delivered to two replicas becomes one event, and the events of a call
 * are published in sequence order (Redis runs scripts one at a time and delivers pub/sub messages in order).
 */
import type { LiveCallEvent } from '../live/events.js';
import { encodeLiveEvent, redisChannel } from '../live/redisBus.js';
import type { RedisConnection } from './connection.js';

/** How long an active call's state lives without a change. */
const ACTIVE_TTL_MS = 24 * 3_600_000;
/** How long an ended call's id is remembered, so late notifications stay dropped after its state expired. */
const ENDED_TTL_MS = 24 * 3_600_000;

const COMMIT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'state', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ARGV[5] == '1' then redis.call('SET', KEYS[2], '1', 'PX', ARGV[6]) end
for i = 7, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
return 1
`;

export interface SharedLoad {
  /** The serialized state, or undefined for a call Redis does not hold. */
  state: string | undefined;
  sequence: number;
  ended: boolean;
}

export interface SharedCallStates {
  readonly up: boolean;
  load(callId: string): Promise<SharedLoad>;
  /** True when committed (and its events published); false when another replica changed the call first. */
  commit(
    callId: string,
    read: number,
    next: { sequence: number; state: string; terminated: boolean },
    events: ReadonlyArray<{ channel: string; event: LiveCallEvent }>,
  ): Promise<boolean>;
}

const keys = (callId: string): [string, string] => [`comms:call:{${callId}}:state`, `comms:call:{${callId}}:ended`];

export function createSharedCallStates(redis: RedisConnection, endedRetentionMs: number): SharedCallStates {
  return {
    get up() {
      return redis.up;
    },
    async load(callId) {
      const [stateKey, endedKey] = keys(callId);
      const [hash, ended] = await redis.run('load call state', (client) =>
        Promise.all([client.hGetAll(stateKey), client.exists(endedKey)]),
      );
      const fields = hash as Record<string, string>;
      return { state: fields['state'], sequence: Number(fields['seq'] ?? 0), ended: Number(ended) === 1 };
    },
    async commit(callId, read, next, events) {
      const args = [
        String(read),
        String(next.sequence),
        next.state,
        String(next.terminated ? Math.max(endedRetentionMs, 1) : ACTIVE_TTL_MS),
        next.terminated ? '1' : '0',
        String(ENDED_TTL_MS),
        ...events.flatMap(({ channel, event }) => [redisChannel(channel), encodeLiveEvent(event)]),
      ];
      const result = await redis.run('commit call state', (client) => client.eval(COMMIT, { keys: keys(callId), arguments: args }));
      return Number(result) === 1;
    },
  };
}
