/**
 * The only way the gateway talks to Microsoft Graph. Everything above this file (loaders, resolvers)
 * speaks in relative Graph paths; everything below it (the handler chain) deals with hosts, tokens,
 * retries and bytes.
 */

import { Agent, type Dispatcher } from 'undici';
import { createMsalTokenProvider, type TokenProvider } from './auth/msal.js';
import { BatchTransport } from './batch.js';
import { GraphBudget } from './budget/budget.js';
import { buildChain } from './chain.js';
import { systemClock } from './clock.js';
import { resolveGraphConfig, type GraphClientConfig } from './config.js';
import { GraphEndpoint } from './endpoint.js';
import { graphErrorFrom } from './errors.js';
import { CircuitBreaker, type CircuitState } from './handlers/breaker.js';
import { ConcurrencyLimiter } from './handlers/concurrency.js';
import { RetryBudget } from './handlers/retry.js';
import {
  emptyStats,
  type Clock,
  type GraphClientStats,
  type GraphLogger,
  type GraphMethod,
  type GraphRequest,
  type GraphRequestOptions,
  type GraphResponse,
  type HandlerContext,
} from './request.js';
import { parseRetryAfter } from './retryAfter.js';

export interface GraphClient {
  /** Sends one request through the handler chain; resolves on 2xx, rejects with a GraphError otherwise. */
  request<T = unknown>(req: GraphRequest, options?: GraphRequestOptions): Promise<GraphResponse<T>>;
  /**
   * Sends GET requests through the shared `$batch` transport: requests from concurrent callers are
   * coalesced into `$batch` calls of at most 20 items; throttled or unavailable items are retried
   * on their own. Each slot holds the item's response or its GraphError, in input order.
   */
  batch<T = unknown>(reqs: readonly GraphRequest[], options?: GraphRequestOptions): Promise<Array<GraphResponse<T> | Error>>;
  /**
   * Follows an absolute `@odata.nextLink` (or `sessions@odata.nextLink`, ...) after checking that its
   * scheme, host and version prefix are the configured Graph endpoint's; rejects otherwise.
   */
  followLink<T = unknown>(
    absoluteUrl: string,
    options?: GraphRequestOptions & { headers?: Record<string, string> },
  ): Promise<GraphResponse<T>>;
  /** Converts an absolute Graph URL into a relative path after the same check; throws if foreign. */
  toRelative(absoluteUrl: string): string;
  /** Stops timers and closes sockets. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// The implementation: configuration resolved once, one undici pool, one MSAL app, one handler chain.

/** Test and embedding seams; production passes none. */
export interface GraphClientDeps {
  /** Replaces MSAL (tests that are not about tokens). */
  tokenProvider?: TokenProvider;
  /** Replaces Date.now / setTimeout / Math.random for retry waits and deadlines. */
  clock?: Partial<Clock>;
  /** Overrides `config.logger`. */
  logger?: GraphLogger;
}

/** What readiness needs to know of the client. */
export interface GraphReadiness {
  /** A Graph token has been obtained at least once (MSAL refreshes it from then on). */
  tokenInHand: boolean;
  /** The circuit breaker's state; `closed` when it is turned off. */
  circuit: CircuitState;
  /** Attempts on the wire and attempts queued for a slot, now. */
  inFlight: number;
  queued: number;
}

export interface InstrumentedGraphClient extends GraphClient {
  /** A snapshot of the client's counters. */
  stats(): GraphClientStats;
  readiness(): GraphReadiness;
  /**
   * Gets a token in the background, retrying with capped backoff (1 s to 30 s) until one arrives or the
   * client closes, so readiness can wait for it. Idempotent.
   */
  warmUp(): void;
}

const silentLogger: GraphLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const METHODS = new Set<GraphMethod>(['GET', 'POST', 'PATCH', 'DELETE']);

function parseBody(text: string, headers: Headers, parseJson: (text: string) => unknown = JSON.parse): unknown {
  if (text === '') return undefined;
  const type = headers.get('content-type') ?? '';
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return parseJson(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Builds the Graph client. Validates `config` at once (a GraphConfigError lists every problem) and
 * refuses the China cloud. `close()` stops the batch timer and closes the connection pool.
 */
export function createGraphClient(config: GraphClientConfig, deps: GraphClientDeps = {}): InstrumentedGraphClient {
  const resolved = resolveGraphConfig(config);
  const logger = deps.logger ?? config.logger ?? silentLogger;
  const clock: Clock = { ...systemClock, ...deps.clock };
  const stats = emptyStats();
  const agentOptions: Agent.Options = resolved.caCertificate ? { connect: { ca: resolved.caCertificate } } : {};
  const dispatcher: Dispatcher = new Agent(agentOptions);
  const tokenSource = deps.tokenProvider ?? createMsalTokenProvider(resolved, dispatcher, logger);
  let tokenInHand = false;
  const tokens: TokenProvider = {
    getToken: async (options) => {
      const token = await tokenSource.getToken(options);
      tokenInHand = true;
      return token;
    },
    heldToken: () => tokenSource.heldToken?.(),
  };
  const { limits } = resolved;
  const endpoint = new GraphEndpoint(resolved.graphOrigin, resolved.apiVersion);
  const protection = {
    limiter: new ConcurrencyLimiter({ maxInFlight: limits.maxConcurrency }, clock),
    budget: new RetryBudget(
      { percent: limits.retryBudgetPercent, minPerSecond: limits.retryBudgetMinPerSecond, windowMs: limits.retryBudgetWindowMs },
      clock,
    ),
    breaker: limits.breakerEnabled
      ? new CircuitBreaker(
          {
            failurePercent: limits.breakerFailurePercent,
            minRequests: limits.breakerMinRequests,
            windowMs: limits.breakerWindowMs,
            cooldownMs: limits.breakerCooldownMs,
            halfOpenProbes: limits.breakerHalfOpenProbes,
          },
          clock,
          (state) => logger.warn({ circuit: state }, `graph circuit ${state}`),
        )
      : undefined,
    throttle: resolved.budget.enabled
      ? new GraphBudget(
          {
            limits: resolved.budget.limits,
            localSharePercent: resolved.budget.localSharePercent,
            marginMs: resolved.budget.marginMs,
            maxWaitMs: limits.retryMaxDelayMs,
            scope: { appId: resolved.clientId, tenantId: resolved.tenantId },
            shared: resolved.budget.shared,
            telemetry: resolved.budget.telemetry,
          },
          clock,
        )
      : undefined,
  };
  const chain = buildChain({
    config: resolved,
    endpoint,
    clock,
    logger,
    stats,
    tokens,
    dispatcher,
    freshDispatcher: () => new Agent(agentOptions),
    protection,
  });
  let closed = false;
  let warmUpTimer: ReturnType<typeof setTimeout> | undefined;
  let warming = false;

  async function request<T>(req: GraphRequest, options: GraphRequestOptions = {}): Promise<GraphResponse<T>> {
    if (closed) throw new Error('the Graph client is closed');
    if (!METHODS.has(req.method)) throw new TypeError(`method must be GET, POST, PATCH or DELETE, got ${String(req.method)}`);
    if (typeof req.path !== 'string' || !req.path.startsWith('/') || req.path.startsWith('//')) {
      throw new TypeError(`path must be relative to the versioned Graph base and start with one "/", got ${JSON.stringify(req.path)}`);
    }
    if (options.signal?.aborted) throw options.signal.reason;
    const headers = new Headers(req.headers);
    headers.set('accept', 'application/json');
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
    const maxAttempts = Math.max(1, Math.min(limits.maxAttempts, options.maxAttempts ?? limits.maxAttempts));
    const ctx: HandlerContext = {
      method: req.method,
      url: new URL(`${resolved.baseUrl}${req.path}`),
      path: req.path,
      headers,
      body,
      idempotent: options.idempotent ?? (req.method === 'GET' || req.method === 'DELETE'),
      deadline: options.deadline,
      signal: options.signal,
      maxAttempts,
      caller: options.caller,
      clientRequestId: '',
      attempt: 0,
      attemptSignal: undefined,
      freshConnection: false,
    };
    const raw = await chain(ctx);
    const ok = raw.status >= 200 && raw.status < 300;
    const parsed = parseBody(raw.bodyText, raw.headers, ok ? options.parseJson : undefined);
    if (ok) {
      return {
        status: raw.status,
        headers: raw.headers,
        body: parsed as T,
        clientRequestId: ctx.clientRequestId,
        requestId: raw.headers.get('request-id') ?? undefined,
      };
    }
    throw graphErrorFrom({
      status: raw.status,
      headers: raw.headers,
      body: parsed,
      clientRequestId: ctx.clientRequestId,
      method: req.method,
      path: req.path,
      retryAfterMs: parseRetryAfter(raw.headers.get('retry-after'), clock.now()),
    });
  }

  const transport = new BatchTransport(
    (req, options) => request(req, options),
    {
      maxItems: limits.batchMaxItems,
      windowMs: limits.batchWindowMs,
      maxAttempts: limits.maxAttempts,
      baseDelayMs: limits.retryBaseDelayMs,
      maxDelayMs: limits.retryMaxDelayMs,
      retryPermit: () => protection.budget.tryRetry(),
      recordFirstSends: (items) => protection.budget.recordRequest(items),
    },
    clock,
    stats,
  );

  function warmUp(): void {
    if (warming || closed) return;
    warming = true;
    const attempt = (n: number): void => {
      if (closed) return;
      tokens.getToken({ forceRefresh: false }).then(
        () => logger.info({}, 'graph token in hand'),
        (error: unknown) => {
          if (closed) return;
          const waitMs = Math.min(30_000, 1000 * 2 ** Math.min(n, 5));
          logger.warn(
            { err: error instanceof Error ? { name: error.name, message: error.message } : String(error), retryInMs: waitMs },
            'graph token not obtained yet',
          );
          warmUpTimer = setTimeout(() => attempt(n + 1), waitMs);
          warmUpTimer.unref();
        },
      );
    };
    attempt(0);
  }

  return {
    request,
    batch: (reqs, options) => transport.enqueue(reqs, options),
    followLink: (absoluteUrl, options = {}) => {
      let path: string;
      try {
        path = endpoint.toRelative(absoluteUrl);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      const { headers, ...callOptions } = options;
      return request({ method: 'GET', path, ...(headers ? { headers } : {}) }, callOptions);
    },
    toRelative: (absoluteUrl) => endpoint.toRelative(absoluteUrl),
    stats: () => ({ ...stats, batchSizes: [...stats.batchSizes] }),
    readiness: () => ({
      tokenInHand,
      circuit: protection.breaker?.current() ?? 'closed',
      inFlight: protection.limiter.active,
      queued: protection.limiter.queued,
    }),
    warmUp,
    close: async () => {
      if (closed) return;
      closed = true;
      clearTimeout(warmUpTimer);
      transport.close();
      await dispatcher.close();
    },
  };
}
