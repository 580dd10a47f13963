/** What the simulator served: per-route counters by status and a bounded log of recent requests. */

export type RequestKind = 'graph' | 'batchItem' | 'identity';

export interface RequestLogEntry {
  /** ISO-8601 instant the request arrived (real time). */
  time: string;
  kind: RequestKind;
  method: string;
  /** Path and query as requested, e.g. `/v1.0/communications/callRecords?$top=5`. */
  path: string;
  /** Route name (`callRecords.list`, `$batch`, `token`), or `unmatched`. */
  route: string;
  /** HTTP status, or 0 when the connection was dropped. */
  status: number;
  appId?: string;
  requestId?: string;
  clientRequestId?: string;
  inBatch: boolean;
  /** The `$batch` item id, for items. */
  batchItemId?: string;
  /** An injected fault (`429`, `503`, `504`, `drop`) or `throttled`. */
  fault?: string;
  durationMs: number;
}

/** Counters keyed by route name, then by status (as a string; `0` = dropped). */
export type RouteCounters = Record<string, Record<string, number>>;

export interface SimulatorStats {
  /** Top-level Graph requests, the outer `$batch` request included (route `$batch`). */
  graph: RouteCounters;
  /** Requests inside `$batch`, by their own route. */
  batchItems: RouteCounters;
  /** Identity endpoints: `token`, `openid-configuration`, `jwks`. */
  identity: RouteCounters;
  /** Every counted request. */
  total: number;
}

export class RequestRecorder {
  private readonly ring: RequestLogEntry[] = [];
  private next = 0;
  private counters: Record<RequestKind, RouteCounters> = { graph: {}, batchItem: {}, identity: {} };
  private total = 0;

  constructor(private readonly capacity: number) {}

  record(entry: RequestLogEntry): void {
    const byRoute = (this.counters[entry.kind][entry.route] ??= {});
    const status = String(entry.status);
    byRoute[status] = (byRoute[status] ?? 0) + 1;
    this.total++;
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  stats(): SimulatorStats {
    return structuredClone({
      graph: this.counters.graph,
      batchItems: this.counters.batchItem,
      identity: this.counters.identity,
      total: this.total,
    });
  }

  /** Logged requests, oldest first. */
  entries(): RequestLogEntry[] {
    if (this.ring.length < this.capacity) return this.ring.map((e) => ({ ...e }));
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)].map((e) => ({ ...e }));
  }

  reset(): void {
    this.ring.length = 0;
    this.next = 0;
    this.counters = { graph: {}, batchItem: {}, identity: {} };
    this.total = 0;
  }
}
