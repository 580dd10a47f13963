/**
 * The only way the gateway talks to Microsoft Graph. Everything above this file (loaders, resolvers)
 * speaks in relative Graph paths; everything below it (the handler chain) deals with hosts, tokens,
 * retries and bytes.
 */

import { Agent, type Dispatcher } from 'undici';
import { createMsalTokenProvider, type TokenProvider } from './auth/msal.js';
import { BatchTransport } from './batch.js';
import { buildChain } from './chain.js';
import { CircuitBreaker, type CircuitState } from './handlers/breaker.js';
import { ConcurrencyLimiter } from './handlers/concurrency.js';
import { RetryBudget } from './handlers/retryBudget.js';
import { resolveGraphConfig, type GraphClientConfig, type GraphLogger } from './config.js';
import { GraphHostRefusedError, graphErrorFrom } from './errors.js';
import { emptyStats, systemClock, type Clock, type GraphClientStats, type GraphContext } from './pipeline.js';
import { parseRetryAfter } from './retryAfter.js';

export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface GraphRequest {
  method: GraphMethod;
  /**
   * Path relative to the versioned base, starting with `/`, query included and already encoded:
   * `/communications/callRecords/abc?$select=id,startDateTime`.
   */
  path: string;
  headers?: Readonly<Record<string, string>>;
  /** JSON body (POST/PATCH). */
  body?: unknown;
}

/** Per-call options: cancellation and the operation's deadline bound retries and timeouts. */
export interface GraphCallOptions {
  signal?: AbortSignal;
  /** Epoch milliseconds after which no attempt starts and no retry waits. */
  deadline?: number;
  /**
   * Whether repeating the request can never cause a second side effect. Defaults to true for GET and
   * DELETE, false otherwise. A non-idempotent request is retried only on 429 (Graph did not act).
   */
  idempotent?: boolean;
  /** Attempts for this request, first included; default the client's `retry.maxAttempts`, never more. */
  maxAttempts?: number;
}

export interface GraphResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The `client-request-id` this gateway sent. */
  clientRequestId: string;
  /** Graph's `request-id` response header, when present. */
  requestId?: string;
}

export interface GraphClient {
  /** Sends one request through the pipeline; resolves on 2xx, rejects with a GraphError otherwise. */
  request<T = unknown>(req: GraphRequest, options?: GraphCallOptions): Promise<GraphResponse<T>>;
  /**
   * Sends GET requests through the shared `$batch` transport: requests from concurrent callers are
   * coalesced into `$batch` calls of at most 20 items; throttled or unavailable items are retried
   * on their own. Each slot holds the item's response or its GraphError, in input order.
   */
  batch<T = unknown>(
    reqs: readonly GraphRequest[],
    options?: GraphCallOptions,
  ): Promise<Array<GraphResponse<T> | Error>>;
  /**
   * Follows an absolute `@odata.nextLink` (or `sessions@odata.nextLink`, ...) after checking that its
   * scheme, host and version prefix are the configured Graph endpoint's; rejects otherwise.
   */
  followLink<T = unknown>(absoluteUrl: string, options?: GraphCallOptions & { headers?: Record<string, string> }): Promise<GraphResponse<T>>;
  /** Converts an absolute Graph URL into a relative path after the same check; throws if foreign. */
  toRelative(absoluteUrl: string): string;
  /** Stops timers and closes sockets. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// The implementation: configuration resolved once, one undici pool, one MSAL app, one handler chain.

export type { GraphClientConfig, GraphCredential, GraphLogger, NationalCloud, GraphApiVersion } from './config.js';
export { GraphConfigError, NATIONAL_CLOUDS, resolveGraphConfig } from './config.js';
export { GraphCircuitOpenError, GraphError, GraphHostRefusedError, GraphOutcomeUnknownError, GraphTransportError } from './errors.js';
export type { CircuitState } from './handlers/breaker.js';
export { TokenAcquisitionError, type TokenProvider } from './auth/msal.js';
export type { Clock, GraphClientStats } from './pipeline.js';

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

function parseBody(text: string, headers: Headers): unknown {
  if (text === '') return undefined;
  const type = headers.get('content-type') ?? '';
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
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
  };
  const protection = {
    limiter: new ConcurrencyLimiter({ maxInFlight: resolved.maxConcurrency }, clock),
    budget: new RetryBudget(resolved.retryBudget, clock),
    breaker:
      resolved.breaker === undefined
        ? undefined
        : new CircuitBreaker(resolved.breaker, clock, (state) => logger.warn({ circuit: state }, `graph circuit ${state}`)),
  };
  const chain = buildChain({
    config: resolved,
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

  async function request<T>(req: GraphRequest, options: GraphCallOptions = {}): Promise<GraphResponse<T>> {
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
    const maxAttempts = Math.max(1, Math.min(resolved.maxAttempts, options.maxAttempts ?? resolved.maxAttempts));
    const ctx: GraphContext = {
      method: req.method,
      url: new URL(`${resolved.baseUrl}${req.path}`),
      path: req.path,
      headers,
      body,
      idempotent: options.idempotent ?? (req.method === 'GET' || req.method === 'DELETE'),
      deadline: options.deadline,
      signal: options.signal,
      maxAttempts,
      clientRequestId: '',
      attempt: 0,
      attemptSignal: undefined,
      freshConnection: false,
      retryPermit: undefined,
    };
    const raw = await chain(ctx);
    const parsed = parseBody(raw.bodyText, raw.headers);
    if (raw.status >= 200 && raw.status < 300) {
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
      maxItems: resolved.batchMaxItems,
      windowMs: resolved.batchWindowMs,
      maxAttempts: resolved.maxAttempts,
      baseDelayMs: resolved.baseDelayMs,
      maxDelayMs: resolved.maxDelayMs,
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
          logger.warn({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error), retryInMs: waitMs }, 'graph token not obtained yet');
          warmUpTimer = setTimeout(() => attempt(n + 1), waitMs);
          warmUpTimer.unref();
        },
      );
    };
    attempt(0);
  }

  const versionPrefix = `/${resolved.apiVersion}/`;
  function toRelative(absoluteUrl: string): string {
    let url: URL;
    try {
      url = new URL(absoluteUrl);
    } catch {
      throw new GraphHostRefusedError(String(absoluteUrl), resolved.baseUrl);
    }
    if (url.origin !== resolved.graphOrigin || url.username !== '' || url.password !== '' || !url.pathname.startsWith(versionPrefix)) {
      throw new GraphHostRefusedError(url.href, resolved.baseUrl);
    }
    return `${url.pathname.slice(versionPrefix.length - 1)}${url.search}`;
  }

  return {
    request,
    batch: (reqs, options) => transport.enqueue(reqs, options),
    followLink: (absoluteUrl, options = {}) => {
      let path: string;
      try {
        path = toRelative(absoluteUrl);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      const { headers, ...callOptions } = options;
      return request({ method: 'GET', path, ...(headers ? { headers } : {}) }, callOptions);
    },
    toRelative,
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
