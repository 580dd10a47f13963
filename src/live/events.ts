/**
 * What the gateway learns of live calls from Graph's notifications, as the rest of the gateway consumes it: the
 * events on the bus and the current state of each call the gateway follows. src/callbacks/ produces them (after
 * verifying, deduplicating and ordering Graph's notifications); GraphQL subscriptions consume them.
 */
import type { GraphCall, GraphCommsOperation, GraphParticipant } from '../graph/types.js';

/** One change of one call, in the order the gateway applied it. */
export type LiveCallEvent =
  /** The call's own state changed (`state`, `resultInfo`, `toneInfo`, `mediaState`, ...); `call` is the merged current state. */
  | { type: 'call'; callId: string; sequence: number; change: 'created' | 'updated' | 'deleted'; call: GraphCall }
  /** The roster changed; `participants` is the whole roster now, and `call.participants` the same. */
  | { type: 'roster'; callId: string; sequence: number; call: GraphCall; participants: GraphParticipant[] }
  /** A call-control operation finished (or changed status); `call` is the current state, with the operation in `call.operations`. */
  | { type: 'operation'; callId: string; sequence: number; call: GraphCall; operation: GraphCommsOperation };

/**
 * The one spelling of a call (or operation) id the gateway uses for channels, store keys and `call.id`: Graph
 * writes the same id as `57DAB8B1894C409AB240BD8BEAE78896` in one notification and `57dab8b1-894c-...` in the
 * next, so a GUID becomes lower-case with dashes; any other id is only lower-cased.
 */
export function canonicalCallId(id: string): string {
  const lower = id.trim().toLowerCase();
  const hex = /^[0-9a-f]{32}$/.test(lower) ? lower : /^\{?[0-9a-f-]{36}\}?$/.test(lower) ? lower.replace(/[{}-]/g, '') : undefined;
  if (hex === undefined || hex.length !== 32) return lower;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The bus channels: every event of one call, and the calls arriving for the app (Graph's `created` with state `incoming`). */
export const liveChannels = {
  /** Any spelling of the id names the same channel (canonicalCallId). */
  call: (callId: string): string => `call:${canonicalCallId(callId)}`,
  incoming: 'calls:incoming',
} as const;

/**
 * The one seam for live events. The in-process implementation (memoryBus.ts) delivers to listeners in this
 * process; the Redis one (redisBus.ts) to every replica. Listeners get each event once, in publish order per channel.
 */
export interface EventBus {
  publish(channel: string, event: LiveCallEvent): Promise<void>;
  /** Returns the unsubscribe function. A listener must not throw; what it throws is logged and dropped. */
  subscribe(channel: string, listener: (event: LiveCallEvent) => void): () => void;
  close(): Promise<void>;
}

/** The current state of the calls the gateway follows, for a subscriber that needs the state before the next event. */
export interface LiveCallStore {
  /**
   * The merged state and the sequence of the last event applied, or undefined for a call the gateway has not seen
   * (or has forgotten: ended calls after their retention). Any spelling of the id finds the call (canonicalCallId).
   * With Redis, the state shared by all replicas (read with a short timeout; this process's copy when Redis fails).
   */
  get(callId: string): Promise<{ call: GraphCall; sequence: number; terminated: boolean } | undefined>;
}

/**
 * What the gateway hands to whatever serves live calls (GraphQL subscriptions): the bus to subscribe to and the
 * store to read a call's state from before its next event. createGateway builds one per gateway.
 */
export interface LiveFeed {
  bus: EventBus;
  store: LiveCallStore;
}
