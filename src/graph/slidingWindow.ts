/**
 * Counters over a sliding time window, kept in ten buckets: cheap enough to touch on every Graph request,
 * precise to a tenth of the window. The retry budget and the circuit breaker count with it.
 */
const BUCKETS = 10;

export class SlidingCounts<K extends string> {
  private readonly bucketMs: number;
  /** Bucket number (time / bucketMs) each slot currently holds. */
  private readonly epochs: number[] = new Array<number>(BUCKETS).fill(-Infinity);
  private readonly counts: Array<Record<K, number>>;

  constructor(
    private readonly keys: readonly K[],
    windowMs: number,
    private readonly now: () => number,
  ) {
    if (!Number.isFinite(windowMs) || windowMs < BUCKETS) throw new RangeError(`windowMs must be at least ${BUCKETS}, got ${windowMs}`);
    this.bucketMs = windowMs / BUCKETS;
    this.counts = Array.from({ length: BUCKETS }, () => this.zero());
  }

  add(key: K, n = 1): void {
    const epoch = Math.floor(this.now() / this.bucketMs);
    const i = ((epoch % BUCKETS) + BUCKETS) % BUCKETS;
    if (this.epochs[i] !== epoch) {
      this.epochs[i] = epoch;
      this.counts[i] = this.zero();
    }
    const bucket = this.counts[i];
    if (bucket) bucket[key] += n;
  }

  /** Totals over the buckets of the last window. */
  totals(): Record<K, number> {
    const epoch = Math.floor(this.now() / this.bucketMs);
    const out = this.zero();
    for (let i = 0; i < BUCKETS; i += 1) {
      const e = this.epochs[i] ?? -Infinity;
      const bucket = this.counts[i];
      if (!bucket || e <= epoch - BUCKETS || e > epoch) continue;
      for (const key of this.keys) out[key] += bucket[key];
    }
    return out;
  }

  clear(): void {
    this.epochs.fill(-Infinity);
    for (let i = 0; i < BUCKETS; i += 1) this.counts[i] = this.zero();
  }

  private zero(): Record<K, number> {
    return Object.fromEntries(this.keys.map((k) => [k, 0])) as Record<K, number>;
  }
}
