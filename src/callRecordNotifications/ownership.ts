/**
 * Who owns the gateway's Graph subscription on call records, and what it is. Alone (no Redis) the process owns
 * it. With Redis, a lease (`SET NX PX`, renewed by its holder) names the one owning replica; the subscription's
 * id, clientState and expiry sit beside it, so that any replica can verify a notification and a new owner takes
 * over the same subscription instead of making a second. Replicas that want notifications keep a heartbeat, so an
 * owner shutting down knows whether it is the last one (and deletes the subscription) or hands it over.
 */
import type { RedisConnection } from '../redis/connection.js';

/** The Graph subscription as its owner created it. */
export interface SubscriptionRecord {
  id: string;
  clientState: string;
  /** ISO-8601, as Graph last said. */
  expirationDateTime: string;
}

export interface OwnershipStore {
  /** Takes ownership, or keeps it, for `ttlMs`; true when this replica owns the subscription now. */
  hold(ttlMs: number): Promise<boolean>;
  /** Gives up ownership if held (another replica takes over at its next try). */
  release(): Promise<void>;
  read(): Promise<SubscriptionRecord | undefined>;
  write(record: SubscriptionRecord): Promise<void>;
  clear(): Promise<void>;
  /** Says this replica wants notifications for another `ttlMs`. */
  heartbeat(ttlMs: number): Promise<void>;
  /** Other replicas whose heartbeat has not lapsed. */
  othersAlive(): Promise<number>;
  /** Withdraws this replica's heartbeat. */
  leave(): Promise<void>;
}

/** The single process: always the owner, the record in memory. */
export function createLocalOwnership(): OwnershipStore {
  let record: SubscriptionRecord | undefined;
  return {
    hold: () => Promise.resolve(true),
    release: () => Promise.resolve(),
    read: () => Promise.resolve(record),
    write(next) {
      record = next;
      return Promise.resolve();
    },
    clear() {
      record = undefined;
      return Promise.resolve();
    },
    heartbeat: () => Promise.resolve(),
    othersAlive: () => Promise.resolve(0),
    leave: () => Promise.resolve(),
  };
}

const KEYS = {
  owner: 'comms:callRecords:owner',
  subscription: 'comms:callRecords:subscription',
  replicas: 'comms:callRecords:replicas',
} as const;

/** Take the lease if free, renew it if ours; 1 when held by `replica` afterwards. */
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/** Drop the lease only if it is still ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Other replicas whose heartbeat is still in the future (lapsed ones are dropped first). */
const OTHERS = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local count = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then count = count - 1 end
return count`;

export function createRedisOwnership(redis: RedisConnection, replicaId: string): OwnershipStore {
  return {
    async hold(ttlMs) {
      const held = await redis.run('hold call-record subscription lease', (client) =>
        client.eval(HOLD, { keys: [KEYS.owner], arguments: [replicaId, String(ttlMs)] }),
      );
      return held === 1;
    },
    async release() {
      await redis.run('release call-record subscription lease', (client) =>
        client.eval(RELEASE, { keys: [KEYS.owner], arguments: [replicaId] }),
      );
    },
    // Plain commands as one-line scripts: the connection's command path is the one liveCallState.ts proves.
    async read() {
      const raw = await redis.run('read call-record subscription', (client) =>
        client.eval(`return redis.call('GET', KEYS[1])`, { keys: [KEYS.subscription], arguments: [] }),
      );
      return typeof raw === 'string' ? (JSON.parse(raw) as SubscriptionRecord) : undefined;
    },
    async write(record) {
      await redis.run('write call-record subscription', (client) =>
        client.eval(`return redis.call('SET', KEYS[1], ARGV[1])`, { keys: [KEYS.subscription], arguments: [JSON.stringify(record)] }),
      );
    },
    async clear() {
      await redis.run('clear call-record subscription', (client) =>
        client.eval(`return redis.call('DEL', KEYS[1])`, { keys: [KEYS.subscription], arguments: [] }),
      );
    },
    async heartbeat(ttlMs) {
      await redis.run('call-record replica heartbeat', (client) =>
        client.eval(`return redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])`, {
          keys: [KEYS.replicas],
          arguments: [String(Date.now() + ttlMs), replicaId],
        }),
      );
    },
    async othersAlive() {
      const count = await redis.run('count call-record replicas', (client) =>
        client.eval(OTHERS, { keys: [KEYS.replicas], arguments: [String(Date.now()), replicaId] }),
      );
      return Number(count);
    },
    async leave() {
      await redis.run('leave call-record replicas', (client) =>
        client.eval(`return redis.call('ZREM', KEYS[1], ARGV[1])`, { keys: [KEYS.replicas], arguments: [replicaId] }),
      );
    },
  };
}
