/**
 * The control surface for tests and benchmarks: counters, the request log, reset, fixtures, chaos and
 * token minting. The same operations exist in process (`RunningSimulator.control`) and over HTTP under
 * `/_simulator/` (loopback callers only, no Graph token).
 */
import type { CallbackBehaviour, CallbackDelivery, CallbackNotifier, DeliveryOutcome } from './callbacks/notifier.js';
import type { Chaos } from './chaos.js';
import type { ChangeSubscriptions, WebhookDelivery } from './subscriptions/changeSubscriptions.js';
import type { RequestLogEntry, RequestRecorder, SimulatorStats } from './log.js';
import { completeChaos, validateChaos } from './options.js';
import type { AppRegistration, ChaosOptions } from './options.js';
import type { Throttle } from './throttle.js';
import { GraphHttpError } from './types.js';
import type { GraphResources, NewVersion, SimResponse, VersionChange } from './types.js';

export interface MintTokenOptions {
  /** App name (`default`, `calls-only`, ...) or client id. Default `default`, else the first app. */
  app?: string;
  /** Seconds until expiry; negative values mint an already expired token. Default the configured lifetime. */
  lifetimeSeconds?: number;
  /** The `aud` claim. Default the API the app holds roles on (a caller app: `api://comms-graphql`), else Graph. */
  audience?: string;
  /** The `iss` claim. Default the simulator's issuer (tests of a foreign issuer). */
  issuer?: string;
  /** The `roles` claim. Default the roles the app holds on the audience. */
  roles?: readonly string[];
  /** A `scp` claim (space-separated delegated scopes), as a user token carries. Default none. */
  scp?: string;
}

/** What the control surface passes to the minting function besides the app. */
export interface MintOverrides {
  audience: string;
  lifetimeSeconds?: number;
  issuer?: string;
  roles?: readonly string[];
  scp?: string;
}

/** An incoming call for an app (`POST /_simulator/calls/incoming`). */
export interface IncomingCallOptions {
  /** Where the call's notifications go: https, or http on loopback. */
  callbackUri: string;
  /** App name or client id the call is for. Default `default`. */
  app?: string;
  /** The caller: an identitySet (`{"user": {"id", "displayName"}}`) or a participantInfo. Default a simulated user. */
  source?: Record<string, unknown>;
  /** Default `['audio']`. */
  requestedModalities?: readonly string[];
}

/** Filters of the callback delivery log. */
export interface CallbackQuery {
  callId?: string;
  outcome?: DeliveryOutcome;
}

export interface SimulatorControl {
  stats(): SimulatorStats;
  /** The request log, oldest first (bounded). */
  log(): RequestLogEntry[];
  /** Clears counters, the log and throttle windows, restarts chaos and shuffle sequences, resets the data. */
  reset(): void;
  /** Loads fixtures (a JSON document or a bundled name such as `seed-004`); returns the entities loaded. */
  loadFixtures(source: string | object, options?: { merge?: boolean }): number;
  /** Sets chaos (missing probabilities are 0, seed 1) or turns it off with null; returns the new setting. */
  setChaos(chaos: Partial<ChaosOptions> | null): ChaosOptions | null;
  getChaos(): ChaosOptions | null;
  /** A Graph access token for a registered app, as the token endpoint would issue it. */
  mintToken(options?: MintTokenOptions): Promise<string>;
  /** The callback delivery log (every attempt), oldest first, optionally filtered. */
  callbacks(query?: CallbackQuery): CallbackDelivery[];
  /** Resolves with the (filtered) log once `predicate` holds for it; rejects after `timeoutMs` (default 5000). */
  waitForCallbacks(
    predicate: (log: readonly CallbackDelivery[]) => boolean,
    options?: CallbackQuery & { timeoutMs?: number },
  ): Promise<CallbackDelivery[]>;
  /** Puts an incoming call in front of an app (state `incoming`, a `created` notification); returns its id. */
  injectIncomingCall(options: IncomingCallOptions): string;
  /** A DTMF tone on a call that subscribed to tones; returns the tone's sequenceId. */
  sendTone(callId: string, tone: string): number;
  /**
   * Moves a call record to its next version as Graph would when more of the call arrives: a session added (unless
   * `addSession: false`), `version` + 1, `lastModifiedDateTime` now. 404 for an unknown record.
   */
  bumpCallRecordVersion(id: string, change?: VersionChange): NewVersion;
  /** Callback delivery behaviours now (`callbackDuplicate`, `callbackShuffle`, `callbackDropP`, `callbackDelayMs`). */
  getCallbackBehaviour(): CallbackBehaviour;
  /** Switches callback behaviours at run time (400 on invalid values); returns the new setting. */
  setCallbackBehaviour(change: Partial<CallbackBehaviour>): CallbackBehaviour;
  /** Every change-notification subscription now (all apps, `clientState` included). */
  subscriptions(): Record<string, unknown>[];
  /** Forgets a subscription silently, as when Graph loses one (404 if unknown). */
  dropSubscription(id: string): void;
  /** Sends `reauthorizationRequired`, `subscriptionRemoved` or `missed` to the subscription's lifecycle URL. */
  sendLifecycleEvent(id: string, lifecycleEvent: string): void;
  /** Moves a subscription's expiry (e.g. to seconds from now, to test renewal); returns the subscription. */
  setSubscriptionExpiration(id: string, expirationDateTime: string): Record<string, unknown>;
  /** Every POST to a change-notification receiver (validation, notification, lifecycle), oldest first. */
  changeNotifications(): WebhookDelivery[];
}

export interface ControlDeps {
  recorder: RequestRecorder;
  throttle: Throttle;
  chaos: Chaos;
  resources: GraphResources;
  apps: readonly AppRegistration[];
  restartShuffle(): void;
  mint(app: AppRegistration, overrides: MintOverrides): Promise<string>;
  notifier: CallbackNotifier;
  subscriptions: ChangeSubscriptions;
  tenantId: string;
}

function matches(entry: CallbackDelivery, query: CallbackQuery): boolean {
  return (query.callId === undefined || entry.callId === query.callId) && (query.outcome === undefined || entry.outcome === query.outcome);
}

export function createControl(deps: ControlDeps): SimulatorControl {
  const findApp = (wanted: string | undefined): AppRegistration => {
    const name = wanted?.toLowerCase();
    const app =
      name === undefined
        ? (deps.apps.find((a) => a.name === 'default') ?? deps.apps[0])
        : deps.apps.find((a) => a.name.toLowerCase() === name || a.clientId.toLowerCase() === name);
    if (!app) {
      throw new GraphHttpError(
        400,
        'BadRequest',
        `app must name a registered app (${deps.apps.map((a) => a.name).join(', ')}), got '${wanted ?? ''}'.`,
      );
    }
    return app;
  };
  return {
    callbacks: (query = {}) => deps.notifier.deliveries().filter((e) => matches(e, query)),
    waitForCallbacks(predicate, options = {}) {
      const { timeoutMs = 5000, ...query } = options;
      return deps.notifier
        .waitFor((log) => predicate(log.filter((e) => matches(e, query))), timeoutMs)
        .then((log) => log.filter((e) => matches(e, query)));
    },
    injectIncomingCall(options) {
      const app = findApp(options.app);
      return deps.resources.injectIncomingCall({
        callbackUri: options.callbackUri,
        appId: app.clientId,
        tenantId: deps.tenantId,
        ...(options.source !== undefined ? { source: options.source } : {}),
        ...(options.requestedModalities !== undefined ? { requestedModalities: options.requestedModalities } : {}),
      });
    },
    sendTone: (callId, tone) => deps.resources.injectTone(callId, tone),
    bumpCallRecordVersion: (id, change) => deps.resources.bumpCallRecordVersion(id, change),
    subscriptions: () => deps.subscriptions.list(),
    dropSubscription(id) {
      if (!deps.subscriptions.drop(id)) throw new GraphHttpError(404, 'ResourceNotFound', `No subscription '${id}'.`);
    },
    sendLifecycleEvent: (id, event) => deps.subscriptions.sendLifecycle(id, event),
    setSubscriptionExpiration: (id, at) => deps.subscriptions.setExpiration(id, at),
    changeNotifications: () => deps.subscriptions.deliveries(),
    getCallbackBehaviour: () => deps.notifier.behaviour(),
    setCallbackBehaviour(change) {
      const problems = validateBehaviour(change);
      if (problems.length > 0) throw new GraphHttpError(400, 'BadRequest', problems.join('; '));
      return deps.notifier.configure(change);
    },
    stats: () => deps.recorder.stats(),
    log: () => deps.recorder.entries(),
    reset() {
      deps.recorder.reset();
      deps.throttle.reset();
      deps.chaos.restart();
      deps.restartShuffle();
      deps.resources.reset();
      deps.notifier.reset();
      deps.subscriptions.reset();
    },
    loadFixtures: (source, options) => deps.resources.loadFixtures(source, options),
    setChaos(chaos) {
      if (chaos === null) {
        deps.chaos.set(null);
        return null;
      }
      const complete = completeChaos(chaos);
      const problems = validateChaos(complete);
      if (problems.length > 0) throw new GraphHttpError(400, 'BadRequest', problems.join('; '));
      deps.chaos.set(complete);
      return deps.chaos.get();
    },
    getChaos: () => deps.chaos.get(),
    async mintToken(options = {}) {
      const app = findApp(options.app);
      const audience = options.audience ?? Object.keys(app.apiRoles ?? {})[0] ?? 'https://graph.microsoft.com';
      return deps.mint(app, {
        audience,
        ...(options.lifetimeSeconds !== undefined ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
        ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
        ...(options.roles !== undefined ? { roles: options.roles } : {}),
        ...(options.scp !== undefined ? { scp: options.scp } : {}),
      });
    },
  };
}

/**
 * Serves `/_simulator/{stats,log,reset,fixtures,chaos,tokens,callbacks,calls/incoming,calls/{id}/tones,callRecords/{id}/version}`;
 * `subPath` is what follows `/_simulator`.
 */
export async function handleControlRequest(
  control: SimulatorControl,
  method: string,
  subPath: string,
  body: unknown,
  query: URLSearchParams = new URLSearchParams(),
): Promise<SimResponse> {
  const trimmed = subPath.replace(/\/+$/, '');
  const subscription = /^\/subscriptions\/([^/]+)(\/lifecycle)?$/i.exec(trimmed);
  if (subscription) {
    const id = decodeURIComponent(subscription[1] ?? '');
    const o = isObject(body) ? body : {};
    if (subscription[2] && method === 'POST') {
      if (typeof o.lifecycleEvent !== 'string') throw new GraphHttpError(400, 'BadRequest', 'The body must be {"lifecycleEvent": "..."}.');
      control.sendLifecycleEvent(id, o.lifecycleEvent);
      return { status: 202 };
    }
    if (!subscription[2] && method === 'DELETE') {
      control.dropSubscription(id);
      return { status: 204 };
    }
    if (!subscription[2] && method === 'PATCH') {
      if (typeof o.expirationDateTime !== 'string')
        throw new GraphHttpError(400, 'BadRequest', 'The body must be {"expirationDateTime": "..."}.');
      return { status: 200, body: control.setSubscriptionExpiration(id, o.expirationDateTime) };
    }
  }
  const tones = /^\/calls\/([^/]+)\/tones$/i.exec(trimmed);
  if (tones && method === 'POST' && trimmed.toLowerCase() !== '/calls/incoming/tones') {
    const tone = isObject(body) ? body.tone : undefined;
    if (typeof tone !== 'string')
      throw new GraphHttpError(400, 'BadRequest', 'The body must be {"tone": "tone0".."tone9"|"star"|"pound"|...}.');
    const sequenceId = control.sendTone(decodeURIComponent(tones[1] ?? ''), tone);
    return { status: 200, body: { tone, sequenceId } };
  }
  const version = /^\/callRecords\/([^/]+)\/version$/i.exec(trimmed);
  if (version && method === 'POST') {
    const addSession = isObject(body) ? body.addSession : undefined;
    if (addSession !== undefined && typeof addSession !== 'boolean')
      throw new GraphHttpError(400, 'BadRequest', `addSession must be a boolean, got ${JSON.stringify(addSession)}.`);
    return { status: 200, body: control.bumpCallRecordVersion(decodeURIComponent(version[1] ?? ''), { addSession }) };
  }
  const op = `${method} ${trimmed}`;
  switch (op) {
    case 'GET /callbacks':
      return { status: 200, body: { value: await callbackLog(control, query) } };
    case 'GET /callbacks/behaviour':
      return { status: 200, body: control.getCallbackBehaviour() };
    case 'PUT /callbacks/behaviour': {
      if (!isObject(body))
        throw new GraphHttpError(400, 'BadRequest', 'The body must be an object of duplicate, shuffle, dropP and delayMs.');
      return { status: 200, body: control.setCallbackBehaviour(body as Partial<CallbackBehaviour>) };
    }
    case 'POST /calls/incoming': {
      const o = isObject(body) ? body : {};
      if (typeof o.callbackUri !== 'string' || !/^(https:\/\/|http:\/\/(localhost|127\.[\d.]+|\[::1\])[:/])/i.test(o.callbackUri)) {
        throw new GraphHttpError(
          400,
          'BadRequest',
          `callbackUri must be an https URL or an http URL on a loopback host, got ${JSON.stringify(o.callbackUri) ?? 'nothing'}.`,
        );
      }
      if (o.source !== undefined && !isObject(o.source))
        throw new GraphHttpError(400, 'BadRequest', 'source must be an identitySet or participantInfo object.');
      const modalities = o.requestedModalities;
      if (modalities !== undefined && (!Array.isArray(modalities) || modalities.some((m) => typeof m !== 'string'))) {
        throw new GraphHttpError(400, 'BadRequest', 'requestedModalities must be an array of strings.');
      }
      const id = control.injectIncomingCall({
        callbackUri: o.callbackUri,
        ...(typeof o.app === 'string' ? { app: o.app } : {}),
        ...(isObject(o.source) ? { source: o.source } : {}),
        ...(Array.isArray(modalities) ? { requestedModalities: modalities as string[] } : {}),
      });
      return { status: 201, body: { id } };
    }
    case 'GET /subscriptions':
      return { status: 200, body: { value: control.subscriptions() } };
    case 'GET /changeNotifications':
      return { status: 200, body: { value: control.changeNotifications() } };
    case 'GET /stats':
      return { status: 200, body: control.stats() };
    case 'GET /log':
      return { status: 200, body: { value: control.log() } };
    case 'POST /reset':
      control.reset();
      return { status: 204 };
    case 'POST /fixtures': {
      const byName =
        isObject(body) && typeof body.name === 'string' && !('value' in body) && !('calls' in body) && !('callRecords' in body);
      const source = byName ? body.name : body;
      if (typeof source !== 'string' && !isObject(source)) {
        throw new GraphHttpError(400, 'BadRequest', 'The body must be a fixture document or {"name": "<bundled fixture>"}.');
      }
      const merge = isObject(body) && body.merge === true;
      try {
        return { status: 200, body: { loaded: control.loadFixtures(source as string | object, { merge }) } };
      } catch (err) {
        if (err instanceof GraphHttpError) throw err;
        throw new GraphHttpError(
          400,
          'BadRequest',
          `The fixtures could not be loaded: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    case 'GET /chaos':
      return { status: 200, body: { chaos: control.getChaos() } };
    case 'PUT /chaos': {
      if (body !== null && !isObject(body)) throw new GraphHttpError(400, 'BadRequest', 'The body must be a chaos object or null.');
      return { status: 200, body: { chaos: control.setChaos(body as Partial<ChaosOptions> | null) } };
    }
    case 'POST /tokens': {
      const o = isObject(body) ? body : {};
      const token = await control.mintToken({
        ...(typeof o.app === 'string' ? { app: o.app } : {}),
        ...(typeof o.lifetimeSeconds === 'number' ? { lifetimeSeconds: o.lifetimeSeconds } : {}),
        ...(typeof o.audience === 'string' ? { audience: o.audience } : {}),
        ...(typeof o.issuer === 'string' ? { issuer: o.issuer } : {}),
        ...(Array.isArray(o.roles) ? { roles: o.roles.filter((r): r is string => typeof r === 'string') } : {}),
        ...(typeof o.scp === 'string' ? { scp: o.scp } : {}),
      });
      return { status: 200, body: { token_type: 'Bearer', access_token: token } };
    }
    default:
      throw new GraphHttpError(
        404,
        'ResourceNotFound',
        `No control operation '${op}'. Known: GET stats, GET log, POST reset, POST fixtures, GET|PUT chaos, POST tokens, GET callbacks, GET|PUT callbacks/behaviour, POST calls/incoming, POST calls/{id}/tones, POST callRecords/{id}/version, GET subscriptions, DELETE|PATCH subscriptions/{id}, POST subscriptions/{id}/lifecycle, GET changeNotifications.`,
      );
  }
}

function validateBehaviour(change: Partial<CallbackBehaviour>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(change)) {
    if (!['duplicate', 'shuffle', 'dropP', 'delayMs'].includes(key))
      problems.push(`'${key}' is not a callback behaviour (duplicate, shuffle, dropP, delayMs)`);
  }
  for (const key of ['duplicate', 'shuffle'] as const) {
    if (change[key] !== undefined && typeof change[key] !== 'boolean')
      problems.push(`${key} must be a boolean, got ${JSON.stringify(change[key])}`);
  }
  const p = change.dropP;
  if (p !== undefined && (typeof p !== 'number' || !(p >= 0 && p <= 1)))
    problems.push(`dropP must be a probability between 0 and 1, got ${JSON.stringify(p)}`);
  const d = change.delayMs;
  if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > 600_000)) {
    problems.push(`delayMs must be an integer between 0 and 600000, got ${JSON.stringify(d)}`);
  }
  return problems;
}

const OUTCOMES: readonly DeliveryOutcome[] = ['delivered', 'failed', 'dropped', 'skipped', 'overflow'];

/** `GET /callbacks?callId=&outcome=&minCount=&waitMs=`: with minCount, waits up to waitMs (default 5000) for that many entries. */
async function callbackLog(control: SimulatorControl, query: URLSearchParams): Promise<CallbackDelivery[]> {
  const callId = query.get('callId') ?? undefined;
  const outcome = query.get('outcome') ?? undefined;
  if (outcome !== undefined && !OUTCOMES.includes(outcome as DeliveryOutcome)) {
    throw new GraphHttpError(400, 'BadRequest', `outcome must be one of ${OUTCOMES.join(', ')}, got '${outcome}'.`);
  }
  const filter: CallbackQuery = {
    ...(callId !== undefined ? { callId } : {}),
    ...(outcome !== undefined ? { outcome: outcome as DeliveryOutcome } : {}),
  };
  const minCount = query.get('minCount');
  if (minCount === null) return control.callbacks(filter);
  const min = Number(minCount);
  const waitMs = Number(query.get('waitMs') ?? 5000);
  if (!Number.isInteger(min) || min < 0 || !Number.isInteger(waitMs) || waitMs < 0 || waitMs > 60_000) {
    throw new GraphHttpError(400, 'BadRequest', 'minCount must be an integer >= 0 and waitMs an integer between 0 and 60000.');
  }
  try {
    return await control.waitForCallbacks((log) => log.length >= min, { ...filter, timeoutMs: waitMs });
  } catch {
    return control.callbacks(filter);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
