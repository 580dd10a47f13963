/** The simulator's data: stored calls and call records, in the shapes the routes serve. */

export type Json = Record<string, unknown>;

/** A call record with its navigation collections (built on first use for generated records). */
export interface StoredCallRecord {
  id: string;
  startMs: number;
  endMs: number;
  /**
   * The record as the list returns it: structural properties and the auto-expanded `organizer_v2`. An
   * `organizer_v2@odata.context` key, when present, is re-rendered against the request's base URL.
   */
  record: Json;
  /** Ids the `participants_v2/any(p:p/id eq '...')` filter matches: every participant and the organizer. */
  participantIds: ReadonlySet<string>;
  participants(): readonly Json[];
  /** Sessions, each carrying its `segments`. */
  sessions(): readonly Json[];
}

/** Media hosting of a call, which decides the media actions it allows. */
export type MediaHosting = 'serviceHosted' | 'appHosted' | 'none';

export interface StoredCall {
  id: string;
  /** The app that created or answered the call; undefined for calls delivered to every app (generated incoming calls). */
  ownerAppId?: string;
  /** The call resource as GET returns it, without `@odata.context`. */
  resource: Json;
  hosting: MediaHosting;
  muted: boolean;
  recordingStatus: string;
  operations: Map<string, Json>;
  timers: Set<ReturnType<typeof setTimeout>>;
  /** Notification and roster state, made on first use (generated and fixture calls start without it). */
  live?: LiveCallState;
}

/** What a live call tracks for its notifications: counters the receiver orders by, and the roster beyond the bot. */
export interface LiveCallState {
  /** The last `@odata.etag` number sent; every notification of the call takes the next one. */
  etag: number;
  /** The last roster update's sequence number (`rosterSequenceNumber`). */
  rosterSequence: number;
  /** The roster update that last changed the bot itself. */
  selfSequence: number;
  /** The bot's role after changeScreenSharingRole; a sharer sends a screen-sharing stream. */
  screenSharingRole?: 'viewer' | 'sharer';
  /** The last `toneInfo.sequenceId`. */
  toneSequence: number;
  toneSubscribed: boolean;
  /** Participants other than the bot itself, in join order. */
  others: Json[];
  /** When the call became established (data clock): its call record's start. */
  establishedAtMs?: number;
  /** The participant hearing hold music (one at a time). */
  heldParticipantId?: string;
}

export function compareRecords(a: StoredCallRecord, b: StoredCallRecord): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class CallRecordStore {
  private ordered: StoredCallRecord[] = [];
  private readonly byId = new Map<string, StoredCallRecord>();

  replace(records: readonly StoredCallRecord[]): void {
    this.byId.clear();
    this.ordered = [];
    this.merge(records);
  }

  /** Adds records; a record whose id is already stored replaces it (a later version of the same call). */
  merge(records: readonly StoredCallRecord[]): void {
    for (const r of records) this.byId.set(r.id, r);
    this.ordered = [...this.byId.values()].sort(compareRecords);
  }

  get(id: string): StoredCallRecord | undefined {
    return this.byId.get(id);
  }

  /** All records, ordered by start then id. */
  all(): readonly StoredCallRecord[] {
    return this.ordered;
  }
}

export class CallStore {
  private readonly calls = new Map<string, StoredCall>();

  get(id: string): StoredCall | undefined {
    return this.calls.get(id);
  }

  put(call: StoredCall): void {
    this.calls.set(call.id, call);
  }

  remove(id: string): void {
    const call = this.calls.get(id);
    if (!call) return;
    for (const t of call.timers) clearTimeout(t);
    this.calls.delete(id);
  }

  all(): readonly StoredCall[] {
    return [...this.calls.values()];
  }

  /** Schedules a state change owned by the call; cleared when the call goes away or on `clear()`. */
  later(call: StoredCall, delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      call.timers.delete(timer);
      if (this.calls.get(call.id) === call) action();
    }, delayMs);
    timer.unref?.();
    call.timers.add(timer);
  }

  clear(): void {
    for (const id of [...this.calls.keys()]) this.remove(id);
  }
}
