/**
 * Graph's throttling budget for this app and tenant, taken before every request goes on the wire (the budget
 * handler). Graph limits an app per tenant, not per process, so with a shared store (Redis) every replica takes
 * from one set of windows; without one, or while it is down, a replica takes from its own share of the limits.
 *
 * Waiting, and fairness. A request whose buckets have room goes at once. Otherwise it queues in a lane (one per
 * set of buckets, e.g. every list request) and one pump per lane takes for the lane's waiters one at a time,
 * choosing the caller round-robin: a caller with 500 queued requests and a caller with 1 alternate, so no caller
 * can starve the others on a replica, however many requests it sends. Across replicas the same holds by
 * construction: a replica has at most one taker per lane in front of the shared windows, so replicas alternate
 * too. Waits count against the operation's deadline: a request that would have to wait past it (or, without a
 * deadline, longer than `maxWaitMs`) is refused at once with GraphBudgetExhaustedError, never sent.
 *
 * A 429 pauses the request's narrowest bucket until its Retry-After, here and, through the shared store, on every
 * replica. Windows are `marginMs` longer than Graph's: a request taken from the budget reaches Graph a little
 * later (auth, a concurrency slot, the network), and Graph counts it on arrival.
 */
import { tracedWait } from '../../observability/tracing.js';
import { GraphBudgetExhaustedError } from '../errors.js';
import type { Clock } from '../request.js';
import { chargesOf, narrowest, type BucketCharge, type BudgetFamily, type BudgetLimits } from './buckets.js';
import { LocalBudgetStore, type ScopedCharge, type SharedBudgetStore } from './store.js';

/**
 * Time a request needs after its wait to be sent and answered: a request granted closer to its deadline would
 * cost Graph a request and then time out anyway, so it is refused (THROTTLED) instead.
 */
const SEND_HEADROOM_MS = 1000;

/** Where a take was served: the shared store, the local budget (no shared store), or the local share while it is down. */
export type BudgetSource = 'shared' | 'local' | 'fallback';

/** Receives the budget's events (metrics); must not throw. */
export interface BudgetTelemetry {
  /** A request waited `seconds` for room in its narrowest bucket's family, then went. */
  waited(family: BudgetFamily, seconds: number): void;
  /** A request was refused (not sent) because its wait would not fit its deadline. */
  refused(family: BudgetFamily): void;
  took(source: BudgetSource): void;
  /** A 429 paused a bucket of this family. */
  paused(family: BudgetFamily): void;
}

export interface GraphBudgetOptions {
  limits: BudgetLimits;
  /** Share (%) of each limit this replica takes on its own: without a shared store, or while it is down. */
  localSharePercent: number;
  /** Added to every window (see above). */
  marginMs: number;
  /** Longest wait for a request without a deadline. */
  maxWaitMs: number;
  scope: { appId: string; tenantId: string };
  shared?: SharedBudgetStore | undefined;
  telemetry?: BudgetTelemetry | undefined;
}

/** What the budget needs to know of one attempt. */
export interface BudgetRequest {
  method: string;
  path: string;
  body: string | undefined;
  /** Who the operation runs for (src/auth/caller.ts `callerKey`); requests without one share the key `-`. */
  caller: string | undefined;
  deadline: number | undefined;
  signal: AbortSignal | undefined;
  clientRequestId: string;
}

interface Waiter {
  readonly request: BudgetRequest;
  readonly family: BudgetFamily;
  readonly charges: readonly ScopedCharge[];
  readonly started: number;
  done: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/** The waiters of one set of buckets, by caller, served round-robin. */
class Lane {
  private readonly queues = new Map<string, Waiter[]>();
  /** The caller served next, by its position in the map's insertion order. */
  private turn = 0;
  pumping = false;
  /** Epoch ms at which the pump next tries, while it sleeps; a newcomer that cannot wait that long is refused at once. */
  nextTry = 0;

  add(caller: string, waiter: Waiter): void {
    const queue = this.queues.get(caller);
    if (queue) queue.push(waiter);
    else this.queues.set(caller, [waiter]);
  }

  /** The waiter whose turn it is, dropping those that left. */
  peek(): Waiter | undefined {
    this.dropDone();
    const callers = [...this.queues.keys()];
    if (callers.length === 0) return undefined;
    this.turn %= callers.length;
    return this.queues.get(callers[this.turn] as string)?.[0];
  }

  /** Removes the waiter `peek` gave and passes the turn to the next caller. */
  served(waiter: Waiter): void {
    const caller = waiter.request.caller ?? '-';
    const queue = this.queues.get(caller);
    queue?.shift();
    if (queue && queue.length === 0) this.queues.delete(caller);
    else this.turn += 1;
  }

  all(): Waiter[] {
    return [...this.queues.values()].flat();
  }

  private dropDone(): void {
    for (const [caller, queue] of this.queues) {
      const live = queue.filter((w) => !w.done);
      if (live.length === 0) this.queues.delete(caller);
      else if (live.length !== queue.length) this.queues.set(caller, live);
    }
  }
}

export class GraphBudget {
  private readonly local: LocalBudgetStore;
  private readonly lanes = new Map<string, Lane>();

  constructor(
    readonly options: GraphBudgetOptions,
    private readonly clock: Clock,
  ) {
    this.local = new LocalBudgetStore(() => clock.now());
  }

  /**
   * Resolves once the request's buckets had room and it was counted in them (the request may then be sent);
   * rejects with GraphBudgetExhaustedError when the wait would not fit its deadline, or with the signal's reason.
   * The one place a request waits for Graph's budget.
   */
  async waitForBudget(request: BudgetRequest): Promise<void> {
    const buckets = chargesOf(request.method, request.path, request.body);
    const first = narrowest(buckets);
    if (first === undefined) return;
    const charges = buckets.map((b) => this.scoped(b));
    const laneKey = charges.map((c) => `${c.key}*${c.cost}`).join('|');
    const started = this.clock.now();
    // Nobody waiting for these buckets: try at once. Otherwise queue behind the others, whose turn it is.
    if (!this.lanes.has(laneKey)) {
      const wait = await this.take(charges);
      if (wait === 0) return;
      if (!this.fits(request, wait)) throw this.refusal(request, first.family, wait);
    }
    if (request.signal?.aborted) throw request.signal.reason as Error;
    const known = (this.lanes.get(laneKey)?.nextTry ?? 0) - this.clock.now();
    if (known > 0 && !this.fits(request, known)) throw this.refusal(request, first.family, known);
    // A queued wait is a span of its own in the operation's trace (nothing when tracing is off).
    const queued = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        const onAbort = (): void => settle(() => reject(request.signal?.reason as Error));
        const settle = (how: () => void): void => {
          if (waiter.done) return;
          waiter.done = true;
          request.signal?.removeEventListener('abort', onAbort);
          how();
        };
        const waiter: Waiter = {
          request,
          family: first.family,
          charges,
          started,
          done: false,
          resolve: () => settle(resolve),
          reject: (error) => settle(() => reject(error)),
        };
        request.signal?.addEventListener('abort', onAbort, { once: true });
        let lane = this.lanes.get(laneKey);
        if (!lane) {
          lane = new Lane();
          this.lanes.set(laneKey, lane);
        }
        lane.add(request.caller ?? '-', waiter);
        if (!lane.pumping) void this.pump(laneKey, lane);
      });
    return tracedWait('graph.budget.wait', queued, { 'graph.budget.bucket': first.family });
  }

  /** After a 429 with Retry-After: no replica takes from the request's narrowest bucket for `retryAfterMs`. */
  pause(request: Pick<BudgetRequest, 'method' | 'path' | 'body'>, retryAfterMs: number): void {
    this.pauseBuckets([narrowest(chargesOf(request.method, request.path, request.body))], retryAfterMs);
  }

  /** Pauses the narrowest bucket of each item of a `$batch` Graph answered 429 (by the item's own URL). */
  pauseItems(items: ReadonlyArray<{ url: string; retryAfterMs: number }>): void {
    for (const item of items) {
      const url = item.url.startsWith('/') ? item.url : `/${item.url}`;
      this.pauseBuckets([narrowest(chargesOf('GET', url, undefined))], item.retryAfterMs);
    }
  }

  private pauseBuckets(buckets: ReadonlyArray<BucketCharge | undefined>, ms: number): void {
    if (!(ms > 0)) return;
    const keys: string[] = [];
    for (const bucket of buckets) {
      if (!bucket) continue;
      keys.push(this.scoped(bucket).key);
      this.options.telemetry?.paused(bucket.family);
    }
    if (keys.length === 0) return;
    this.local.pause(keys, ms);
    const shared = this.options.shared;
    // Best effort: a replica that cannot tell the others still pauses itself; each learns from its own 429 then.
    if (shared?.up) shared.pause(keys, ms).catch(() => undefined);
  }

  /** Takes the lane's waiters' charges one at a time, caller by caller, until the lane is empty. */
  private async pump(laneKey: string, lane: Lane): Promise<void> {
    lane.pumping = true;
    try {
      for (let waiter = lane.peek(); waiter !== undefined; waiter = lane.peek()) {
        const wait = await this.take(waiter.charges);
        if (waiter.done) continue;
        if (wait === 0) {
          lane.served(waiter);
          this.options.telemetry?.waited(waiter.family, (this.clock.now() - waiter.started) / 1000);
          waiter.resolve();
          continue;
        }
        // Everyone in the lane waits at least this long: refuse now whoever cannot.
        for (const w of lane.all()) if (!w.done && !this.fits(w.request, wait)) w.reject(this.refusal(w.request, w.family, wait));
        if (lane.peek() === undefined) continue;
        lane.nextTry = this.clock.now() + wait;
        await this.clock.sleep(wait).catch(() => undefined);
        lane.nextTry = 0;
      }
    } finally {
      lane.pumping = false;
      if (this.lanes.get(laneKey) === lane) this.lanes.delete(laneKey);
    }
  }

  /**
   * One attempt at taking every charge: from the shared store while it answers, else from this replica's share.
   * A local pause (this replica's own 429) is honoured first, without asking the shared store.
   */
  private async take(charges: readonly ScopedCharge[]): Promise<number> {
    const paused = this.local.pauseLeft(charges);
    if (paused > 0) return paused;
    const { shared, telemetry } = this.options;
    if (shared?.up) {
      try {
        const wait = await shared.take(charges);
        telemetry?.took('shared');
        // This replica's own history, so that a fallback starts from what it sent, not from an empty window.
        if (wait === 0) this.local.record(charges);
        return wait;
      } catch {
        // Redis failed or timed out: this attempt, and the next until it answers, take from the local share.
      }
    }
    telemetry?.took(shared ? 'fallback' : 'local');
    return this.local.take(charges.map((c) => ({ ...c, limit: this.localLimit(c.limit) })));
  }

  private localLimit(limit: number): number {
    return Math.max(1, Math.floor((limit * this.options.localSharePercent) / 100));
  }

  private fits(request: BudgetRequest, wait: number): boolean {
    if (!Number.isFinite(wait)) return false;
    return request.deadline === undefined ? wait <= this.options.maxWaitMs : this.clock.now() + wait + SEND_HEADROOM_MS <= request.deadline;
  }

  private refusal(request: BudgetRequest, family: BudgetFamily, wait: number): GraphBudgetExhaustedError {
    this.options.telemetry?.refused(family);
    const limit = this.options.limits[family];
    const retryAfterMs = Number.isFinite(wait) ? wait : limit.windowMs + this.options.marginMs;
    return new GraphBudgetExhaustedError(retryAfterMs, family, request.clientRequestId, request.method, request.path);
  }

  /** The bucket's key in its scope (app and tenant; the global bucket is per app) and its limit. */
  private scoped(bucket: BucketCharge): ScopedCharge {
    const { appId, tenantId } = this.options.scope;
    const limit = this.options.limits[bucket.family];
    // `{appId}`: one Redis Cluster hash slot per app, so one script can touch all of an app's buckets.
    const key = bucket.family === 'global' ? `{${appId}}:global` : `{${appId}}:${tenantId}:${bucket.key}`;
    return { key, cost: bucket.cost, limit: limit.limit, windowMs: limit.windowMs + this.options.marginMs };
  }
}
