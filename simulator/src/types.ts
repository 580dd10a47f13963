/**
 * The contract between the simulator's platform (HTTP/TLS server, identity, auth, throttling, chaos,
 * $batch, control surface) and its Graph resources (calls and call records). Resource modules export
 * `Route`s; the platform matches them, authenticates, throttles and dispatches.
 */

/** The app a validated Graph access token belongs to. */
export interface SimApp {
  appId: string;
  tenantId: string;
  /** Application permissions (the token's `roles` claim), e.g. `CallRecords.Read.All`. */
  roles: readonly string[];
}

export type GraphVersion = 'v1.0' | 'beta';

/** One Graph request, as a resource handler sees it (top-level or an item inside `$batch`). */
export interface SimRequest {
  method: string;
  /** Path after the version prefix, percent-decoded, without query: `/communications/callRecords/abc`. */
  path: string;
  /** The query string as sent (no leading `?`), for handlers that must echo it (nextLink). */
  rawQuery: string;
  /** Parsed query options. Keys keep their `$` (`$filter`), values are decoded. */
  query: URLSearchParams;
  /** Request headers with lower-case names. */
  headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  version: GraphVersion;
  /** Absolute versioned base URL as the client reached it, e.g. `https://127.0.0.1:8443/v1.0`. */
  baseUrl: string;
  app: SimApp;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialisable body; omitted for 204. */
  body?: unknown;
}

export type RouteParams = Readonly<Record<string, string>>;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** Path pattern after the version prefix, with `{name}` segments: `/communications/calls/{id}/answer`. */
  pattern: string;
  /** Name used for per-route counters, e.g. `callRecords.list`. */
  name: string;
  /** Application permissions of which the token must hold at least one; 403 otherwise. */
  anyOfRoles: readonly string[];
  /**
   * Throttle buckets this request counts against (Graph docs: throttling limits), for example
   * `['callRecords:list']` or [`callRecords:record:${id}`]. The platform adds the per-app-per-tenant
   * and global buckets itself and scopes every key by app and tenant.
   */
  throttleKeys(req: SimRequest, params: RouteParams): readonly string[];
  handle(req: SimRequest, params: RouteParams): SimResponse | Promise<SimResponse>;
}

/**
 * Thrown by handlers for any Graph error; the platform renders Graph's error envelope
 * `{"error":{"code","message","innerError":{"request-id","date","client-request-id"}}}`.
 */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

/** Options of the Graph resource modules (calls and call records). */
export interface ResourceOptions {
  /** Seed of the deterministic data generator. */
  seed: number;
  /** How many call records to generate across the 30 days before `now()`. */
  callRecordCount: number;
  /** The simulator's clock: retention (30 days) and call timestamps are relative to it. */
  now: () => Date;
  /** Delay before a created call moves from `establishing` to `established`. */
  callEstablishDelayMs: number;
  /** Where call notifications go (the platform's signed, queued delivery). Default none: nothing is sent. */
  callbacks?: CallbackSink;
  /** How long after a call ends its record appears; its second version follows after the same delay. Default 3000 ms. */
  callRecordDelayMs?: number;
  /** The other side hangs up this long after a call is established; 0 (default): never. */
  remoteHangUpMs?: number;
  /** Told when a call record appears or gets a new version (change-notification subscriptions). Default none. */
  recordChanges?: CallRecordChangeSink;
}

/** Where the resources report call records that appear (`created`) or get a later version (`updated`). */
export interface CallRecordChangeSink {
  recordChanged(id: string, change: 'created' | 'updated', participantIds: ReadonlySet<string>): void;
}

/** Who a call's notifications go to: the call's callback URL, signed for the owning app in its tenant. */
export interface CallbackTarget {
  callId: string;
  callbackUri: string;
  tenantId: string;
  /** The client id of the app registration that created or owns the call: the token's `aud`. */
  audience: string;
}

/** Accepts one commsNotification for delivery; the sink wraps it in the commsNotifications envelope. */
export interface CallbackSink {
  notify(target: CallbackTarget, notification: Record<string, unknown>): void;
}

/** An incoming call put in front of an app through the control surface. */
export interface IncomingCallInput {
  callbackUri: string;
  /** Client id of the app the call is for (the call's target and the owner of its notifications). */
  appId: string;
  tenantId: string;
  /** The caller: an identitySet, or a participantInfo. Default a simulated user. */
  source?: Record<string, unknown>;
  requestedModalities?: readonly string[];
}

/** A recording a recordResponse operation made, downloadable with its access token. */
export interface StoredRecording {
  accessToken: string;
  bytes: Buffer;
}

/** What the resource modules hand to the platform. */
/** A call record's next version (`POST /_simulator/callRecords/{id}/version`). */
export interface VersionChange {
  /** Add a session (a copy of the last one with new ids); false moves only the version. Default true. */
  addSession?: boolean;
}

export interface NewVersion {
  id: string;
  version: number;
  lastModifiedDateTime: string;
  /** Sessions the record has now. */
  sessions: number;
}

export interface GraphResources {
  routes: readonly Route[];
  /** Back to the generated data set (fixtures dropped, calls cleared). */
  reset(): void;
  /**
   * Loads fixtures: a JSON document `{ value: [callRecord, ...] }` or `{ calls: [...], callRecords: [...] }`,
   * or the name of a bundled fixture (`seed-004`). Replaces the data set unless `merge` is set. Returns the
   * number of entities loaded.
   */
  loadFixtures(source: string | object, options?: { merge?: boolean }): number;
  /** Read-only views for tests and benchmarks. */
  snapshot(): {
    calls: readonly unknown[];
    callRecords: readonly unknown[];
    /** The rows of getPstnCalls and getDirectRoutingCalls, in the order Graph pages them; decimals as exact strings. */
    pstnCalls: readonly Record<string, unknown>[];
    directRoutingCalls: readonly Record<string, unknown>[];
  };
  /** Creates a call in state `incoming` and notifies its callback (`created`); returns its id. */
  injectIncomingCall(input: IncomingCallInput): string;
  /** A DTMF tone on a call that subscribed to tones (`updated` with `toneInfo`); returns its sequenceId, throws GraphHttpError otherwise. */
  injectTone(callId: string, tone: string): number;
  /** A call record's next version: a session added (unless `addSession: false`), `version` + 1, `lastModifiedDateTime` now. */
  bumpCallRecordVersion(id: string, change?: VersionChange): NewVersion;
  /** The recording behind a recordOperation's `recordingLocation`, by its id. */
  recording(id: string): StoredRecording | undefined;
  /** Stops timers (pending state transitions). */
  close(): void;
}
