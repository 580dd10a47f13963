/**
 * The Graph client's error model. Graph's error envelope is parsed here, once:
 * `{"error":{"code","message","innerError"|"innererror":{"code","request-id","client-request-id","date",...}}}`.
 * Bodies that are not JSON (a proxy's HTML page, an empty 504) still yield a GraphError with the status.
 */

/** What Graph answered, when it answered with a non-2xx status. */
export class GraphError extends Error {
  readonly status: number;
  /** Graph's `error.code`, e.g. `TooManyRequests`, `itemNotFound`; `httpStatus<N>` when the body had none. */
  readonly code: string;
  /** Graph's `request-id` (response header, else innerError). */
  readonly requestId: string | undefined;
  /** The `client-request-id` this gateway sent. */
  readonly clientRequestId: string;
  /** Graph's `innerError.date`, or the `Date` response header. */
  readonly date: string | undefined;
  /** From `Retry-After`, in milliseconds, when Graph gave one. */
  readonly retryAfterMs: number | undefined;
  /** The innermost `innerError.code`, when present. */
  readonly innerErrorCode: string | undefined;
  readonly method: string;
  /** Path after the version prefix, query included. */
  readonly path: string;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    clientRequestId: string;
    method: string;
    path: string;
    requestId?: string | undefined;
    date?: string | undefined;
    retryAfterMs?: number | undefined;
    innerErrorCode?: string | undefined;
  }) {
    super(init.message);
    this.name = 'GraphError';
    this.status = init.status;
    this.code = init.code;
    this.clientRequestId = init.clientRequestId;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
    this.date = init.date;
    this.retryAfterMs = init.retryAfterMs;
    this.innerErrorCode = init.innerErrorCode;
  }
}

export type TransportFailure =
  /** The per-attempt timeout fired. */
  | 'timeout'
  /** The operation's deadline passed (or would pass before the next attempt could start). */
  | 'deadline'
  /** The connection dropped or reset after the request may have been sent. */
  | 'network'
  /** No connection could be made; the request never left. */
  | 'connect';

/** No usable answer from Graph: timeouts, deadline, dropped or refused connections. */
export class GraphTransportError extends Error {
  /** False when the request certainly never reached Graph (no connection, or stopped before sending). */
  readonly requestSent: boolean;

  constructor(
    readonly kind: TransportFailure,
    readonly clientRequestId: string,
    readonly method: string,
    readonly path: string,
    options?: { cause?: unknown; requestSent?: boolean },
  ) {
    super(`${method} ${path}: ${describeFailure(kind)}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GraphTransportError';
    this.requestSent = options?.requestSent ?? kind !== 'connect';
  }
}

/**
 * A non-idempotent request (e.g. creating a call) may or may not have taken effect: it timed out, its
 * connection dropped, or Graph answered 5xx. It is never repeated; reconcile with `clientRequestId`.
 */
export class GraphOutcomeUnknownError extends Error {
  constructor(
    readonly reason: 'timeout' | 'deadline' | 'network' | 'status',
    readonly clientRequestId: string,
    readonly method: string,
    readonly path: string,
    /** Graph's answer when the reason is `status`. */
    readonly graphError?: GraphError,
    options?: { cause?: unknown },
  ) {
    super(
      `${method} ${path}: outcome unknown (${reason === 'status' ? `HTTP ${graphError?.status ?? '5xx'}` : describeFailure(reason)}); ` +
        `not retried, reconcile with client-request-id ${clientRequestId}`,
      options,
    );
    this.name = 'GraphOutcomeUnknownError';
  }

  get status(): number | undefined {
    return this.graphError?.status;
  }

  get requestId(): string | undefined {
    return this.graphError?.requestId;
  }
}

/**
 * The circuit breaker is open: Graph failed (5xx, timeouts, dropped connections) on most recent requests,
 * so the client fails fast instead of adding load. Nothing was sent; retry after `retryAfterMs`.
 */
export class GraphCircuitOpenError extends Error {
  constructor(
    readonly retryAfterMs: number,
    readonly clientRequestId: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(
      `${method} ${path.split('?')[0] ?? ''}: circuit open (sustained Graph failures), retry after ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`,
    );
    this.name = 'GraphCircuitOpenError';
  }
}

/**
 * The request would have had to wait for Graph's throttling budget (shared by the replicas) past its operation's
 * deadline, or for longer than the client waits at all, so it was not sent; retry after `retryAfterMs`.
 */
export class GraphBudgetExhaustedError extends Error {
  constructor(
    readonly retryAfterMs: number,
    /** The bucket family that had no room, e.g. `callRecordsList`. */
    readonly bucket: string,
    readonly clientRequestId: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(
      `${method} ${path.split('?')[0] ?? ''}: Graph's ${bucket} budget is spent for now; not sent, retry after ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`,
    );
    this.name = 'GraphBudgetExhaustedError';
  }
}

/** The client refused to send a request to a URL outside the configured Graph endpoint. */
export class GraphHostRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly expected: string,
  ) {
    super(`refusing to call ${safeUrl(url)}: only ${expected}/... is allowed`);
    this.name = 'GraphHostRefusedError';
  }
}

function describeFailure(kind: TransportFailure): string {
  switch (kind) {
    case 'timeout':
      return 'attempt timed out';
    case 'deadline':
      return 'operation deadline exceeded';
    case 'network':
      return 'connection dropped';
    case 'connect':
      return 'could not connect';
  }
}

/** Scheme, host and path only: a link's query is never echoed into messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return JSON.stringify(url.slice(0, 200));
  }
}

interface ParsedEnvelope {
  code?: string;
  message?: string;
  requestId?: string;
  date?: string;
  innerErrorCode?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads Graph's error envelope from a parsed body or raw text; tolerant of anything else. */
export function parseErrorEnvelope(body: unknown): ParsedEnvelope {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return {};
    }
  }
  if (!isRecord(value) || !isRecord(value.error)) return {};
  const error = value.error;
  const out: ParsedEnvelope = { code: str(error.code), message: str(error.message) };
  // innerError nests; the outermost carries request-id and date, the innermost the most specific code.
  let inner: unknown = error.innerError ?? error.innererror;
  let depth = 0;
  while (isRecord(inner) && depth < 8) {
    out.requestId ??= str(inner['request-id']);
    out.date ??= str(inner.date);
    out.innerErrorCode = str(inner.code) ?? out.innerErrorCode;
    inner = inner.innerError ?? inner.innererror;
    depth += 1;
  }
  return out;
}

/** Builds the GraphError for one non-2xx answer (a top-level response or a `$batch` item). */
export function graphErrorFrom(args: {
  status: number;
  headers: Headers;
  body: unknown;
  clientRequestId: string;
  method: string;
  path: string;
  retryAfterMs: number | undefined;
}): GraphError {
  const env = parseErrorEnvelope(args.body);
  return new GraphError({
    status: args.status,
    code: env.code ?? `httpStatus${args.status}`,
    message: env.message ?? `Graph answered HTTP ${args.status} to ${args.method} ${args.path.split('?')[0] ?? ''}`,
    clientRequestId: args.clientRequestId,
    method: args.method,
    path: args.path,
    requestId: args.headers.get('request-id') ?? env.requestId,
    date: env.date ?? args.headers.get('date') ?? undefined,
    retryAfterMs: args.retryAfterMs,
    innerErrorCode: env.innerErrorCode,
  });
}
