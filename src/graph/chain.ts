/**
 * The Graph handler chain: the one ordered handler array, outermost first; each handler calls the next
 * (zero, one or more times). Optional handlers are written `cond && handler(...)`.
 *
 * Upstream protection sits in two places. Per logical request, outside the retries: the circuit breaker
 * (fail fast while Graph is down, judged by each request's final outcome) and, inside the retry handler, the
 * retry budget it asks before each retry. Per attempt: the concurrency cap, so a request waiting out a
 * Retry-After holds no slot, and after auth, so a slow token service holds none.
 */
import type { Dispatcher } from 'undici';
import type { TokenProvider } from './auth/msal.js';
import type { Clock, GraphClientStats, GraphLogger, Handler, HandlerContext, Next, RawResponse } from './request.js';
import type { ResolvedGraphConfig } from './config.js';
import type { GraphEndpoint } from './endpoint.js';
import type { GraphBudget } from './budget/budget.js';
import { authHandler } from './handlers/auth.js';
import { budgetHandler } from './handlers/budget.js';
import { circuitBreakerHandler, type CircuitBreaker } from './handlers/breaker.js';
import { concurrencyHandler, type ConcurrencyLimiter } from './handlers/concurrency.js';
import { deadlineHandler } from './handlers/deadline.js';
import { fetchHandler } from './handlers/fetch.js';
import { hostGuardHandler } from './handlers/hostGuard.js';
import { requestIdHandler } from './handlers/requestId.js';
import { retryHandler, type RetryBudget } from './handlers/retry.js';
import { telemetryHandler } from './handlers/telemetry.js';
import { timeoutHandler } from './handlers/timeout.js';

export interface ChainDeps {
  config: ResolvedGraphConfig;
  endpoint: GraphEndpoint;
  clock: Clock;
  logger: GraphLogger;
  stats: GraphClientStats;
  tokens: TokenProvider;
  dispatcher: Dispatcher;
  freshDispatcher: () => Dispatcher;
  /** Shared by every request of the client; the breaker is absent when turned off. */
  protection: { breaker: CircuitBreaker | undefined; budget: RetryBudget; limiter: ConcurrencyLimiter; throttle: GraphBudget | undefined };
}

export function buildChain(deps: ChainDeps): Next {
  const { config, clock, logger, stats, protection } = deps;
  const { limits } = config;
  return compose([
    // Identity: one client-request-id per logical request, reused by its retries and in its errors.
    requestIdHandler(),
    // Egress policy: nothing leaves for a URL outside <graph origin>/<version>/, before any token is read.
    hostGuardHandler(deps.endpoint),
    // Admission: an operation past its deadline starts nothing.
    deadlineHandler(clock),
    // Protection: while Graph keeps failing, fail at once instead of adding load.
    protection.breaker !== undefined && circuitBreakerHandler(protection.breaker, stats),
    // Resilience: retries within attempts, deadline and the shared retry budget; non-idempotent requests only on 429.
    retryHandler({ baseDelayMs: limits.retryBaseDelayMs, maxDelayMs: limits.retryMaxDelayMs }, protection.budget, clock, stats, logger),
    // Credentials: bearer token for the Graph origin only; one fresh token after a 401.
    authHandler(deps.tokens, config.graphOrigin, clock),
    // Throttling: every attempt (and `$batch` item) takes from Graph's per-bucket budget, shared by the replicas
    // with Redis, before it may queue for a slot; a wait past the deadline fails at once, unsent.
    protection.throttle !== undefined && budgetHandler(protection.throttle, clock),
    // Protection: at most maxConcurrency attempts on the wire; the queue wait counts against the deadline.
    concurrencyHandler(protection.limiter),
    // Observability: each request on the wire, with both request ids, to the metrics (when configured) and as a span.
    telemetryHandler(config.telemetry),
    // Per attempt: a timeout clipped to the deadline, covering headers and body.
    timeoutHandler(limits.attemptTimeoutMs, clock),
    // Transport: undici with the shared pool (and extra CA), no redirects, one debug log line.
    fetchHandler({ dispatcher: deps.dispatcher, freshDispatcher: deps.freshDispatcher, logger, stats }),
  ]);
}

/** Turns the ordered handler array into one function; falsy entries (optional handlers turned off) are skipped. */
function compose(handlers: ReadonlyArray<Handler | false | null | undefined>): Next {
  const chain = handlers.filter((h): h is Handler => typeof h === 'function');
  const run = (index: number, ctx: HandlerContext): Promise<RawResponse> => {
    const handler = chain[index];
    if (handler === undefined) return Promise.reject(new Error('the Graph handler chain ended without a fetch handler'));
    return handler(ctx, (c) => run(index + 1, c));
  };
  return (ctx) => run(0, ctx);
}
