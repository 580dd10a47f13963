/**
 * The simulator's options: their types, defaults and validation. Options enter once, through
 * `resolveSimulatorOptions` (in process) or `loadSimulatorOptionsFromEnv` (standalone); everything else
 * receives the resolved, frozen result.
 */

import type { Route } from './types.js';

/** Every application permission the calls and call-record routes know. */
export const ALL_COMMUNICATIONS_ROLES: readonly string[] = Object.freeze([
  'Calls.Initiate.All',
  'Calls.InitiateGroupCall.All',
  'Calls.JoinGroupCall.All',
  'Calls.JoinGroupCallAsGuest.All',
  'Calls.AccessMedia.All',
  'CallRecords.Read.All',
]);

/** A client certificate registered on an app: the PEM certificate and, when the simulator made it, its key. */
export interface AppCertificate {
  certificatePem: string;
  /** PKCS#8 PEM; present for certificates the simulator generated, so clients can sign assertions. */
  privateKeyPem?: string;
  /** Hex SHA-1 thumbprint of the DER certificate (the `x5t` MSAL sends with `thumbprint`). */
  thumbprintSha1: string;
  /** Hex SHA-256 thumbprint (the `x5t#S256` MSAL sends with `thumbprintSha256`). */
  thumbprintSha256: string;
}

/** An app registration as configured. */
export interface AppRegistrationOptions {
  /** Short name used by the control surface and in logs, e.g. `default`. */
  name: string;
  clientId: string;
  /** The client secret; an app without one can only authenticate with a certificate assertion. */
  clientSecret?: string;
  /** Application permissions granted (and admin-consented): the token's `roles`. */
  roles: readonly string[];
  /**
   * App roles granted on other APIs, by the API's application id URI (e.g. the gateway's
   * `api://comms-graphql`): a token requested with scope `<uri>/.default` carries these as `roles`.
   */
  apiRoles?: Readonly<Record<string, readonly string[]>>;
  /** `'generate'` makes a certificate and key at start; a PEM registers an existing certificate. */
  certificate?: 'generate' | { certificatePem: string; privateKeyPem?: string };
}

/** An app registration after start: certificates are materialised. */
export interface AppRegistration {
  name: string;
  clientId: string;
  clientSecret?: string;
  roles: readonly string[];
  apiRoles?: Readonly<Record<string, readonly string[]>>;
  certificate?: AppCertificate;
}

export interface RateLimit {
  /** Requests allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

/**
 * Throttling limits, each counted per app and tenant (Graph docs: throttling limits). A route names its buckets
 * through `Route.throttleKeys`; keys starting with `callRecords:list` use `callRecordsList`, with
 * `callRecords:record:` use `callRecord`, any `callRecords` key also counts against `callRecordsPerApp`,
 * any `calls` key against `calls`, and `pstnCallLogs` (the report functions) against `pstnCallLogs`. Every Graph
 * request also counts against `global`.
 */
export interface ThrottleOptions {
  /** All Graph requests of an app. Default 130,000 per 10 s. */
  global: RateLimit;
  /** Call-record requests (callRecord, session, participant) per app per tenant. Default 1,500 per 20 s. */
  callRecordsPerApp: RateLimit;
  /** Listing call records. Default 40 per 20 s. */
  callRecordsList: RateLimit;
  /** Requests that address one call record. Default 40 per 20 s. */
  callRecord: RateLimit;
  /** Calls API requests. Default 50,000 per 15 s. */
  calls: RateLimit;
  /** The PSTN and Direct Routing report functions, per app per tenant. Default 200 per 60 s. */
  pstnCallLogs: RateLimit;
}

export interface LatencyFault {
  /** Probability in [0, 1] that a request is delayed. */
  p: number;
  minMs: number;
  maxMs: number;
}

/**
 * Seeded fault injection. Each probability is in [0, 1]; 429, 503, 504 and drop are exclusive outcomes of
 * one draw, so their sum must not exceed 1. Latency is drawn independently.
 */
export interface ChaosOptions {
  /** Seed of the fault sequence. Default 1. */
  seed: number;
  /** 429 `TooManyRequests` with `Retry-After`. Default 0. */
  p429: number;
  /** 503 `serviceNotAvailable` with `Retry-After`. Default 0. */
  p503: number;
  /** 504 `gatewayTimeout`. Default 0. */
  p504: number;
  /** The socket is destroyed without a response (top-level requests only). Default 0. */
  pDrop: number;
  /**
   * The request is served (a call is placed, an action taken) but its answer is lost as a 504: the case
   * where a client cannot know whether Graph acted. Default 0.
   */
  pLost504?: number;
  /** The request is served, then the socket is destroyed before the answer (top-level requests only). Default 0. */
  pLostDrop?: number;
  /** Added latency. Default none. */
  latency?: LatencyFault;
  /** Range of the Retry-After sent with injected 429s and 503s, in ms (sent as seconds with decimals). Default 1 000..5 000. */
  retryAfterMs?: { min: number; max: number };
}

export interface SimulatorOptions {
  /** TCP port; 0 picks a free one. Default 0 (the standalone simulator defaults to 8443). */
  port: number;
  /** Listening address. Default `127.0.0.1`. */
  host: string;
  /** Tenant of every app and token. Default `b7c1e0d4-5a3f-4e2b-9c8d-6f1a2b3c4d5e`. */
  tenantId: string;
  /** Seed of the call-record generator. Default 20230925. */
  seed: number;
  /** Generated call records across the 30 days before `now`. Default 3000. */
  callRecordCount: number;
  /**
   * The data clock: an ISO-8601 instant freezes it (so fixtures dated 2023 fall inside the 30-day window),
   * a function supplies it. Default real time. Tokens and throttling always use real time.
   */
  now: string | (() => Date);
  /** Delay before a new call becomes `established`. Default 1000 ms. */
  callEstablishDelayMs: number;
  /**
   * How long after a call ends its call record appears (and change-notification subscribers hear of it); the
   * record's second version (one more session) follows after the same delay again. Graph takes up to 15 minutes,
   * sometimes 60 (CALLS-LIVE.md 0.2); default 3000 ms, so `npm start` shows the whole story.
   */
  callRecordDelayMs: number;
  /** The other side hangs up this long after a call is established; 0 (default): only the app hangs up. */
  remoteHangUpMs: number;
  /** App registrations. Default: `default`, `calls-only`, `records-only`, `pstn-only` (secrets) and `certificate`. */
  apps: readonly AppRegistrationOptions[];
  /**
   * Apps that call the gateway (not Graph): they hold gateway roles on `api://comms-graphql` and get
   * caller tokens from the same token endpoint. Default: `caller` (every gateway role), `caller-records`
   * (CallRecords.Read) and `caller-no-roles`.
   */
  callerApps: readonly AppRegistrationOptions[];
  /** Access token lifetime in seconds (`expires_in`). Default 3599. */
  tokenLifetimeSeconds: number;
  throttle: ThrottleOptions;
  /** Fault injection, or null for none. Default null. Can be changed at run time. */
  chaos: ChaosOptions | null;
  /** Latency added to every top-level Graph request, for benchmarks. Default 0. */
  fixedLatencyMs: number;
  /** Return `$batch` responses in a seeded shuffled order. Default false (tests turn it on). */
  shuffleBatch: boolean;
  /** Seed of the `$batch` shuffle. Default 7. */
  batchShuffleSeed: number;
  /** Largest accepted request body. Default 4 MiB. */
  maxBodyBytes: number;
  /** Entries kept in the request log. Default 1000. */
  logCapacity: number;
  /** Graph routes served beside the calls and call-record resources (tests add probes here). Default none. */
  extraRoutes: readonly Route[];
  /** Deliver every second call notification twice, as at-least-once delivery may. Default false. */
  callbackDuplicate: boolean;
  /**
   * Swap close-together notifications of a call (each is held until the call's next one, at most
   * `callEstablishDelayMs` + 100 ms), so establishing/established and the like may arrive out of order. Default false.
   */
  callbackShuffle: boolean;
  /** Chaos: probability that a delivery attempt is dropped (not sent; it is retried). Default 0. */
  callbackDropP: number;
  /** Chaos: delay before every delivery attempt, in ms. Default 0. */
  callbackDelayMs: number;
  /** Delivery attempts per notification, the first included (0 to 10 retries). Default 4. */
  callbackMaxAttempts: number;
  /** Backoff before the n-th retry: `callbackRetryBaseMs * 2^(n-1)` ms. Default 250. */
  callbackRetryBaseMs: number;
  /** How long one callback POST may take before it counts as failed. Default 5000 ms. */
  callbackTimeoutMs: number;
  /**
   * `loopback` (default): notifications go only to loopback callback hosts; others are logged as `skipped`,
   * so tests using example URLs never reach the internet. `any`: POST to any host, as Graph does.
   */
  callbackDeliverTo: 'loopback' | 'any';
  /** Seed of the callback drop sequence. Default 1. */
  callbackSeed: number;
}

/** Options after validation: frozen, with the clock as a function. */
export interface ResolvedSimulatorOptions extends Omit<SimulatorOptions, 'now'> {
  now: () => Date;
  /** The instant given as `now`, when it was fixed. */
  fixedNow?: string;
}

export const DEFAULT_TENANT_ID = 'b7c1e0d4-5a3f-4e2b-9c8d-6f1a2b3c4d5e';

export const DEFAULT_APPS: readonly AppRegistrationOptions[] = Object.freeze([
  {
    name: 'default',
    clientId: '3f9a6c2e-1b4d-4e8f-a7c5-0d2e9b1f6a38',
    clientSecret: 'sim-default-secret',
    roles: ALL_COMMUNICATIONS_ROLES,
  },
  {
    name: 'calls-only',
    clientId: '8c2d7e1f-4a5b-4c6d-9e8f-1a2b3c4d5e6f',
    clientSecret: 'sim-calls-only-secret',
    roles: ALL_COMMUNICATIONS_ROLES.filter((r) => r !== 'CallRecords.Read.All'),
  },
  {
    name: 'records-only',
    clientId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
    clientSecret: 'sim-records-only-secret',
    roles: ['CallRecords.Read.All'],
  },
  {
    // Only the call-log reports (getPstnCalls, getDirectRoutingCalls): their least-privileged permission.
    name: 'pstn-only',
    clientId: '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
    clientSecret: 'sim-pstn-only-secret',
    roles: ['CallRecord-PstnCalls.Read.All'],
  },
  {
    name: 'certificate',
    clientId: 'd4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70',
    roles: ALL_COMMUNICATIONS_ROLES,
    certificate: 'generate',
  },
]);

/** The gateway's application id URI: the audience of caller tokens. */
export const GATEWAY_API_AUDIENCE = 'api://comms-graphql';

/**
 * The gateway's default role names (AUTH_ROLE_*): read call records, read the PSTN and Direct Routing reports, read calls,
 * place calls, answer, control and record calls.
 */
export const GATEWAY_ROLES: readonly string[] = Object.freeze([
  'CallRecords.Read',
  'PstnCalls.Read',
  'Calls.Read',
  'Calls.Create',
  'Calls.Answer',
  'Calls.Control',
  'Calls.Record',
]);

export const DEFAULT_CALLER_APPS: readonly AppRegistrationOptions[] = Object.freeze([
  {
    name: 'caller',
    clientId: 'a1c2e3f4-0b1d-4c2e-8f3a-5b6c7d8e9f01',
    clientSecret: 'sim-caller-secret',
    roles: [],
    apiRoles: { [GATEWAY_API_AUDIENCE]: GATEWAY_ROLES },
  },
  {
    name: 'caller-records',
    clientId: 'b2d3f4a5-1c2e-4d3f-9a4b-6c7d8e9f0a12',
    clientSecret: 'sim-caller-records-secret',
    roles: [],
    apiRoles: { [GATEWAY_API_AUDIENCE]: ['CallRecords.Read'] },
  },
  {
    name: 'caller-no-roles',
    clientId: 'c3e4a5b6-2d3f-4e4a-8b5c-7d8e9f0a1b23',
    clientSecret: 'sim-caller-no-roles-secret',
    roles: [],
    apiRoles: { [GATEWAY_API_AUDIENCE]: [] },
  },
]);

export const DEFAULT_THROTTLE: ThrottleOptions = Object.freeze({
  global: { limit: 130_000, windowMs: 10_000 },
  callRecordsPerApp: { limit: 1_500, windowMs: 20_000 },
  callRecordsList: { limit: 40, windowMs: 20_000 },
  callRecord: { limit: 40, windowMs: 20_000 },
  calls: { limit: 50_000, windowMs: 15_000 },
  pstnCallLogs: { limit: 200, windowMs: 60_000 },
});

export const DEFAULT_OPTIONS: Readonly<SimulatorOptions> = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  tenantId: DEFAULT_TENANT_ID,
  seed: 20230925,
  callRecordCount: 3000,
  now: () => new Date(),
  callEstablishDelayMs: 1000,
  callRecordDelayMs: 3000,
  remoteHangUpMs: 0,
  apps: DEFAULT_APPS,
  callerApps: DEFAULT_CALLER_APPS,
  tokenLifetimeSeconds: 3599,
  throttle: DEFAULT_THROTTLE,
  chaos: null,
  fixedLatencyMs: 0,
  shuffleBatch: false,
  batchShuffleSeed: 7,
  maxBodyBytes: 4 * 1024 * 1024,
  logCapacity: 1000,
  extraRoutes: [],
  callbackDuplicate: false,
  callbackShuffle: false,
  callbackDropP: 0,
  callbackDelayMs: 0,
  callbackMaxAttempts: 4,
  callbackRetryBaseMs: 250,
  callbackTimeoutMs: 5000,
  callbackDeliverTo: 'loopback',
  callbackSeed: 1,
});

/** Thrown for invalid options; lists every problem at once. */
export class SimulatorOptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid simulator options:\n- ${problems.join('\n- ')}`);
    this.name = 'SimulatorOptionsError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Merges `partial` over the defaults, validates everything and freezes the result. */
export function resolveSimulatorOptions(partial: Partial<SimulatorOptions> = {}): ResolvedSimulatorOptions {
  const merged: SimulatorOptions = {
    ...DEFAULT_OPTIONS,
    ...stripUndefined(partial),
    throttle: mergeThrottle(partial.throttle),
  };
  const problems: string[] = [];
  const check = new Checker(problems);

  check.integer('port', merged.port, 0, 65_535);
  check.nonEmptyString('host', merged.host);
  if (typeof merged.tenantId !== 'string' || !GUID.test(merged.tenantId)) {
    problems.push(`tenantId must be a GUID, got ${describe(merged.tenantId)}`);
  }
  check.integer('seed', merged.seed, -(2 ** 31), 2 ** 32 - 1);
  check.integer('callRecordCount', merged.callRecordCount, 0, 1_000_000);
  check.integer('callEstablishDelayMs', merged.callEstablishDelayMs, 0, 600_000);
  check.integer('callRecordDelayMs', merged.callRecordDelayMs, 0, 3_600_000);
  check.integer('remoteHangUpMs', merged.remoteHangUpMs, 0, 86_400_000);
  check.integer('tokenLifetimeSeconds', merged.tokenLifetimeSeconds, 1, 86_400);
  check.integer('fixedLatencyMs', merged.fixedLatencyMs, 0, 600_000);
  check.boolean('shuffleBatch', merged.shuffleBatch);
  check.integer('batchShuffleSeed', merged.batchShuffleSeed, -(2 ** 31), 2 ** 32 - 1);
  check.integer('maxBodyBytes', merged.maxBodyBytes, 1024, 256 * 1024 * 1024);
  check.integer('logCapacity', merged.logCapacity, 1, 1_000_000);
  check.boolean('callbackDuplicate', merged.callbackDuplicate);
  check.boolean('callbackShuffle', merged.callbackShuffle);
  check.probability('callbackDropP', merged.callbackDropP);
  check.integer('callbackDelayMs', merged.callbackDelayMs, 0, 600_000);
  check.integer('callbackMaxAttempts', merged.callbackMaxAttempts, 1, 11);
  check.integer('callbackRetryBaseMs', merged.callbackRetryBaseMs, 0, 600_000);
  check.integer('callbackTimeoutMs', merged.callbackTimeoutMs, 1, 600_000);
  if (merged.callbackDeliverTo !== 'loopback' && merged.callbackDeliverTo !== 'any') {
    problems.push(`callbackDeliverTo must be 'loopback' or 'any', got ${describe(merged.callbackDeliverTo)}`);
  }
  check.integer('callbackSeed', merged.callbackSeed, -(2 ** 31), 2 ** 32 - 1);

  let now: () => Date = () => new Date();
  let fixedNow: string | undefined;
  if (typeof merged.now === 'function') {
    now = merged.now;
    // Resolving resolved options again keeps the fixed instant they came from.
    const resolvedFrom = (partial as Partial<ResolvedSimulatorOptions>).fixedNow;
    if (typeof resolvedFrom === 'string') fixedNow = resolvedFrom;
  } else if (typeof merged.now === 'string' && !Number.isNaN(Date.parse(merged.now))) {
    const fixed = new Date(merged.now);
    fixedNow = fixed.toISOString();
    now = () => new Date(fixed.getTime());
  } else {
    problems.push(`now must be an ISO-8601 instant or a function, got ${describe(merged.now)}`);
  }

  for (const [name, limit] of Object.entries(merged.throttle)) {
    check.integer(`throttle.${name}.limit`, (limit as RateLimit).limit, 1, 10_000_000);
    check.integer(`throttle.${name}.windowMs`, (limit as RateLimit).windowMs, 1, 3_600_000);
  }
  if (merged.chaos !== null) problems.push(...validateChaos(merged.chaos));
  validateApps(merged.apps, problems);
  validateApps(merged.callerApps, problems, 'callerApps');
  const callerIds = new Set(Array.isArray(merged.callerApps) ? merged.callerApps.map((a) => String(a.clientId).toLowerCase()) : []);
  if (Array.isArray(merged.apps) && merged.apps.some((a) => callerIds.has(String(a.clientId).toLowerCase()))) {
    problems.push('callerApps must not reuse a clientId of apps');
  }
  if (!Array.isArray(merged.extraRoutes)) problems.push(`extraRoutes must be an array of routes, got ${describe(merged.extraRoutes)}`);

  if (problems.length > 0) throw new SimulatorOptionsError(problems);
  const resolved: ResolvedSimulatorOptions = {
    ...merged,
    now,
    ...(fixedNow !== undefined ? { fixedNow } : {}),
    apps: Object.freeze(merged.apps.map((a) => Object.freeze({ ...a, roles: Object.freeze([...a.roles]) }))),
    callerApps: Object.freeze(merged.callerApps.map((a) => Object.freeze({ ...a, roles: Object.freeze([...a.roles]) }))),
    throttle: Object.freeze(merged.throttle),
    chaos: merged.chaos === null ? null : Object.freeze({ ...merged.chaos }),
  };
  return Object.freeze(resolved);
}

/** Validates chaos settings; returns the problems (empty when valid). */
export function validateChaos(chaos: unknown, prefix = 'chaos'): string[] {
  const problems: string[] = [];
  if (typeof chaos !== 'object' || chaos === null) {
    return [`${prefix} must be an object or null, got ${describe(chaos)}`];
  }
  const c = chaos as Partial<ChaosOptions>;
  const check = new Checker(problems);
  check.integer(`${prefix}.seed`, c.seed, -(2 ** 31), 2 ** 32 - 1);
  for (const key of ['p429', 'p503', 'p504', 'pDrop'] as const) {
    check.probability(`${prefix}.${key}`, c[key]);
  }
  for (const key of ['pLost504', 'pLostDrop'] as const) {
    if (c[key] !== undefined) check.probability(`${prefix}.${key}`, c[key]);
  }
  const sum = (c.p429 ?? 0) + (c.p503 ?? 0) + (c.p504 ?? 0) + (c.pDrop ?? 0) + (c.pLost504 ?? 0) + (c.pLostDrop ?? 0);
  if (sum > 1) problems.push(`${prefix}.p429 + p503 + p504 + pDrop + pLost504 + pLostDrop must be at most 1, got ${sum}`);
  if (c.latency !== undefined) {
    check.probability(`${prefix}.latency.p`, c.latency.p);
    check.integer(`${prefix}.latency.minMs`, c.latency.minMs, 0, 600_000);
    check.integer(`${prefix}.latency.maxMs`, c.latency.maxMs, 0, 600_000);
    if (c.latency.maxMs < c.latency.minMs) {
      problems.push(`${prefix}.latency.maxMs must be at least minMs (${c.latency.minMs}), got ${c.latency.maxMs}`);
    }
  }
  if (c.retryAfterMs !== undefined) {
    check.integer(`${prefix}.retryAfterMs.min`, c.retryAfterMs.min, 0, 600_000);
    check.integer(`${prefix}.retryAfterMs.max`, c.retryAfterMs.max, 0, 600_000);
    if (c.retryAfterMs.max < c.retryAfterMs.min) {
      problems.push(`${prefix}.retryAfterMs.max must be at least min (${c.retryAfterMs.min}), got ${c.retryAfterMs.max}`);
    }
  }
  return problems;
}

/** Fills a partial chaos setting with zero probabilities and seed 1. */
export function completeChaos(partial: Partial<ChaosOptions>): ChaosOptions {
  return {
    seed: partial.seed ?? 1,
    p429: partial.p429 ?? 0,
    p503: partial.p503 ?? 0,
    p504: partial.p504 ?? 0,
    pDrop: partial.pDrop ?? 0,
    ...(partial.pLost504 ? { pLost504: partial.pLost504 } : {}),
    ...(partial.pLostDrop ? { pLostDrop: partial.pLostDrop } : {}),
    ...(partial.latency !== undefined ? { latency: partial.latency } : {}),
    ...(partial.retryAfterMs !== undefined ? { retryAfterMs: partial.retryAfterMs } : {}),
  };
}

function validateApps(apps: readonly AppRegistrationOptions[], problems: string[], label = 'apps'): void {
  if (!Array.isArray(apps) || (apps.length === 0 && label === 'apps')) {
    problems.push(`${label} must be a non-empty array, got ${describe(apps)}`);
    return;
  }
  const ids = new Set<string>();
  const names = new Set<string>();
  apps.forEach((app, i) => {
    const at = `${label}[${i}]`;
    if (typeof app.name !== 'string' || app.name === '') problems.push(`${at}.name must be a non-empty string, got ${describe(app.name)}`);
    else if (names.has(app.name)) problems.push(`${at}.name must be unique, got a second '${app.name}'`);
    else names.add(app.name);
    if (typeof app.clientId !== 'string' || !GUID.test(app.clientId)) {
      problems.push(`${at}.clientId must be a GUID, got ${describe(app.clientId)}`);
    } else if (ids.has(app.clientId.toLowerCase())) {
      problems.push(`${at}.clientId must be unique, got a second '${app.clientId}'`);
    } else {
      ids.add(app.clientId.toLowerCase());
    }
    if (app.clientSecret !== undefined && (typeof app.clientSecret !== 'string' || app.clientSecret === '')) {
      problems.push(`${at}.clientSecret must be a non-empty string when set, got ${describe(app.clientSecret)}`);
    }
    if (app.clientSecret === undefined && app.certificate === undefined) {
      problems.push(`${at} must have a clientSecret or a certificate, got neither`);
    }
    if (!Array.isArray(app.roles) || (app.roles as readonly unknown[]).some((r) => typeof r !== 'string')) {
      problems.push(`${at}.roles must be an array of strings, got ${describe(app.roles)}`);
    }
    const cert = app.certificate;
    if (cert !== undefined && cert !== 'generate' && (typeof cert !== 'object' || typeof cert.certificatePem !== 'string')) {
      problems.push(`${at}.certificate must be 'generate' or { certificatePem }, got ${describe(cert)}`);
    }
  });
}

/**
 * Reads options from environment variables (the standalone simulator's only configuration):
 * SIMULATOR_PORT, SIMULATOR_HOST, SIMULATOR_TENANT_ID, SIMULATOR_SEED, SIMULATOR_RECORDS, SIMULATOR_NOW,
 * SIMULATOR_CALL_ESTABLISH_DELAY_MS, SIMULATOR_CALL_RECORD_DELAY_MS, SIMULATOR_CALL_REMOTE_HANGUP_MS, SIMULATOR_TOKEN_LIFETIME_S, SIMULATOR_LATENCY_MS (fixed latency),
 * SIMULATOR_SHUFFLE_BATCH (`true`/`false`), SIMULATOR_CHAOS (`seed=3,p429=0.05,p503=0.01,p504=0,pDrop=0,
 * latencyP=0.1,latencyMinMs=50,latencyMaxMs=400`) and SIMULATOR_THROTTLE (`callRecordsList=40/20000,
 * callRecord=40/20000,...`), and for callbacks SIMULATOR_CALLBACK_DUPLICATE and SIMULATOR_CALLBACK_SHUFFLE
 * (`true`/`false`), SIMULATOR_CALLBACK_DROP_P (0..1), SIMULATOR_CALLBACK_DELAY_MS, SIMULATOR_CALLBACK_MAX_ATTEMPTS,
 * SIMULATOR_CALLBACK_RETRY_BASE_MS, SIMULATOR_CALLBACK_TIMEOUT_MS and SIMULATOR_CALLBACK_DELIVER_TO
 * (`loopback`/`any`). Unset variables leave the defaults, except the port, which defaults to 8443.
 */
export function loadSimulatorOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): ResolvedSimulatorOptions {
  const problems: string[] = [];
  const partial: Partial<SimulatorOptions> = { port: 8443 };
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) problems.push(`${name} must be an integer, got '${raw}'`);
    return n;
  };
  const setInt = <K extends keyof SimulatorOptions>(key: K, name: string): void => {
    const n = int(name);
    if (n !== undefined) (partial as Record<string, unknown>)[key] = n;
  };
  setInt('port', 'SIMULATOR_PORT');
  setInt('seed', 'SIMULATOR_SEED');
  setInt('callRecordCount', 'SIMULATOR_RECORDS');
  setInt('callEstablishDelayMs', 'SIMULATOR_CALL_ESTABLISH_DELAY_MS');
  setInt('callRecordDelayMs', 'SIMULATOR_CALL_RECORD_DELAY_MS');
  setInt('remoteHangUpMs', 'SIMULATOR_CALL_REMOTE_HANGUP_MS');
  setInt('tokenLifetimeSeconds', 'SIMULATOR_TOKEN_LIFETIME_S');
  setInt('fixedLatencyMs', 'SIMULATOR_LATENCY_MS');
  if (env.SIMULATOR_HOST) partial.host = env.SIMULATOR_HOST;
  if (env.SIMULATOR_TENANT_ID) partial.tenantId = env.SIMULATOR_TENANT_ID;
  if (env.SIMULATOR_NOW) partial.now = env.SIMULATOR_NOW;
  setInt('callbackDelayMs', 'SIMULATOR_CALLBACK_DELAY_MS');
  setInt('callbackMaxAttempts', 'SIMULATOR_CALLBACK_MAX_ATTEMPTS');
  setInt('callbackRetryBaseMs', 'SIMULATOR_CALLBACK_RETRY_BASE_MS');
  setInt('callbackTimeoutMs', 'SIMULATOR_CALLBACK_TIMEOUT_MS');
  for (const [key, name] of [
    ['callbackDuplicate', 'SIMULATOR_CALLBACK_DUPLICATE'],
    ['callbackShuffle', 'SIMULATOR_CALLBACK_SHUFFLE'],
  ] as const) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be 'true' or 'false', got '${raw}'`);
    partial[key] = raw === 'true';
  }
  const dropP = env.SIMULATOR_CALLBACK_DROP_P;
  if (dropP !== undefined && dropP !== '') {
    const n = Number(dropP);
    if (Number.isNaN(n)) problems.push(`SIMULATOR_CALLBACK_DROP_P must be a number, got '${dropP}'`);
    partial.callbackDropP = n;
  }
  const deliverTo = env.SIMULATOR_CALLBACK_DELIVER_TO;
  if (deliverTo !== undefined && deliverTo !== '') {
    if (deliverTo !== 'loopback' && deliverTo !== 'any') {
      problems.push(`SIMULATOR_CALLBACK_DELIVER_TO must be 'loopback' or 'any', got '${deliverTo}'`);
    } else partial.callbackDeliverTo = deliverTo;
  }
  const shuffle = env.SIMULATOR_SHUFFLE_BATCH;
  if (shuffle !== undefined && shuffle !== '') {
    if (shuffle !== 'true' && shuffle !== 'false') problems.push(`SIMULATOR_SHUFFLE_BATCH must be 'true' or 'false', got '${shuffle}'`);
    partial.shuffleBatch = shuffle === 'true';
  }
  if (env.SIMULATOR_CHAOS) {
    const chaos = parseChaosSpec(env.SIMULATOR_CHAOS, problems);
    if (chaos) partial.chaos = chaos;
  }
  if (env.SIMULATOR_THROTTLE) {
    const throttle = parseThrottleSpec(env.SIMULATOR_THROTTLE, problems);
    if (throttle) partial.throttle = throttle as ThrottleOptions;
  }
  if (problems.length > 0) throw new SimulatorOptionsError(problems);
  return resolveSimulatorOptions(partial);
}

function parseChaosSpec(spec: string, problems: string[]): ChaosOptions | undefined {
  const fields = parsePairs(spec, 'SIMULATOR_CHAOS', problems);
  const known = [
    'seed',
    'p429',
    'p503',
    'p504',
    'pDrop',
    'pLost504',
    'pLostDrop',
    'latencyP',
    'latencyMinMs',
    'latencyMaxMs',
    'retryAfterMinMs',
    'retryAfterMaxMs',
  ];
  const values: Record<string, number> = {};
  for (const [key, raw] of fields) {
    if (!known.includes(key)) {
      problems.push(`SIMULATOR_CHAOS key must be one of ${known.join(', ')}, got '${key}'`);
      continue;
    }
    const n = Number(raw);
    if (raw === '' || Number.isNaN(n)) problems.push(`SIMULATOR_CHAOS ${key} must be a number, got '${raw}'`);
    values[key] = n;
  }
  const latency =
    values.latencyP !== undefined
      ? { p: values.latencyP, minMs: values.latencyMinMs ?? 0, maxMs: values.latencyMaxMs ?? values.latencyMinMs ?? 0 }
      : undefined;
  return completeChaos({
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.p429 !== undefined ? { p429: values.p429 } : {}),
    ...(values.p503 !== undefined ? { p503: values.p503 } : {}),
    ...(values.p504 !== undefined ? { p504: values.p504 } : {}),
    ...(values.pDrop !== undefined ? { pDrop: values.pDrop } : {}),
    ...(values.pLost504 !== undefined ? { pLost504: values.pLost504 } : {}),
    ...(values.pLostDrop !== undefined ? { pLostDrop: values.pLostDrop } : {}),
    ...(latency ? { latency } : {}),
    ...(values.retryAfterMinMs !== undefined || values.retryAfterMaxMs !== undefined
      ? {
          retryAfterMs: {
            min: values.retryAfterMinMs ?? 1000,
            max: values.retryAfterMaxMs ?? Math.max(values.retryAfterMinMs ?? 1000, 5000),
          },
        }
      : {}),
  });
}

function parseThrottleSpec(spec: string, problems: string[]): Partial<ThrottleOptions> | undefined {
  const out: Partial<Record<keyof ThrottleOptions, RateLimit>> = {};
  for (const [key, raw] of parsePairs(spec, 'SIMULATOR_THROTTLE', problems)) {
    if (!(key in DEFAULT_THROTTLE)) {
      problems.push(`SIMULATOR_THROTTLE key must be one of ${Object.keys(DEFAULT_THROTTLE).join(', ')}, got '${key}'`);
      continue;
    }
    const m = /^(\d+)\/(\d+)$/.exec(raw);
    if (!m) {
      problems.push(`SIMULATOR_THROTTLE ${key} must look like <limit>/<windowMs>, got '${raw}'`);
      continue;
    }
    out[key as keyof ThrottleOptions] = { limit: Number(m[1]), windowMs: Number(m[2]) };
  }
  return out as Partial<ThrottleOptions>;
}

function parsePairs(spec: string, name: string, problems: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of spec.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) {
      problems.push(`${name} entries must look like key=value, got '${trimmed}'`);
      continue;
    }
    pairs.push([trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim()]);
  }
  return pairs;
}

function mergeThrottle(partial: Partial<ThrottleOptions> | undefined): ThrottleOptions {
  return { ...DEFAULT_THROTTLE, ...stripUndefined(partial ?? {}) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

class Checker {
  constructor(private readonly problems: string[]) {}

  integer(name: string, value: unknown, min: number, max: number): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got ${describe(value)}`);
    }
  }

  probability(name: string, value: unknown): void {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || value > 1) {
      this.problems.push(`${name} must be a probability between 0 and 1, got ${describe(value)}`);
    }
  }

  boolean(name: string, value: unknown): void {
    if (typeof value !== 'boolean') this.problems.push(`${name} must be a boolean, got ${describe(value)}`);
  }

  nonEmptyString(name: string, value: unknown): void {
    if (typeof value !== 'string' || value === '') this.problems.push(`${name} must be a non-empty string, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
