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

/**
 * Graph's change notifications on call records, as every replica hears them (src/callRecordNotifications/): a
 * record appeared or changed (ids only: each replica fetches what its own subscribers selected), or a lifecycle
 * event for the Graph subscription, which the replica owning it acts on.
 */
export type CallRecordNotice =
  | { type: 'callRecord'; id: string; changeType: 'created' | 'updated' }
  | { type: 'callRecordLifecycle'; subscriptionId: string; lifecycleEvent: string };

/** Any event the bus carries. */
export type LiveEvent = LiveCallEvent | CallRecordNotice;

/** The bus channels: every event of one call, and the calls arriving for the app (Graph's `created` with state `incoming`). */
export const liveChannels = {
  /** Any spelling of the id names the same channel (canonicalCallId). */
  call: (callId: string): string => `call:${canonicalCallId(callId)}`,
  incoming: 'calls:incoming',
  /** Call-record change notifications and lifecycle events (CallRecordNotice). */
  callRecords: 'callRecords:changes',
} as const;

/**
 * The one seam for live events. The in-process implementation (memoryBus.ts) delivers to listeners in this
 * process; the Redis one (redisBus.ts) to every replica. Listeners get each event once, in publish order per channel.
 */
export interface EventBus {
  publish(channel: typeof liveChannels.callRecords, event: CallRecordNotice): Promise<void>;
  publish(channel: string, event: LiveCallEvent): Promise<void>;
  /** Returns the unsubscribe function. A listener must not throw; what it throws is logged and dropped. */
  subscribe(channel: typeof liveChannels.callRecords, listener: (event: CallRecordNotice) => void): () => void;
  subscribe(channel: string, listener: (event: LiveCallEvent) => void): () => void;
  close(): Promise<void>;
}

/** What the bus implementations provide: any event on any channel; typed as EventBus for its users. */
export interface UntypedEventBus {
  publish(channel: string, event: LiveEvent): Promise<void>;
  subscribe(channel: string, listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * The bus as its users see it: each channel carries one kind of event (liveChannels), a convention the bus itself
 * cannot check, so this is the one place that asserts it.
 */
export function typedBus(bus: UntypedEventBus): EventBus {
  return bus as unknown as EventBus;
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

/** A call record Graph reports new (`created`) or revised (`updated`); ids only, the record is fetched per subscriber. */
export interface CallRecordChange {
  id: string;
  changeType: 'created' | 'updated';
}

/** Call-record changes on this replica, for the GraphQL subscriptions (src/callRecordNotifications/). */
export interface CallRecordChanges {
  /**
   * Each change from now on, after the `onCallRecordChanged` listeners (cache eviction) ran. The first listener
   * makes the gateway subscribe at Graph; without a public URL Graph cannot reach, this throws UPSTREAM_UNAVAILABLE.
   * Returns the removal.
   */
  listen(listener: (change: CallRecordChange) => void): () => void;
}

/**
 * What the gateway hands to whatever serves live calls (GraphQL subscriptions): the bus to subscribe to and the
 * store to read a call's state from before its next event. createGateway builds one per gateway.
 */
export interface LiveFeed {
  bus: EventBus;
  store: LiveCallStore;
  /** Call records as Graph's change notifications announce them. */
  callRecords: CallRecordChanges;
}
