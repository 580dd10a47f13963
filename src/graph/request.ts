/**
 * The Graph client's vocabulary: what a caller asks (request and options), what it gets back, and what the
 * handlers of the chain share. A leaf: it imports nothing, so every other module of `src/graph` can depend
 * on it without a loop.
 */

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

/** Per-request options: cancellation and the operation's deadline bound retries and timeouts. */
export interface GraphRequestOptions {
  signal?: AbortSignal;
  /** Epoch milliseconds after which no attempt starts and no retry waits. */
  deadline?: number;
  /**
   * Whether repeating the request can never cause a second side effect. Defaults to true for GET and
   * DELETE, false otherwise. A non-idempotent request is retried only on 429 (Graph did not act).
   */
  idempotent?: boolean;
  /** Attempts for this request, first included; default the client's `maxAttempts`, never more. */
  maxAttempts?: number;
  /** Who the request is for (a caller key): the throttling budget serves waiting callers in turn. */
  caller?: string;
  /**
   * Reads a successful JSON body instead of JSON.parse, e.g. to keep the digits of decimals
   * (decimalJson.ts). Error bodies are always read the usual way.
   */
  parseJson?: (text: string) => unknown;
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

/** Statuses after which Graph certainly or probably did not act and asks to be tried again (429, 503, 504). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

// ---------------------------------------------------------------------------------------------------
// The handler chain (chain.ts): each handler gets the request's context and `next`, and may call `next`
// zero, one or more times.

/** One HTTP answer, its body read as text within the attempt's timeout. */
export interface RawResponse {
  status: number;
  headers: Headers;
  bodyText: string;
}

/** The mutable state of one logical request as it passes through the handlers. */
export interface HandlerContext {
  readonly method: GraphMethod;
  /** Absolute URL; the host guard checks it before anything is sent. */
  readonly url: URL;
  /** Path after the version prefix, query included: what logs and errors show. */
  readonly path: string;
  /** Outgoing headers; the auth handler adds Authorization here, and nothing ever logs them. */
  readonly headers: Headers;
  readonly body: string | undefined;
  readonly idempotent: boolean;
  /** Epoch ms; no attempt or wait may end after it. */
  readonly deadline: number | undefined;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Attempts allowed for this request (retry handler). */
  readonly maxAttempts: number;
  /** Who the request is for; the throttling budget takes turns between callers. */
  readonly caller: string | undefined;
  /** Set by the requestId handler. */
  clientRequestId: string;
  /** 1-based, set by the retry handler. */
  attempt: number;
  /** Set by the timeout handler: the caller's signal, the attempt timeout and the deadline together. */
  attemptSignal: AbortSignal | undefined;
  /** Asks the fetch handler for a connection of its own (a retry after 503). */
  freshConnection: boolean;
}

export type Next = (ctx: HandlerContext) => Promise<RawResponse>;
export type Handler = (ctx: HandlerContext, next: Next) => Promise<RawResponse>;

/** Abort reason of the per-attempt timeout. */
export class AttemptTimeoutReason extends Error {
  constructor(readonly ms: number) {
    super(`attempt timed out after ${ms} ms`);
    this.name = 'AttemptTimeoutReason';
  }
}

/** Abort reason when the operation's deadline is reached during an attempt. */
export class DeadlineReason extends Error {
  constructor() {
    super('operation deadline reached');
    this.name = 'DeadlineReason';
  }
}

// ---------------------------------------------------------------------------------------------------
// What the client is given (time, a logger, a telemetry sink) and what it reports (counters).

/** Injectable time, so tests can drive waits without wall-clock sleeps. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random(): number;
}

/** pino-compatible subset; the client never passes tokens, secrets or headers to it. */
export interface GraphLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** One HTTP request to Graph (an attempt, a `$batch`), reported after it answered or failed. */
export interface GraphRequestEvent {
  method: GraphMethod;
  /** The path with ids replaced: `/communications/callRecords/{id}`, `/$batch`. Bounded, fit for a metric label. */
  route: string;
  /** HTTP status; undefined when no answer came (timeout, dropped connection, abort). */
  status: number | undefined;
  /** Why no answer came: `timeout`, `deadline`, `network`, `connect`, `aborted`. */
  failure?: string;
  durationMs: number;
  /** 1-based attempt of the retry handler. */
  attempt: number;
  /** True for the first request of a retry-handler attempt after the first (not for the resend after a 401). */
  retry: boolean;
  /** The `client-request-id` this gateway sent. */
  clientRequestId: string;
  /** Graph's `request-id` response header. */
  requestId: string | undefined;
  /** Items carried, for a `$batch`. */
  batchItems?: number;
  /** Items Graph answered 429 inside a `$batch` whose own status is 200. */
  throttledItems?: number;
  /** True when the bearer token differs from the previous request's: the first token, or a refreshed one. */
  newToken: boolean;
}

/** Receives the client's request events. It must not throw; it is called after the request, off its error path. */
export interface GraphTelemetry {
  request(event: GraphRequestEvent): void;
}

/** Counters for tests and benchmarks. */
export interface GraphClientStats {
  /** HTTP requests put on the wire (each attempt counts). */
  httpRequests: number;
  /** Waits taken by the retry handler before another attempt. */
  retries: number;
  /** `$batch` POSTs issued by the transport (their own retries not counted again). */
  batchRequests: number;
  /** Items per recent `$batch` POST, in send order: at least the last RECENT_BATCH_SIZES, never twice as many. */
  batchSizes: number[];
  /** Flushes of a single item, sent as a plain GET. */
  singleGets: number;
  /** Batch items re-queued after an item-level 429/503/504. */
  itemRetries: number;
  /** Requests that ended in GraphOutcomeUnknownError. */
  outcomeUnknown: number;
  /** Retries (request or `$batch` item) not taken because the retry budget was spent. */
  retriesDenied: number;
  /** Requests the open circuit failed at once, without sending them. */
  circuitRejections: number;
}

/** The `$batch` sizes the stats keep: they are for tests and benchmarks, and a gateway runs for months. */
export const RECENT_BATCH_SIZES = 1000;

/** Records one `$batch`'s size, dropping the oldest half once twice RECENT_BATCH_SIZES are held. */
export function recordBatchSize(stats: GraphClientStats, items: number): void {
  stats.batchSizes.push(items);
  if (stats.batchSizes.length >= 2 * RECENT_BATCH_SIZES) stats.batchSizes.splice(0, stats.batchSizes.length - RECENT_BATCH_SIZES);
}

export function emptyStats(): GraphClientStats {
  return {
    httpRequests: 0,
    retries: 0,
    batchRequests: 0,
    batchSizes: [],
    singleGets: 0,
    itemRetries: 0,
    outcomeUnknown: 0,
    retriesDenied: 0,
    circuitRejections: 0,
  };
}
