/**
 * Where a budget's windows live: in this process (`LocalBudgetStore`), or shared by the replicas (the Redis
 * store in src/redis/graphBudget.ts implements `SharedBudgetStore`). Both keep a sliding-window log per bucket,
 * the shape Graph's own throttling has: a request is admitted only when every bucket it counts against has room
 * for its cost in the last `windowMs`, and then counts in all of them at once; a refused request counts nowhere.
 */

/** One bucket, fully named (app, tenant, bucket), with what the request costs there and the bucket's limit. */
export interface ScopedCharge {
  key: string;
  cost: number;
  limit: number;
  windowMs: number;
}

/** Milliseconds to wait before the charges could be taken; 0 when they were taken now. */
export type TakeResult = number;

export interface SharedBudgetStore {
  /** True while the shared store answers; while false, the budget takes from its local share. */
  readonly up: boolean;
  /** Takes every charge or none, atomically across replicas; pauses (`pause`) count as a wait. */
  take(charges: readonly ScopedCharge[]): Promise<TakeResult>;
  /** Stops every replica from taking from these buckets for `ms`. */
  pause(keys: readonly string[], ms: number): Promise<void>;
}

/** Buckets kept before idle ones are swept (one per call record read lately, mostly). */
const SWEEP_ABOVE = 4096;
/** No bucket's window is longer (config/budget.ts bounds it). */
const MAX_WINDOW_MS = 3_600_000;

/** The same windows and pauses in this process: the budget without Redis, and its fallback while Redis is down. */
export class LocalBudgetStore {
  private readonly logs = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  take(charges: readonly ScopedCharge[]): TakeResult {
    const now = this.now();
    let wait = this.pauseLeft(charges, now);
    for (const charge of charges) {
      if (charge.cost > charge.limit) return Infinity;
      const log = this.prune(charge, now);
      const over = log.length + charge.cost - charge.limit;
      // The `over`-th oldest entry has to leave the window before this cost fits.
      const leaving = over > 0 ? log[over - 1] : undefined;
      if (leaving !== undefined) wait = Math.max(wait, Math.max(1, leaving + charge.windowMs - now));
    }
    if (wait > 0) return wait;
    if (this.logs.size > SWEEP_ABOVE) this.sweep(now);
    for (const charge of charges) {
      const log = this.logs.get(charge.key) ?? [];
      for (let i = 0; i < charge.cost; i += 1) log.push(now);
      this.logs.set(charge.key, log);
    }
    return 0;
  }

  /** Counts charges taken elsewhere (the shared store) without checking limits. */
  record(charges: readonly ScopedCharge[]): void {
    const now = this.now();
    if (this.logs.size > SWEEP_ABOVE) this.sweep(now);
    for (const charge of charges) {
      const log = this.prune(charge, now);
      for (let i = 0; i < charge.cost; i += 1) log.push(now);
      this.logs.set(charge.key, log);
    }
  }

  pause(keys: readonly string[], ms: number): void {
    const until = this.now() + ms;
    for (const key of keys) this.pausedUntil.set(key, Math.max(until, this.pausedUntil.get(key) ?? 0));
  }

  /** Milliseconds left of the longest pause on these buckets (expired pauses are dropped). */
  pauseLeft(charges: readonly ScopedCharge[], now = this.now()): number {
    let wait = 0;
    for (const { key } of charges) {
      const until = this.pausedUntil.get(key);
      if (until === undefined) continue;
      if (until <= now) this.pausedUntil.delete(key);
      else wait = Math.max(wait, until - now);
    }
    return wait;
  }

  private sweep(now: number): void {
    for (const [key, log] of this.logs) if ((log.at(-1) ?? -Infinity) <= now - MAX_WINDOW_MS) this.logs.delete(key);
  }

  /** Drops entries older than the window; forgets a bucket once it is empty, so per-record buckets do not pile up. */
  private prune(charge: ScopedCharge, now: number): number[] {
    const log = this.logs.get(charge.key);
    if (!log) return [];
    const cutoff = now - charge.windowMs;
    let drop = 0;
    while (drop < log.length && (log[drop] ?? Infinity) <= cutoff) drop += 1;
    if (drop > 0) log.splice(0, drop);
    if (log.length === 0) this.logs.delete(charge.key);
    return log;
  }
}
