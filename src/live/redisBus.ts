/**
 * The EventBus over Redis pub/sub: every replica subscribes to all live channels once (a pattern), and delivers
 * what Redis sends to this process's listeners through an in-process bus. So a listener gets an event once,
 * whichever replica published it, in the order Redis received them. While Redis is unavailable, `publish`
 * delivers to this process's listeners only; sharing resumes when Redis answers again.
 *
 * Live-call changes themselves are published by the shared call state's commit script (src/redis/liveCallState.ts)
 * on `redisChannel(...)`, so a change and its event are one atomic step in Redis.
 *
 * On the wire an event travels in an envelope with the publisher's clock (`encodeLiveEvent`), so each replica can
 * measure the fan-out lag (`comms_live_fanout_lag_seconds`: publisher's clock to this replica's delivery, so it
 * includes the clock skew between hosts). A bare event (from a replica of an earlier version) is accepted too.
 */
import { Histogram, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';
import type { RedisConnection } from '../redis/connection.js';
import { typedBus, type EventBus, type LiveEvent } from './events.js';
import { createLocalBus } from './memoryBus.js';

const PREFIX = 'comms:live:';

/** The Redis channel of a bus channel. */
export function redisChannel(channel: string): string {
  return `${PREFIX}${channel}`;
}

interface Envelope {
  sentAt: number;
  event: LiveEvent;
}

/** The message published for `event`: the envelope with this process's clock. */
export function encodeLiveEvent(event: LiveEvent, now: number = Date.now()): string {
  return JSON.stringify({ sentAt: now, event } satisfies Envelope);
}

/** The event of a message and when it was sent; `sentAt` undefined for a bare event. */
function decodeLiveEvent(message: string): { event: LiveEvent; sentAt?: number } {
  const parsed = JSON.parse(message) as Partial<Envelope> | LiveEvent;
  if (typeof parsed === 'object' && parsed !== null && 'sentAt' in parsed && typeof parsed.sentAt === 'number' && 'event' in parsed)
    return { event: parsed.event as LiveEvent, sentAt: parsed.sentAt };
  return { event: parsed as LiveEvent };
}

export function createRedisEventBus(redis: RedisConnection, logger: Logger, registry?: Registry): EventBus {
  const local = createLocalBus(logger);
  const lag = new Histogram({
    name: 'comms_live_fanout_lag_seconds',
    help: "Live events through Redis: from the publishing replica's clock to delivery on this one (includes clock skew between hosts)",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: registry ? [registry] : [],
  });
  let closed = false;
  redis
    .psubscribe(`${PREFIX}*`, (message, channel) => {
      if (closed) return;
      let decoded: { event: LiveEvent; sentAt?: number };
      try {
        decoded = decodeLiveEvent(message);
      } catch (error) {
        logger.error({ err: error, channel }, 'a live event from Redis is not JSON: dropped');
        return;
      }
      if (decoded.sentAt !== undefined) lag.observe(Math.max(0, Date.now() - decoded.sentAt) / 1000);
      void local.publish(channel.slice(PREFIX.length), decoded.event);
    })
    .catch((error: unknown) => logger.error({ err: error }, 'could not subscribe to live events on Redis'));

  return typedBus({
    async publish(channel, event) {
      if (redis.up) {
        try {
          await redis.run('PUBLISH', (client) => client.publish(redisChannel(channel), encodeLiveEvent(event)));
          return;
        } catch {
          // Logged by the connection (once per transition): this process's listeners still get it.
        }
      }
      await local.publish(channel, event);
    },
    subscribe: (channel, listener) => local.subscribe(channel, listener),
    async close() {
      closed = true;
      await local.close();
    },
  });
}
