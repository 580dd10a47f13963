/**
 * The embedded Microsoft Graph communications simulator: one HTTPS server on loopback serving Graph
 * (`/v1.0`, `/beta`), an Entra-style identity platform (`/{tenant}/...`) and a control surface
 * (`/_simulator/`). `startSimulator()` needs no options.
 */
import { createTokenVerifier } from './auth.js';
import { CallbackNotifier } from './callbacks/notifier.js';
import { CALLBACK_OPENID_PATH, sharedCallbackSigningKey } from './callbacks/signing.js';
import { createBatchRoute } from './batch.js';
import { Chaos } from './chaos.js';
import { createControl } from './control.js';
import type { SimulatorControl } from './control.js';
import { createDispatcher } from './dispatch.js';
import type { DispatchOutcome, GraphCall } from './dispatch.js';
import { mintAccessToken } from './identity/accessToken.js';
import { sharedSigningKey } from './identity/signingKey.js';
import { acceptedResources } from './identity/tokenEndpoint.js';
import { RequestRecorder } from './log.js';
import { resolveSimulatorOptions } from './options.js';
import type { AppRegistration, AppRegistrationOptions, ResolvedSimulatorOptions, SimulatorOptions } from './options.js';
import { seededRandom } from './random.js';
import type { Random } from './random.js';
import { createRequestHandler } from './requestHandler.js';
import { createGraphResources } from './resources/index.js';
import { createRouter } from './router.js';
import { ChangeSubscriptions } from './subscriptions/changeSubscriptions.js';
import { WebhookPoster } from './webhookPost.js';
import { listen } from './server.js';
import { Throttle } from './throttle.js';
import { describeCertificate, sharedAppCertificate, sharedServerCertificate } from './tls.js';
import type { GraphResources } from './types.js';

export type { SimulatorControl, MintTokenOptions, IncomingCallOptions, CallbackQuery } from './control.js';
export type { CallbackBehaviour, CallbackDelivery, DeliveryOutcome } from './callbacks/notifier.js';
export type { LifecycleEvent, WebhookDelivery } from './subscriptions/changeSubscriptions.js';
export { MAX_EXPIRATION_MINUTES } from './subscriptions/changeSubscriptions.js';
export { CALLBACK_ISSUER } from './callbacks/signing.js';
import type { MintOverrides } from './control.js';
export type { RequestLogEntry, SimulatorStats, RouteCounters } from './log.js';
export type {
  AppCertificate,
  AppRegistration,
  AppRegistrationOptions,
  ChaosOptions,
  LatencyFault,
  RateLimit,
  ResolvedSimulatorOptions,
  SimulatorOptions,
  ThrottleOptions,
} from './options.js';
// `extraRoutes` adds routes beside Graph's; a route's handler gets a SimRequest and throws GraphHttpError
// for Graph's error envelope.
export type {
  GraphResources,
  GraphVersion,
  NewVersion,
  Route,
  RouteParams,
  SimApp,
  SimRequest,
  SimResponse,
  VersionChange,
} from './types.js';
export { GraphHttpError } from './types.js';
export {
  ALL_COMMUNICATIONS_ROLES,
  DEFAULT_APPS,
  DEFAULT_CALLER_APPS,
  DEFAULT_TENANT_ID,
  GATEWAY_API_AUDIENCE,
  GATEWAY_ROLES,
  loadSimulatorOptionsFromEnv,
  SimulatorOptionsError,
} from './options.js';

export interface RunningSimulator {
  /** `https://127.0.0.1:PORT`. */
  origin: string;
  port: number;
  /** Graph's base URL without version (`${origin}`); Graph routes live under `/v1.0` and `/beta`. */
  graphBaseUrl: string;
  /** The identity host (`${origin}`). */
  authorityHost: string;
  tenantId: string;
  /** `${origin}/${tenantId}`: MSAL's `authority`. */
  authority: string;
  /** For MSAL's `knownAuthorities`: the authority's host and port, e.g. `127.0.0.1:8443`. */
  knownAuthority: string;
  /** The token endpoint, `${authority}/oauth2/v2.0/token`. */
  tokenEndpoint: string;
  /** PEM of the CA that signed the server certificate; clients must trust it. */
  caCertificate: string;
  /** App registrations, certificates (and generated keys) included. */
  apps: readonly AppRegistration[];
  /** The app registration with this name (`default`, `calls-only`, `records-only`, `pstn-only`, `certificate`); throws if none. */
  app(name: string): AppRegistration;
  /** Apps that call the gateway: tokens for `api://comms-graphql` with gateway roles (`caller`, `caller-records`, `caller-no-roles`). */
  callerApps: readonly AppRegistration[];
  /** The JWKS URL a gateway validates caller tokens against: `${authority}/discovery/v2.0/keys`. */
  jwksUri: string;
  /** The `iss` of every token this simulator mints: `${authority}/v2.0`. */
  issuer: string;
  /**
   * The OpenID configuration callback receivers validate notification tokens against (Graph's is
   * `https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration`): `${origin}/botframework/v1/.well-known/OpenIdConfiguration`.
   */
  callbackOpenIdConfigurationUrl: string;
  options: ResolvedSimulatorOptions;
  control: SimulatorControl;
  resources: GraphResources;
  /** Idempotent: closes the listener and every socket, keep-alive included, and stops resource timers. */
  stop(): Promise<void>;
}

export async function startSimulator(partial: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const options = resolveSimulatorOptions(partial);
  const [tls, key, callbackKey, apps, callerApps] = await Promise.all([
    sharedServerCertificate(),
    sharedSigningKey(),
    sharedCallbackSigningKey(),
    materializeApps(options.apps),
    materializeApps(options.callerApps),
  ]);
  const allApps = [...apps, ...callerApps];
  const notifier = new CallbackNotifier(callbackKey, {
    duplicate: options.callbackDuplicate,
    shuffle: options.callbackShuffle,
    shuffleWindowMs: options.callEstablishDelayMs + 100,
    dropP: options.callbackDropP,
    delayMs: options.callbackDelayMs,
    maxAttempts: options.callbackMaxAttempts,
    retryBaseMs: options.callbackRetryBaseMs,
    timeoutMs: options.callbackTimeoutMs,
    deliverTo: options.callbackDeliverTo,
    seed: options.callbackSeed,
    logCapacity: options.logCapacity,
    queueCapacity: 100,
    // A test's https receiver can use a certificate from the simulator's CA.
    extraCaPem: [tls.caPem],
  });
  // Change notifications on call records: delivered like callbacks (loopback only unless 'any'), unsigned.
  const subscriptions = new ChangeSubscriptions(new WebhookPoster(options.callbackDeliverTo, [tls.caPem]), {
    maxAttempts: options.callbackMaxAttempts,
    retryBaseMs: options.callbackRetryBaseMs,
    timeoutMs: options.callbackTimeoutMs,
    duplicate: () => notifier.behaviour().duplicate,
    logCapacity: options.logCapacity,
  });
  const resources = createGraphResources({
    seed: options.seed,
    callRecordCount: options.callRecordCount,
    now: options.now,
    callEstablishDelayMs: options.callEstablishDelayMs,
    callbacks: notifier,
    callRecordDelayMs: options.callRecordDelayMs,
    remoteHangUpMs: options.remoteHangUpMs,
    recordChanges: subscriptions,
  });

  const recorder = new RequestRecorder(options.logCapacity);
  const throttle = new Throttle(options.throttle);
  const chaos = new Chaos(options.chaos);
  let shuffleRandom: Random = seededRandom(options.batchShuffleSeed);

  // Routes and the token verifier need the port, known only once listening; requests arrive after that.
  const ready: { handle?: ReturnType<typeof createRequestHandler> } = {};
  const server = await listen({
    host: options.host,
    port: options.port,
    certPem: tls.certPem,
    keyPem: tls.keyPem,
    onRequest: async (req, res) => {
      if (!ready.handle) throw new Error('request before the simulator was ready');
      await ready.handle(req, res);
    },
  });

  const port = server.port;
  const hostPort = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  const origin = `https://${hostPort}`;
  const origins = [...new Set([origin, `https://127.0.0.1:${port}`, `https://localhost:${port}`, `https://[::1]:${port}`])];
  const mint = (app: AppRegistration, overrides: MintOverrides): Promise<string> =>
    mintAccessToken(key, {
      app,
      tenantId: options.tenantId,
      issuer: overrides.issuer ?? `${origin}/${options.tenantId}/v2.0`,
      audience: overrides.audience,
      lifetimeSeconds: overrides.lifetimeSeconds ?? options.tokenLifetimeSeconds,
      method: app.certificate && app.clientSecret === undefined ? 'certificate' : 'secret',
      ...(overrides.roles !== undefined ? { roles: overrides.roles } : {}),
      ...(overrides.scp !== undefined ? { scp: overrides.scp } : {}),
    });

  let dispatch: (call: GraphCall) => Promise<DispatchOutcome> = () => Promise.reject(new Error('not ready'));
  const batchRoute = createBatchRoute({
    dispatch: (call) => dispatch(call),
    record: (entry) => recorder.record(entry),
    shuffleRandom: () => (options.shuffleBatch ? shuffleRandom : null),
  });
  const dispatcher = createDispatcher({
    router: createRouter([...resources.routes, ...subscriptions.routes(), ...options.extraRoutes, batchRoute]),
    verifyToken: createTokenVerifier({
      publicKey: key.publicKey,
      issuers: origins.map((o) => `${o}/${options.tenantId}/v2.0`),
      audiences: acceptedResources(origins),
    }),
    throttle,
    chaos,
    fixedLatencyMs: options.fixedLatencyMs,
  });
  dispatch = (call) => dispatcher.dispatch(call);

  const control = createControl({
    recorder,
    throttle,
    chaos,
    resources,
    apps: allApps,
    restartShuffle: () => {
      shuffleRandom = seededRandom(options.batchShuffleSeed);
    },
    mint,
    notifier,
    subscriptions,
    tenantId: options.tenantId,
  });
  ready.handle = createRequestHandler({
    origin,
    origins,
    dispatcher,
    recorder,
    control,
    identity: { key, tenantId: options.tenantId, apps: allApps, lifetimeSeconds: options.tokenLifetimeSeconds },
    callbackKey,
    resources,
    maxBodyBytes: options.maxBodyBytes,
  });

  let stopped: Promise<void> | undefined;
  const authority = `${origin}/${options.tenantId}`;
  return {
    origin,
    port,
    graphBaseUrl: origin,
    authorityHost: origin,
    tenantId: options.tenantId,
    authority,
    knownAuthority: hostPort,
    tokenEndpoint: `${authority}/oauth2/v2.0/token`,
    caCertificate: tls.caPem,
    apps,
    app(name) {
      const found = apps.find((a) => a.name === name);
      if (!found) throw new Error(`app must be one of ${apps.map((a) => a.name).join(', ')}, got '${name}'`);
      return found;
    },
    callerApps,
    jwksUri: `${authority}/discovery/v2.0/keys`,
    issuer: `${authority}/v2.0`,
    callbackOpenIdConfigurationUrl: `${origin}${CALLBACK_OPENID_PATH}`,
    options,
    control,
    resources,
    stop() {
      stopped ??= Promise.all([notifier.stop(), subscriptions.stop()])
        .then(() => server.stop())
        .finally(() => resources.close());
      return stopped;
    },
  };
}

async function materializeApps(apps: readonly AppRegistrationOptions[]): Promise<readonly AppRegistration[]> {
  const out = await Promise.all(
    apps.map(async (app): Promise<AppRegistration> => {
      const { certificate, ...rest } = app;
      if (certificate === undefined) return Object.freeze({ ...rest });
      const cert =
        certificate === 'generate'
          ? await sharedAppCertificate(`comms-graphql simulator app ${app.name}`)
          : {
              ...describeCertificate(certificate.certificatePem),
              ...(certificate.privateKeyPem !== undefined ? { privateKeyPem: certificate.privateKeyPem } : {}),
            };
      return Object.freeze({ ...rest, certificate: Object.freeze(cert) });
    }),
  );
  return Object.freeze(out);
}
