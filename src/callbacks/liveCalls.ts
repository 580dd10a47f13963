/**
 * The calls the gateway follows, built from Graph's notifications, which arrive at least once and out of order
 * (CALLS-LIVE.md 1.6). Each parsed notification is applied or dropped:
 *
 * - the call itself: a shallow merge of the properties Graph sent (so `toneInfo` and `resultInfo` are replaced).
 *   Dropped as a duplicate when its `@odata.etag` equals the last applied one or it changes nothing; as stale when
 *   its etag is lower, its tone `sequenceId` is lower than the last tone's, or its state goes back in the call's
 *   life (incoming < establishing < established, hold, transferring, redirecting < terminating < terminated), as
 *   `establishing` after `established` does.
 * - the roster: the latest full list, ordered by the participants' `rosterSequenceNumber` (below).
 * - an operation: recorded by id, merged, ordered by its own etag and status (notStarted < running < completed,
 *   failed); nothing follows a completed or failed operation.
 *
 * Terminal state wins: after `terminated` (or `deleted`) every notification of the call is dropped as stale, also
 * once its state has been forgotten (retention, or the call cap), through a bounded list of ended ids.
 * Every applied change updates the store, then publishes exactly one event with the call's next `sequence`.
 *
 * With `shared` (Redis, src/redis/liveCallState.ts) the state of each call lives in Redis: a notification is
 * applied to the state read from Redis and committed with a compare-and-set that also publishes the event, so the
 * rules above hold across replicas. This process keeps a copy of each call it touched; while Redis is unavailable
 * it applies to that copy and publishes locally, and after Redis answers again the newer of the two wins.
 */
import type { GraphCall, GraphCommsOperation, GraphParticipant } from '../graph/types.js';
import { canonicalCallId, liveChannels, type EventBus, type LiveCallEvent, type LiveCallStore } from '../live/events.js';
import type { Logger } from '../observability/logger.js';
import type { SharedCallStates } from '../redis/liveCallState.js';
import type { ParsedNotification } from './notifications.js';

export interface LiveCallsOptions {
  bus: EventBus;
  logger: Logger;
  /** Calls followed at once; past it the least recently changed call is forgotten. */
  maxCalls: number;
  /** Operations remembered per call; past it the least recently changed one is forgotten. */
  maxOperationsPerCall: number;
  /** How long an ended call's state stays readable after it ended. */
  endedRetentionMs: number;
  /** Call state shared by replicas; undefined: this process alone. */
  shared?: SharedCallStates | undefined;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

export interface LiveCalls extends LiveCallStore {
  /** Applies notifications in the order given; returns what became of each. */
  apply(notifications: readonly ParsedNotification[]): Promise<ApplyOutcome[]>;
  /** Calls currently followed (ended ones within their retention included). */
  readonly size: number;
  /** Stops the retention timers. */
  close(): void;
}

interface OperationState {
  operation: GraphCommsOperation;
  etag: number | undefined;
  phase: number;
}

interface CallState {
  call: GraphCall;
  sequence: number;
  terminated: boolean;
  etag: number | undefined;
  phase: number;
  toneSequence: number | undefined;
  /** Highest rosterSequenceNumber applied, and per participant the last one seen (kept after they leave). */
  rosterMax: number | undefined;
  rosterSeen: Map<string, { sequence: number; removed: boolean }>;
  operations: Map<string, OperationState>;
  retention: NodeJS.Timeout | undefined;
}

/** Where each call state sits in a call's life; unknown states (Graph adds some) leave the position unchanged. */
const CALL_PHASE: Record<string, number> = {
  incoming: 0,
  notifying: 0,
  establishing: 1,
  established: 2,
  hold: 2,
  transferring: 2,
  transferaccepted: 2,
  redirecting: 2,
  terminating: 3,
  terminated: 4,
};
const TERMINATED = 4;
/** An event before the store numbers it (Omit, distributed over the union's members). */
type EventBody = LiveCallEvent extends infer E ? (E extends LiveCallEvent ? Omit<E, 'sequence' | 'callId'> : never) : never;
const OPERATION_PHASE: Record<string, number> = { notstarted: 0, running: 1, completed: 2, failed: 2 };
const OPERATION_DONE = 2;
/** Participants that left are remembered (to drop an older roster that still lists them) up to this many per call. */
const MAX_REMOVED_PARTICIPANTS = 1024;

export function createLiveCalls(options: LiveCallsOptions): LiveCalls {
  const { bus, logger, shared } = options;
  /** While a notification is applied for the shared store: its events, published by the commit script. */
  let captured: Array<{ channel: string; event: LiveCallEvent }> | undefined;
  /** In order of last change: the first entry is the one to forget at the cap. */
  const calls = new Map<string, CallState>();
  /** Ended calls whose state was dropped: a late notification must not reopen them. */
  const ended = new Map<string, true>();

  function forget(callId: string, state: CallState): void {
    clearTimeout(state.retention);
    calls.delete(callId);
    if (state.terminated) {
      ended.delete(callId);
      ended.set(callId, true);
      if (ended.size > options.maxCalls) ended.delete(ended.keys().next().value as string);
    }
  }

  function stateFor(callId: string): CallState | undefined {
    const existing = calls.get(callId);
    if (existing) return existing;
    if (ended.has(callId)) return undefined;
    if (calls.size >= options.maxCalls) {
      const [oldestId, oldest] = calls.entries().next().value as [string, CallState];
      if (!oldest.terminated) logger.warn({ callId: oldestId, maxCalls: options.maxCalls }, 'call cap reached: forgetting an active call');
      forget(oldestId, oldest);
    }
    const state: CallState = {
      call: { id: callId },
      sequence: 0,
      terminated: false,
      etag: undefined,
      phase: 0,
      toneSequence: undefined,
      rosterMax: undefined,
      rosterSeen: new Map(),
      operations: new Map(),
      retention: undefined,
    };
    calls.set(callId, state);
    return state;
  }

  /** Records the change, then publishes its one event (after the store holds it, so a reader sees it). */
  function commit(callId: string, state: CallState, event: EventBody, incoming: boolean): void {
    state.sequence += 1;
    calls.delete(callId);
    calls.set(callId, state);
    // Shared: the retention starts once the change is committed.
    if (!captured) scheduleRetention(callId, state);
    const full = { ...event, callId, sequence: state.sequence } as LiveCallEvent;
    const channels = incoming ? [liveChannels.call(callId), liveChannels.incoming] : [liveChannels.call(callId)];
    for (const channel of channels) {
      if (captured) captured.push({ channel, event: full });
      else publish(channel, full);
    }
  }

  function applyOne(n: ParsedNotification): ApplyOutcome {
    switch (n.kind) {
      case 'call':
        return applyCall(n);
      case 'roster':
        return applyRoster(n);
      case 'operation':
        return applyOperation(n);
      case 'ignored':
        return 'ignored';
    }
  }

  /** Puts the state Redis holds in place of this process's copy, unless the copy is newer (changed while Redis was down). */
  function adopt(callId: string, loaded: { state: string | undefined; sequence: number; ended: boolean }): void {
    const local = calls.get(callId);
    if (loaded.state === undefined) {
      if (loaded.ended && local) forget(callId, { ...local, terminated: true });
      else if (loaded.ended) ended.set(callId, true);
      return;
    }
    if (local && local.sequence > loaded.sequence) return;
    if (local) clearTimeout(local.retention);
    calls.delete(callId);
    calls.set(callId, hydrate(loaded.state));
  }

  function scheduleRetention(callId: string, state: CallState): void {
    if (state.terminated && state.retention === undefined) {
      state.retention = setTimeout(() => forget(callId, state), options.endedRetentionMs);
      state.retention.unref();
    }
  }

  /** One shared apply at a time per call in this process: concurrent callbacks of a call would race on its local copy. */
  const lanes = new Map<string, Promise<unknown>>();
  function inLane<T>(callId: string, task: () => Promise<T>): Promise<T> {
    const run = (lanes.get(callId) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    lanes.set(callId, tail);
    void tail.then(() => {
      if (lanes.get(callId) === tail) lanes.delete(callId);
    });
    return run;
  }

  /** Read, apply, compare-and-set; again when another replica changed the call in between. */
  async function applyShared(store: SharedCallStates, n: Exclude<ParsedNotification, { kind: 'ignored' }>): Promise<ApplyOutcome> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const loaded = await store.load(n.callId);
      adopt(n.callId, loaded);
      const before = calls.get(n.callId);
      const snapshot = before && serialize(before);
      captured = [];
      let outcome: ApplyOutcome;
      let events: Array<{ channel: string; event: LiveCallEvent }>;
      try {
        outcome = applyOne(n);
      } finally {
        events = captured;
        captured = undefined;
      }
      const after = calls.get(n.callId);
      if (outcome !== 'applied' || !after) return outcome;
      let committed: boolean;
      try {
        const next = { sequence: after.sequence, state: serialize(after), terminated: after.terminated };
        committed = await store.commit(n.callId, loaded.sequence, next, events);
      } catch {
        // Redis failed (logged once by the connection) after this copy changed: the change stands here and this
        // process's listeners get its events (Redis may have published them too, if only its answer was late).
        for (const { channel, event } of events) publish(channel, event);
        committed = true;
      }
      if (committed) {
        scheduleRetention(n.callId, after);
        return outcome;
      }
      // Another replica changed the call first: undo and read again.
      clearTimeout(after.retention);
      calls.delete(n.callId);
      if (snapshot !== undefined) calls.set(n.callId, hydrate(snapshot));
    }
    logger.warn({ callId: n.callId }, 'a call notification lost the race ten times: dropped');
    return 'stale';
  }

  function publish(channel: string, event: LiveCallEvent): void {
    bus.publish(channel, event).catch((error: unknown) => {
      logger.error({ err: error, channel, callId: event.callId, sequence: event.sequence }, 'a live event could not be published');
    });
  }

  function applyCall(n: Extract<ParsedNotification, { kind: 'call' }>): ApplyOutcome {
    const isNew = !calls.has(n.callId);
    const state = stateFor(n.callId);
    if (!state || state.terminated) return 'stale';
    if (n.etag !== undefined && state.etag !== undefined) {
      if (n.etag === state.etag) return 'duplicate';
      if (n.etag < state.etag) return 'stale';
    }
    const patch: GraphCall = { ...n.call };
    // The store owns the roster and the operations; the call's id is always the canonical one.
    delete patch.participants;
    delete patch.operations;
    delete patch.id;
    const rawState = typeof patch.state === 'string' ? patch.state.toLowerCase() : undefined;
    const terminal = n.changeType === 'deleted' || rawState === 'terminated';
    if (terminal && patch.state === undefined) patch.state = 'terminated';
    const phase = terminal ? TERMINATED : rawState !== undefined ? (CALL_PHASE[rawState] ?? state.phase) : state.phase;
    if (phase < state.phase) return 'stale';
    const tone = patch.toneInfo?.sequenceId;
    if (typeof tone === 'number' && state.toneSequence !== undefined) {
      if (tone < state.toneSequence) return 'stale';
      // The same tone again (Graph repeats notifications): nothing new to report about it.
      if (tone === state.toneSequence) delete patch.toneInfo;
    }
    const next: GraphCall = { ...state.call, ...patch, id: n.callId };
    if (n.etag !== undefined) state.etag = n.etag;
    if (!isNew && deepEqual(next, state.call)) return 'duplicate';
    state.call = next;
    state.phase = phase;
    if (typeof tone === 'number') state.toneSequence = Math.max(tone, state.toneSequence ?? tone);
    state.terminated = terminal;
    const incoming = n.changeType === 'created' && rawState === 'incoming';
    commit(n.callId, state, { type: 'call', change: n.changeType, call: next }, incoming);
    return 'applied';
  }

  /**
   * A roster notification carries the whole list. It is stale when a participant in it has a lower
   * rosterSequenceNumber than already seen for that participant (or the same one as when they left), or when its
   * highest number is below the applied one and it is not merely the current roster minus some participants (a
   * departure leaves the others' numbers as they were). Equal to the current roster: a duplicate.
   */
  function applyRoster(n: Extract<ParsedNotification, { kind: 'roster' }>): ApplyOutcome {
    const state = stateFor(n.callId);
    if (!state || state.terminated) return 'stale';
    let highest: number | undefined;
    for (const p of n.participants) {
      const sequence = p.rosterSequenceNumber;
      if (typeof sequence !== 'number') continue;
      highest = Math.max(highest ?? sequence, sequence);
      const seen = p.id ? state.rosterSeen.get(p.id) : undefined;
      if (seen && (sequence < seen.sequence || (seen.removed && sequence <= seen.sequence))) return 'stale';
    }
    const current = state.call.participants ?? [];
    if (deepEqual(n.participants, current)) return 'duplicate';
    if (highest !== undefined && state.rosterMax !== undefined && highest < state.rosterMax) {
      const currentById = new Map(current.map((p) => [p.id, p]));
      const onlyDepartures = n.participants.every((p) => p.id && deepEqual(p, currentById.get(p.id)));
      if (!onlyDepartures) return 'stale';
    }
    const present = new Set<string>();
    for (const p of n.participants) {
      if (!p.id) continue;
      present.add(p.id);
      if (typeof p.rosterSequenceNumber === 'number') state.rosterSeen.set(p.id, { sequence: p.rosterSequenceNumber, removed: false });
    }
    for (const p of current) {
      const seen = p.id && !present.has(p.id) ? state.rosterSeen.get(p.id) : undefined;
      if (seen) seen.removed = true;
    }
    trimRemoved(state.rosterSeen);
    if (highest !== undefined) state.rosterMax = Math.max(highest, state.rosterMax ?? highest);
    const participants: GraphParticipant[] = [...n.participants];
    state.call = { ...state.call, participants };
    commit(n.callId, state, { type: 'roster', call: state.call, participants }, false);
    return 'applied';
  }

  function applyOperation(n: Extract<ParsedNotification, { kind: 'operation' }>): ApplyOutcome {
    const state = stateFor(n.callId);
    if (!state || state.terminated) return 'stale';
    const previous = state.operations.get(n.operationId);
    if (previous && n.etag !== undefined && previous.etag !== undefined) {
      if (n.etag === previous.etag) return 'duplicate';
      if (n.etag < previous.etag) return 'stale';
    }
    const status = typeof n.operation.status === 'string' ? n.operation.status.toLowerCase() : undefined;
    const phase = status !== undefined ? (OPERATION_PHASE[status] ?? previous?.phase ?? 0) : (previous?.phase ?? 0);
    const operation: GraphCommsOperation = { ...previous?.operation, ...n.operation };
    if (previous) {
      if (deepEqual(operation, previous.operation)) return 'duplicate';
      if (previous.phase === OPERATION_DONE || phase < previous.phase) return 'stale';
    }
    state.operations.delete(n.operationId);
    state.operations.set(n.operationId, { operation, etag: n.etag ?? previous?.etag, phase });
    if (state.operations.size > options.maxOperationsPerCall) state.operations.delete(state.operations.keys().next().value as string);
    state.call = { ...state.call, operations: [...state.operations.values()].map((o) => o.operation) };
    commit(n.callId, state, { type: 'operation', call: state.call, operation }, false);
    return 'applied';
  }

  return {
    async apply(notifications) {
      const outcomes: ApplyOutcome[] = [];
      for (const n of notifications) {
        if (shared?.up && n.kind !== 'ignored') {
          try {
            outcomes.push(await inLane(n.callId, () => applyShared(shared, n)));
            continue;
          } catch {
            // Redis failed (logged once by the connection): apply to this process's copy, publish locally.
          }
        }
        outcomes.push(applyOne(n));
      }
      return outcomes;
    },
    async get(callId) {
      const id = canonicalCallId(callId);
      if (shared?.up) {
        try {
          adopt(id, await shared.load(id));
        } catch {
          // Redis failed: this process's copy.
        }
      }
      const state = calls.get(id);
      return state && { call: state.call, sequence: state.sequence, terminated: state.terminated };
    },
    get size() {
      return calls.size;
    },
    close() {
      for (const state of calls.values()) clearTimeout(state.retention);
    },
  };
}

/** A call's ordering state as JSON, without its timer. */
function serialize(state: CallState): string {
  const { retention: _retention, rosterSeen, operations, ...rest } = state;
  return JSON.stringify({ ...rest, rosterSeen: [...rosterSeen], operations: [...operations] });
}

function hydrate(json: string): CallState {
  const raw = JSON.parse(json) as Omit<CallState, 'rosterSeen' | 'operations' | 'retention'> & {
    rosterSeen: Array<[string, { sequence: number; removed: boolean }]>;
    operations: Array<[string, OperationState]>;
  };
  return { ...raw, rosterSeen: new Map(raw.rosterSeen), operations: new Map(raw.operations), retention: undefined };
}

function trimRemoved(seen: Map<string, { sequence: number; removed: boolean }>): void {
  let removed = 0;
  for (const entry of seen.values()) if (entry.removed) removed += 1;
  for (const [id, entry] of seen) {
    if (removed <= MAX_REMOVED_PARTICIPANTS) return;
    if (entry.removed) {
      seen.delete(id);
      removed -= 1;
    }
  }
}

/** Structural equality of JSON values (key order ignored). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  const aKeys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bKeys = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    aKeys.length === bKeys.length && aKeys.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
