/**
 * The only way the gateway talks to Microsoft Graph. Everything above this file (loaders, resolvers)
 * speaks in relative Graph paths; everything below it (the handler chain) deals with hosts, tokens,
 * retries and bytes.
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
