/**
 * Call-record change notifications, composed: the Graph subscription (owned by one replica at a time, keeper.ts
 * and ownership.ts), the HTTP endpoint Graph posts to (endpoint.ts), and the fan-out: every accepted notice goes
 * on the live bus (Redis pub/sub with REDIS_URL), and each replica, on hearing it, first tells the
 * `onCallRecordChanged` listeners (a call-record cache evicts the record there) and then its own subscribers.
 *
 * The Graph subscription starts with the first GraphQL subscriber of this replica (no Graph traffic for a
 * gateway nobody asks for call records), and a replica that has joined stays in until it stops.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { CallRecordNotificationSettings } from '../config/callRecordNotifications.js';
import { GatewayError, GatewayErrorCode } from '../errors/index.js';
import type { GraphClient } from '../graph/index.js';
import { liveChannels, type CallRecordChange, type CallRecordChanges, type EventBus } from '../live/events.js';
import type { Logger } from '../observability/logger.js';
import type { RedisConnection } from '../redis/connection.js';
import { createTokenBucket } from '../callbacks/tokenBucket.js';
import { createNotificationEndpoint } from './endpoint.js';
import { createSubscriptionKeeper, type SubscriptionKeeper } from './keeper.js';
import { createLocalOwnership, createRedisOwnership } from './ownership.js';

/** Told of each record Graph reports changed, on every replica, before subscribers fetch it (cache eviction). */
export type CallRecordChangedListener = (id: string) => Promise<void> | void;

export interface CallRecordFeedOptions {
  graph: GraphClient;
  settings: CallRecordNotificationSettings;
  redis: RedisConnection | undefined;
  bus: EventBus;
  /** The gateway's public base URL once listening (PUBLIC_URL, or the embedded simulator's loopback address). */
  publicBase: () => string | undefined;
  maxBodyBytes: number;
  rate: { perSecond: number; burst: number };
  accepting: () => boolean;
  requestTimeoutMs: number;
  logger: Logger;
  /** Listeners connected at wiring, e.g. the call-record cache's `evict(id)`. */
  onCallRecordChanged?: readonly CallRecordChangedListener[];
}

export interface CallRecordFeed extends CallRecordChanges {
  /** `/callbacks/callRecords` */
  handleNotifications: http.RequestListener;
  /** `/callbacks/callRecords/lifecycle` */
  handleLifecycle: http.RequestListener;
  /** Adds an `onCallRecordChanged` listener after wiring; returns its removal. */
  onCallRecordChanged(listener: CallRecordChangedListener): () => void;
  /** The Graph subscription as this replica knows it, and how many GraphQL subscribers listen here. */
  status(): ReturnType<SubscriptionKeeper['status']> & { listeners: number };
  close(): Promise<void>;
}

export const CALL_RECORD_NOTIFICATIONS_PATH = '/callbacks/callRecords';

export function createCallRecordFeed(options: CallRecordFeedOptions): CallRecordFeed {
  const logger = options.logger.child({ component: 'callRecordNotifications' });
  const replicaId = randomUUID();
  const store = options.redis ? createRedisOwnership(options.redis, replicaId) : createLocalOwnership();
  const evictors = new Set<CallRecordChangedListener>(options.onCallRecordChanged ?? []);
  const listeners = new Set<(change: CallRecordChange) => void>();
  let keeper: SubscriptionKeeper | undefined;
  // Notices are handled one after another: eviction of a record finishes before its subscribers fetch it.
  let chain: Promise<void> = Promise.resolve();

  const keeperFor = (base: string): SubscriptionKeeper =>
    (keeper ??= createSubscriptionKeeper({
      graph: options.graph,
      settings: options.settings,
      store,
      notificationUrl: `${base}${CALL_RECORD_NOTIFICATIONS_PATH}`,
      lifecycleNotificationUrl: `${base}${CALL_RECORD_NOTIFICATIONS_PATH}/lifecycle`,
      requestTimeoutMs: options.requestTimeoutMs,
      logger,
    }));

  const unsubscribe = options.bus.subscribe(liveChannels.callRecords, (notice) => {
    if (notice.type === 'callRecordLifecycle') {
      keeper?.lifecycle(notice.lifecycleEvent, notice.subscriptionId);
      return;
    }
    const change: CallRecordChange = { id: notice.id, changeType: notice.changeType };
    chain = chain.then(async () => {
      await Promise.all(
        [...evictors].map(async (evict) => {
          try {
            await evict(change.id);
          } catch (error) {
            logger.error({ err: error, callRecordId: change.id }, 'an onCallRecordChanged listener failed');
          }
        }),
      );
      for (const listener of [...listeners]) listener(change);
    });
  });

  const bucket = createTokenBucket(options.rate.perSecond, options.rate.burst);
  const endpoint = createNotificationEndpoint({
    maxBodyBytes: options.maxBodyBytes,
    accepting: options.accepting,
    admit: () => bucket.take(),
    // A replica that never joined still verifies: the owner's record is read from Redis (or is this process's own).
    clientState: (refresh) => {
      const base = options.publicBase();
      return base === undefined ? Promise.resolve(undefined) : keeperFor(base).clientState(refresh);
    },
    publish: async (notices) => {
      for (const notice of notices) await options.bus.publish(liveChannels.callRecords, notice);
    },
    logger,
  });

  return {
    handleNotifications: endpoint.notifications,
    handleLifecycle: endpoint.lifecycle,
    listen(listener) {
      const base = options.publicBase();
      if (base === undefined) {
        throw new GatewayError(
          GatewayErrorCode.UpstreamUnavailable,
          'Call-record notifications need the gateway to be reachable by Graph: set PUBLIC_URL.',
        );
      }
      keeperFor(base).start();
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onCallRecordChanged(listener) {
      evictors.add(listener);
      return () => evictors.delete(listener);
    },
    status: () => ({ ...(keeper?.status() ?? { started: false, owner: false, subscriptionId: undefined }), listeners: listeners.size }),
    async close() {
      unsubscribe();
      listeners.clear();
      await keeper?.stop();
      await chain;
    },
  };
}
