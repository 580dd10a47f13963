import { GraphCircuitOpenError, GraphOutcomeUnknownError, GraphTransportError } from '../errors.js';
import type { Clock, GraphClientStats, Handler } from '../request.js';
import { SlidingCounts } from '../slidingWindow.js';

export interface CircuitBreakerOptions {
  /** Open when at least this share of the window's requests failed. */
  failurePercent: number;
  /** ...and the window holds at least this many requests. */
  minRequests: number;
  /** The sliding window. */
  windowMs: number;
  /** How long an open circuit fails fast before letting probes through. */
  cooldownMs: number;
  /** Requests let through at once while half-open. */
  halfOpenProbes: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** How long a request turned away while half-open is told to wait: probes are already testing Graph. */
const HALF_OPEN_RETRY_AFTER_MS = 1000;

type State = { name: 'closed' } | { name: 'open'; until: number } | { name: 'half-open'; probes: number };

/** A pass through the breaker: whether it is a half-open probe. */
export interface Admission {
  readonly probe: boolean;
}

/**
 * A circuit breaker over every Graph request of the client. Closed, it counts outcomes over a sliding
 * window; when at least `failurePercent`% of at least `minRequests` requests failed (5xx, timeouts,
 * dropped or refused connections), it opens and fails every request at once for `cooldownMs`. Then it
 * lets `halfOpenProbes` requests through: one success closes it, a failure opens it again. A 429 is not
 * a failure: Graph answered, and throttling carries its own back-off.
 */
export class CircuitBreaker {
  private state: State = { name: 'closed' };
  private readonly counts: SlidingCounts<'requests' | 'failures'>;

  constructor(
    readonly options: CircuitBreakerOptions,
    private readonly clock: Clock,
    private readonly onChange: (state: CircuitState) => void = () => {},
  ) {
    this.counts = new SlidingCounts(['requests', 'failures'], options.windowMs, () => clock.now());
  }

  current(): CircuitState {
    if (this.state.name === 'open' && this.clock.now() >= this.state.until) return 'half-open';
    return this.state.name;
  }

  /** Lets a request through, or returns how long to wait (ms) when the circuit turns it away. */
  admit(): Admission | { retryAfterMs: number } {
    const now = this.clock.now();
    if (this.state.name === 'open') {
      if (now < this.state.until) return { retryAfterMs: this.state.until - now };
      this.transition({ name: 'half-open', probes: 0 });
    }
    if (this.state.name === 'half-open') {
      if (this.state.probes >= this.options.halfOpenProbes) return { retryAfterMs: HALF_OPEN_RETRY_AFTER_MS };
      this.state.probes += 1;
      return { probe: true };
    }
    return { probe: false };
  }

  /** Records how an admitted request ended: `undefined` when it says nothing about Graph's health. */
  record(admission: Admission, outcome: 'success' | 'failure' | undefined): void {
    if (admission.probe) {
      if (this.state.name !== 'half-open') return;
      if (outcome === 'success') {
        this.counts.clear();
        this.transition({ name: 'closed' });
      } else if (outcome === 'failure') {
        this.transition({ name: 'open', until: this.clock.now() + this.options.cooldownMs });
      } else {
        this.state.probes -= 1;
      }
      return;
    }
    if (outcome === undefined || this.state.name !== 'closed') return;
    this.counts.add('requests');
    if (outcome === 'success') return;
    this.counts.add('failures');
    const { requests, failures } = this.counts.totals();
    if (requests >= this.options.minRequests && failures * 100 >= requests * this.options.failurePercent) {
      this.transition({ name: 'open', until: this.clock.now() + this.options.cooldownMs });
    }
  }

  private transition(next: State): void {
    const changed = next.name !== this.state.name;
    this.state = next;
    if (changed) this.onChange(next.name);
  }
}

/** What one Graph answer or failure says about Graph's health. */
export function classifyStatus(status: number): 'success' | 'failure' {
  return status >= 500 && status !== 501 && status !== 505 ? 'failure' : 'success';
}

export function classifyError(error: unknown): 'failure' | undefined {
  if (error instanceof GraphOutcomeUnknownError) return 'failure';
  // A deadline that passed before anything was sent (a queue wait, a slow token) says nothing about Graph.
  if (error instanceof GraphTransportError) return error.kind === 'deadline' && !error.requestSent ? undefined : 'failure';
  return undefined;
}

/** Fails fast while the circuit is open; otherwise passes the request on and records its outcome. */
export function circuitBreakerHandler(breaker: CircuitBreaker, stats: GraphClientStats): Handler {
  return async (ctx, next) => {
    const admission = breaker.admit();
    if (!('probe' in admission)) {
      stats.circuitRejections += 1;
      throw new GraphCircuitOpenError(admission.retryAfterMs, ctx.clientRequestId, ctx.method, ctx.path);
    }
    try {
      const res = await next(ctx);
      breaker.record(admission, classifyStatus(res.status));
      return res;
    } catch (err) {
      breaker.record(admission, classifyError(err));
      throw err;
    }
  };
}
