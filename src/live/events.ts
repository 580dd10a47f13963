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

/** The bus channels: every event of one call, and the calls arriving for the app (Graph's `created` with state `incoming`). */
export const liveChannels = {
  call: (callId: string): string => `call:${callId.toLowerCase()}`,
  incoming: 'calls:incoming',
} as const;

/**
 * The one seam for live events. The in-process implementation delivers to listeners in this process; a Redis
 * one (a later change) delivers to every replica. Listeners get each event once, in publish order per channel.
 */
export interface EventBus {
  publish(channel: string, event: LiveCallEvent): Promise<void>;
  /** Returns the unsubscribe function. A listener must not throw; what it throws is logged and dropped. */
  subscribe(channel: string, listener: (event: LiveCallEvent) => void): () => void;
  close(): Promise<void>;
}

/** The current state of the calls the gateway follows, for a subscriber that needs the state before the next event. */
export interface LiveCallStore {
  /** The merged state and the sequence of the last event applied, or undefined for a call the gateway has not seen. */
  get(callId: string): { call: GraphCall; sequence: number; terminated: boolean } | undefined;
}

/** A gateway's live-call bus and store, as its operations reach them. */
export interface LiveHandles {
  bus: EventBus;
  store: LiveCallStore;
}
