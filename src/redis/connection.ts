/**
 * The process's one Redis connection set: a command connection and a subscriber connection (a connection in
 * subscribe mode can run nothing else). Every command has `commandTimeoutMs`; the client reconnects by itself.
 * `up` says whether Redis answers now: callers fall back to their local behaviour while it is false. Each
 * transition is logged once and shown in metrics (`comms_redis_up`, `comms_redis_errors_total`).
 *
 * RESP2, deliberately: node-redis 6 speaks RESP3 by default, whose replies (maps, push messages) buy nothing for
 * the string commands, scripts and pub/sub used here, while RESP2 keeps plain arrays and strings and works the
 * same on every Redis the operators may run (Debian 12 ships 7.0, below node-redis's tested 7.2).
 */
import { createClient, type RedisClientType } from 'redis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';
import type { RedisSettings } from '../config/redis.js';

const PROBE_INTERVAL_MS = 1000;

export interface RedisConnection {
  /** True while Redis answers; false from the first failure until it answers again. */
  readonly up: boolean;
  /** A command with the timeout; rejects (and marks Redis down) on failure or timeout. */
  run<T>(what: string, command: (client: RedisClientType) => Promise<T>): Promise<T>;
  /** Pattern subscription on the subscriber connection; re-established by the client after a reconnect. */
  psubscribe(pattern: string, listener: (message: string, channel: string) => void): Promise<void>;
  close(): Promise<void>;
}

export function createRedisConnection(
  settings: RedisSettings & { url: string },
  logger: Logger,
  registry: Registry | undefined,
): RedisConnection {
  const log = logger.child({ component: 'redis' });
  const upGauge = new Gauge({
    name: 'comms_redis_up',
    help: 'Whether Redis answers (1) or the replica works on its own (0)',
    registers: registry ? [registry] : [],
  });
  const errors = new Counter({
    name: 'comms_redis_errors_total',
    help: 'Redis commands that failed or timed out, and connection errors',
    registers: registry ? [registry] : [],
  });
  const options = {
    url: settings.url,
    RESP: 2 as const,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: Math.max(settings.commandTimeoutMs, 1000),
      // Back off to 2 s at most; never give up.
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  };
  const client = createClient(options) as unknown as RedisClientType;
  // The subscriber queues its subscriptions until it connects; the client re-subscribes after each reconnect.
  const subscriber = client.duplicate({ disableOfflineQueue: false }) as RedisClientType;
  /** Undefined until the first connection or failure, so that the first state is logged too. */
  let up: boolean | undefined;
  let closed = false;

  function mark(next: boolean, error?: unknown): void {
    if (error !== undefined) errors.inc();
    if (next === up || closed) return;
    up = next;
    upGauge.set(next ? 1 : 0);
    if (next) log.info('Redis answers: live calls are shared with the other replicas');
    else log.warn({ err: error }, 'Redis is unavailable: this replica works on its own until it answers again');
  }

  for (const c of [client, subscriber]) {
    c.on('error', (error: unknown) => mark(false, error));
  }
  client.on('ready', () => subscriber.isReady && mark(true));
  subscriber.on('ready', () => client.isReady && mark(true));
  upGauge.set(0);
  // A command that timed out on a live socket (a stalled Redis) marks Redis down without any reconnect to follow,
  // so no 'ready' event would bring it back: while down and connected, a PING each second decides.
  const probe = setInterval(() => {
    if (up || closed || !client.isReady || !subscriber.isReady) return;
    void withTimeout(client.ping(), settings.commandTimeoutMs, 'PING').then(
      () => mark(true),
      () => errors.inc(),
    );
  }, PROBE_INTERVAL_MS);
  probe.unref();
  // Not awaited: a gateway starts (on its own) while Redis is down.
  for (const c of [client, subscriber]) c.connect().catch((error: unknown) => mark(false, error));

  return {
    get up() {
      return up === true && client.isReady && subscriber.isReady;
    },
    async run(what, command) {
      if (!client.isReady) throw new Error(`Redis is not connected (${what})`);
      try {
        return await withTimeout(command(client), settings.commandTimeoutMs, what);
      } catch (error) {
        mark(false, error);
        throw error;
      }
    },
    async psubscribe(pattern, listener) {
      await subscriber.pSubscribe(pattern, (message, channel) => listener(message, channel));
    },
    async close() {
      closed = true;
      clearInterval(probe);
      // A connection still trying to connect would wait for its queue forever: dropped instead.
      await Promise.allSettled([client, subscriber].map(async (c) => (c.isReady ? c.close() : c.destroy())));
    },
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis ${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
