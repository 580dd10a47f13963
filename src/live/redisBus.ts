/**
 * The EventBus over Redis pub/sub: every replica subscribes to all live channels once (a pattern), and delivers
 * what Redis sends to this process's listeners through an in-process bus. So a listener gets an event once,
 * whichever replica published it, in the order Redis received them. While Redis is unavailable, `publish`
 * delivers to this process's listeners only; sharing resumes when Redis answers again.
 *
 * Live-call changes themselves are published by the shared call state's commit script (src/redis/liveCallState.ts)
 * on `redisChannel(...)`, so a change and its event are one atomic step in Redis.
 */
import type { Logger } from '../observability/logger.js';
import type { RedisConnection } from '../redis/connection.js';
import { typedBus, type EventBus, type LiveEvent } from './events.js';
import { createLocalBus } from './memoryBus.js';

const PREFIX = 'comms:live:';

/** The Redis channel of a bus channel. */
export function redisChannel(channel: string): string {
  return `${PREFIX}${channel}`;
}

export function createRedisEventBus(redis: RedisConnection, logger: Logger): EventBus {
  const local = createLocalBus(logger);
  let closed = false;
  redis
    .psubscribe(`${PREFIX}*`, (message, channel) => {
      if (closed) return;
      let event: LiveEvent;
      try {
        event = JSON.parse(message) as LiveEvent;
      } catch (error) {
        logger.error({ err: error, channel }, 'a live event from Redis is not JSON: dropped');
        return;
      }
      void local.publish(channel.slice(PREFIX.length), event);
    })
    .catch((error: unknown) => logger.error({ err: error }, 'could not subscribe to live events on Redis'));

  return typedBus({
    async publish(channel, event) {
      if (redis.up) {
        try {
          await redis.run('PUBLISH', (client) => client.publish(redisChannel(channel), JSON.stringify(event)));
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
