import type { EnvReader } from './reader.js';

/** GraphQL subscriptions over graphql-ws on `/graphql`: how many, and how long an idle socket lives. */
export interface SubscriptionSettings {
  /** Open WebSocket connections, all callers together; more are refused at the handshake (503). Default 1000. */
  maxConnections: number;
  /** Subscriptions at once on one connection. Default 20. */
  maxPerConnection: number;
  /** Subscriptions at once of one caller (a token's subject), across connections. Default 100. */
  maxPerCaller: number;
  /** Ping interval; a socket that misses a pong within it is closed. Default 12 000 ms. */
  keepAliveMs: number;
  /** How long a new socket may wait before `connection_init`. Default 3000 ms. */
  connectionInitTimeoutMs: number;
  /** Largest accepted WebSocket message. Default 64 KiB. */
  maxMessageBytes: number;
  /** How long a connection may stay open without a subscription before it is closed (4408). Default 300 000 ms. */
  idleTimeoutMs: number;
}

export function readSubscriptions(read: EnvReader): SubscriptionSettings {
  return {
    maxConnections: read.int('WS_MAX_CONNECTIONS', 1000, 1, 100_000),
    maxPerConnection: read.int('WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', 20, 1, 1000),
    maxPerCaller: read.int('WS_MAX_SUBSCRIPTIONS_PER_CALLER', 100, 1, 100_000),
    keepAliveMs: read.int('WS_KEEPALIVE_MS', 12_000, 1000, 300_000),
    connectionInitTimeoutMs: read.int('WS_CONNECTION_INIT_TIMEOUT_MS', 3000, 100, 60_000),
    maxMessageBytes: read.int('WS_MAX_MESSAGE_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    idleTimeoutMs: read.int('WS_IDLE_TIMEOUT_MS', 300_000, 100, 86_400_000),
  };
}
