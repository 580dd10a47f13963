/**
 * The Graph request pipeline: the one ordered handler array. Outermost first; each stage calls the
 * next. Issue 4's upstream protection slots in where marked (`cond && stage(...)`).
 */
import type { Dispatcher } from 'undici';
import type { TokenProvider } from './auth/msal.js';
import type { GraphLogger, ResolvedGraphConfig } from './config.js';
import { authHandler } from './handlers/auth.js';
import { deadlineHandler } from './handlers/deadline.js';
import { fetchHandler } from './handlers/fetch.js';
import { hostGuardHandler } from './handlers/hostGuard.js';
import { requestIdHandler } from './handlers/requestId.js';
import { retryHandler } from './handlers/retry.js';
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
}

export function buildChain(deps: ChainDeps): Next {
  const { config, clock, logger, stats } = deps;
  return compose([
    // Identity: one client-request-id per logical request, reused by its retries and in its errors.
    requestIdHandler(),
    // Egress policy: nothing leaves for a URL outside <graph origin>/<version>/, before any token is read.
    hostGuardHandler(config.graphOrigin, config.apiVersion),
    // Admission: an operation past its deadline starts nothing.
    // (Later: circuit breaker, then concurrency cap, then retry budget, as stages here.)
    deadlineHandler(clock),
    // Resilience: retries within attempts and deadline; non-idempotent requests only on 429.
    retryHandler({ baseDelayMs: config.baseDelayMs, maxDelayMs: config.maxDelayMs }, clock, stats, logger),
    // Credentials: bearer token for the Graph origin only; one fresh token after a 401.
    authHandler(deps.tokens, config.graphOrigin, clock),
    // Per attempt: a timeout clipped to the deadline, covering headers and body.
    timeoutHandler(config.attemptTimeoutMs, clock),
    // Transport: undici with the shared pool (and extra CA), no redirects, one debug log line.
    fetchHandler({ dispatcher: deps.dispatcher, freshDispatcher: deps.freshDispatcher, logger, stats }),
  ]);
}
