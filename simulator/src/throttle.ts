/**
 * Graph's throttling, as sliding windows per bucket. Buckets are scoped by app and tenant (the global one by
 * app only). A route names its buckets (`callRecords:list`, `callRecords:record:{id}`, `calls...`); the
 * mapping from bucket names to limits is in `limitsFor`. A request is admitted only if every bucket it counts
 * against has room, and then counts against all of them; a refused request does not count.
 */
import type { RateLimit, ThrottleOptions } from './options.js';
import type { SimApp } from './types.js';

export interface ThrottleVerdict {
  /** Seconds until every full bucket has room again. */
  retryAfterSeconds: number;
  /** The bucket that refused the request (for the log). */
  bucket: string;
}

interface Bucket {
  key: string;
  limit: RateLimit;
}

export class Throttle {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(
    private readonly limits: ThrottleOptions,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Admits the request (counting it) or returns why not. */
  admit(app: SimApp, routeKeys: readonly string[]): ThrottleVerdict | null {
    const now = this.clock();
    const buckets = this.bucketsFor(app, routeKeys);
    let refusal: ThrottleVerdict | null = null;
    for (const bucket of buckets) {
      const wait = this.window(bucket).waitMs(now);
      if (wait > 0 && (refusal === null || wait / 1000 > refusal.retryAfterSeconds)) {
        refusal = { retryAfterSeconds: wait / 1000, bucket: bucket.key };
      }
    }
    if (refusal) return refusal;
    for (const bucket of buckets) this.window(bucket).add(now);
    return null;
  }

  reset(): void {
    this.windows.clear();
  }

  private window(bucket: Bucket): SlidingWindow {
    let w = this.windows.get(bucket.key);
    if (!w) {
      w = new SlidingWindow(bucket.limit);
      this.windows.set(bucket.key, w);
    }
    return w;
  }

  private bucketsFor(app: SimApp, routeKeys: readonly string[]): Bucket[] {
    const scope = `${app.appId}|${app.tenantId}|`;
    const buckets = new Map<string, RateLimit>([[`${app.appId}|global`, this.limits.global]]);
    for (const key of routeKeys) {
      for (const [name, limit] of limitsFor(key, this.limits)) buckets.set(scope + name, limit);
    }
    return [...buckets].map(([key, limit]) => ({ key, limit }));
  }
}

/** The buckets (name and limit) a route key counts against. Keys no rule knows are not limited. */
export function limitsFor(key: string, limits: ThrottleOptions): Array<[string, RateLimit]> {
  if (key.startsWith('callRecords')) {
    const out: Array<[string, RateLimit]> = [['callRecords', limits.callRecordsPerApp]];
    if (key.startsWith('callRecords:list')) out.push([key, limits.callRecordsList]);
    else if (key.startsWith('callRecords:record:')) out.push([key, limits.callRecord]);
    return out;
  }
  if (key.startsWith('calls')) return [['calls', limits.calls]];
  if (key.startsWith('pstnCallLogs')) return [['pstnCallLogs', limits.pstnCallLogs]];
  return [];
}

/** Timestamps of admitted requests within the window, oldest first. */
class SlidingWindow {
  private stamps: number[] = [];
  private head = 0;

  constructor(private readonly limit: RateLimit) {}

  /** Milliseconds until one more request fits; 0 when it fits now. */
  waitMs(now: number): number {
    this.prune(now);
    if (this.stamps.length - this.head < this.limit.limit) return 0;
    const oldest = this.stamps[this.head] ?? now;
    return Math.max(1, oldest + this.limit.windowMs - now);
  }

  add(now: number): void {
    this.stamps.push(now);
  }

  private prune(now: number): void {
    const cutoff = now - this.limit.windowMs;
    while (this.head < this.stamps.length && (this.stamps[this.head] ?? Infinity) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }
}
