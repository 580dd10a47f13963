import type { EnvReader } from './reader.js';

/**
 * How hard the gateway may lean on Graph, and when it stops: per-attempt timeout and attempts, the
 * concurrency cap, the retry budget and the circuit breaker. Defaults suit one replica in front of a
 * production tenant; bounds keep a typo from turning protection off by accident.
 */
export interface UpstreamSettings {
  /** One HTTP attempt, headers and body, clipped to the operation deadline. Default 10 000 ms. */
  attemptTimeoutMs: number;
  /** Attempts per Graph request, first included. Default 3. */
  maxAttempts: number;
  /** Graph requests on the wire at once; more queue within their deadline. Default 64. */
  maxConcurrency: number;
  /**
   * How long the `$batch` transport gathers GETs of concurrent operations before sending. Default 0: the
   * next turn of the event loop, which coalesces as well as a few milliseconds under load (bench/RESULTS.md)
   * without delaying an operation that runs alone.
   */
  batchWindowMs: number;
  retryBudget: {
    /** Retries may add at most this share on top of first attempts over 10 s. Default 20 (%). */
    percent: number;
    /** Retries always allowed per second, whatever the traffic. Default 5. */
    minPerSecond: number;
  };
  breaker: {
    /** Default true. */
    enabled: boolean;
    /** Share of failed requests over the window that opens the circuit. Default 50 (%). */
    failurePercent: number;
    /** Requests the window must hold before the circuit can open. Default 20. */
    minRequests: number;
    /** The window. Default 10 000 ms. */
    windowMs: number;
    /** How long an open circuit fails fast before probing Graph again. Default 5 000 ms. */
    cooldownMs: number;
  };
}

export function readUpstream(read: EnvReader): UpstreamSettings {
  return {
    attemptTimeoutMs: read.int('GRAPH_ATTEMPT_TIMEOUT_MS', 10_000, 100, 300_000),
    maxAttempts: read.int('GRAPH_MAX_ATTEMPTS', 3, 1, 10),
    maxConcurrency: read.int('GRAPH_MAX_CONCURRENCY', 64, 1, 10_000),
    batchWindowMs: read.int('GRAPH_BATCH_WINDOW_MS', 0, 0, 1000),
    retryBudget: {
      percent: read.int('GRAPH_RETRY_BUDGET_PERCENT', 20, 0, 1000),
      minPerSecond: read.int('GRAPH_RETRY_BUDGET_MIN_PER_SECOND', 5, 0, 10_000),
    },
    breaker: {
      enabled: read.bool('GRAPH_BREAKER_ENABLED', true),
      failurePercent: read.int('GRAPH_BREAKER_FAILURE_PERCENT', 50, 1, 100),
      minRequests: read.int('GRAPH_BREAKER_MIN_REQUESTS', 20, 1, 100_000),
      windowMs: read.int('GRAPH_BREAKER_WINDOW_MS', 10_000, 1000, 600_000),
      cooldownMs: read.int('GRAPH_BREAKER_COOLDOWN_MS', 5000, 100, 600_000),
    },
  };
}
