/**
 * The Graph request pipeline: the one ordered handler array. Outermost first; each stage calls the
 * next. Optional stages are written `cond && stage(...)`.
 *
 * Upstream protection sits in two places. Per logical request, outside the retry stage: the circuit
 * breaker (fail fast while Graph is down, judged by each request's final outcome) and the retry budget
 * (a permit the retry stage asks before each retry). Per attempt, inside it: the concurrency cap, so a
 * request waiting out a Retry-After holds no slot, and after auth, so a slow token service holds none.
 */
import type { Dispatcher } from 'undici';
import type { TokenProvider } from './auth/msal.js';
import type { GraphLogger, ResolvedGraphConfig } from './config.js';
import { authHandler } from './handlers/auth.js';
import { circuitBreakerHandler, type CircuitBreaker } from './handlers/breaker.js';
import { concurrencyHandler, type ConcurrencyLimiter } from './handlers/concurrency.js';
import { deadlineHandler } from './handlers/deadline.js';
import { fetchHandler } from './handlers/fetch.js';
import { hostGuardHandler } from './handlers/hostGuard.js';
import { requestIdHandler } from './handlers/requestId.js';
import { retryHandler } from './handlers/retry.js';
import { retryBudgetHandler, type RetryBudget } from './handlers/retryBudget.js';
import { telemetryHandler } from './handlers/telemetry.js';
import { timeoutHandler } from './handlers/timeout.js';
import { compose, type Clock, type GraphClientStats, type Next } from './pipeline.js';

export interface ChainDeps {
  config: ResolvedGraphConfig;
  clock: Clock;
  logger: GraphLogger;
  stats: GraphClientStats;
  tokens: TokenProvider;
  dispatcher: Dispatcher;
  freshDispatcher: () => Dispatcher;
  /** Shared by every request of the client; the breaker is absent when turned off. */
  protection: { breaker: CircuitBreaker | undefined; budget: RetryBudget; limiter: ConcurrencyLimiter };
}

export function buildChain(deps: ChainDeps): Next {
  const { config, clock, logger, stats, protection } = deps;
  return compose([
    // Identity: one client-request-id per logical request, reused by its retries and in its errors.
    requestIdHandler(),
    // Egress policy: nothing leaves for a URL outside <graph origin>/<version>/, before any token is read.
    hostGuardHandler(config.graphOrigin, config.apiVersion),
    // Admission: an operation past its deadline starts nothing.
    deadlineHandler(clock),
    // Protection: while Graph keeps failing, fail at once instead of adding load.
    protection.breaker !== undefined && circuitBreakerHandler(protection.breaker, stats),
    // Protection: retries may add at most a set share on top of first attempts.
    retryBudgetHandler(protection.budget),
    // Resilience: retries within attempts, deadline and budget; non-idempotent requests only on 429.
    retryHandler({ baseDelayMs: config.baseDelayMs, maxDelayMs: config.maxDelayMs }, clock, stats, logger),
    // Credentials: bearer token for the Graph origin only; one fresh token after a 401.
    authHandler(deps.tokens, config.graphOrigin, clock),
    // Protection: at most maxConcurrency attempts on the wire; the queue wait counts against the deadline.
    concurrencyHandler(protection.limiter),
    // Observability: each request on the wire, with both request ids, to the metrics (when configured).
    config.telemetry !== undefined && telemetryHandler(config.telemetry),
    // Per attempt: a timeout clipped to the deadline, covering headers and body.
    timeoutHandler(config.attemptTimeoutMs, clock),
    // Transport: undici with the shared pool (and extra CA), no redirects, one debug log line.
    fetchHandler({ dispatcher: deps.dispatcher, freshDispatcher: deps.freshDispatcher, logger, stats }),
  ]);
}
