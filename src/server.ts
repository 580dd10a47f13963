import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { createAuthorizationPlugin, createCallerAuthentication, type Caller } from './auth/index.js';
import { createCallbackEndpoint } from './callbacks/index.js';
import {
  CALL_RECORD_NOTIFICATIONS_PATH,
  createCallRecordFeed,
  type CallRecordChangedListener,
  type CallRecordFeed,
} from './callRecordNotifications/index.js';
import type { GraphQLError } from 'graphql';
import type { GatewayConfig } from './config/index.js';
import { createOperationContext, type GatewayContext } from './context.js';
import { isDeliberateError, maskUnexpectedErrors, unexpectedErrorLogPlugin } from './errors/index.js';
import { EXAMPLE_OPERATIONS } from './schema/examples.js';
import { createExplorer } from './explorer/index.js';
import { createGraphClient, type GraphClient, type InstrumentedGraphClient } from './graph/index.js';
import { createBudgetMetrics } from './observability/budgetMetrics.js';
import type { GraphClientConfig } from './graph/index.js';
import { applyCors } from './http/cors.js';
import type { LiveFeed } from './live/events.js';
import { createMemoryBus } from './live/memoryBus.js';
import { createRedisEventBus } from './live/redisBus.js';
import { createRedisConnection } from './redis/connection.js';
import { createRedisBudgetStore } from './redis/graphBudget.js';
import { createSharedCallStates } from './redis/liveCallState.js';
import { createCallRecordCache } from './callRecordCache/cache.js';
import type { CallRecordEviction } from './callRecordCache/eviction.js';
import { createGraphQLHandler } from './http/graphqlHandler.js';
import { sendJson } from './http/respond.js';
import { createLogger, registerSecret, type Logger } from './observability/logger.js';
import { createGatewayMetrics, metricsRoute } from './observability/metrics.js';
import { operationObservabilityPlugin } from './observability/operationLog.js';
import { operationTracingPlugin, traceHttpOperation } from './observability/operationTracing.js';
import { CursorCodec } from './paging/cursor.js';
import { operationLimits } from './plugins/operationLimits.js';
import { subscriptionsOverHttpPlugin } from './plugins/subscriptionsOverHttp.js';
import { createSubscriptionServer } from './subscriptions/websocketServer.js';
import { resolvers as gatewayResolvers } from './resolvers/index.js';
import { cacheHintsPlugin } from './schema/cacheHints.js';
import { buildGatewaySchema } from './schema/index.js';
import { executionGateway } from './execution/executionGateway.js';
import { createExecutor } from './execution/executor.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** How to reach Graph: real Graph from the config, or the embedded simulator. */
  graph: GraphClientConfig;
  logger?: Logger;
  /** The resolver map; default the gateway's own. A seam for tests that need a resolver to misbehave. */
  resolvers?: typeof gatewayResolvers;
  /**
   * The embedded simulator's OpenID configuration for callback tokens (`SimulatorEndpoint.callbackOpenIdConfigurationUrl`).
   * `config.callbacks.openIdConfigUrl` (GRAPH_CALLBACK_OPENID_CONFIG_URL) wins when set. With neither, every callback gets 401.
   */
  callbackOpenIdConfigUrl?: string;
  /**
   * Told of each call record Graph reports new or changed, on every replica, before subscribers fetch it: where a
   * call-record cache connects its `evict(id)`.
   */
  onCallRecordChanged?: readonly CallRecordChangedListener[];
}

export interface RunningGateway {
  /** `http://host:port/graphql` */
  url: string;
  /** Where Graph should POST call notifications (`${PUBLIC_URL}/callbacks/calls`); undefined without a public URL. */
  callbackUrl: string | undefined;
  /** Open WebSocket connections and running subscriptions, now. */
  subscriptions(): { connections: number; subscriptions: number };
  port: number;
  graph: GraphClient;
  /** Live calls from Graph's notifications: the event bus and the call-state store (src/live/events.ts). */
  live: LiveFeed;
  /** Evicts a call record from the version-keyed cache on every replica (for call-record change notifications). */
  callRecordCache: CallRecordEviction;
  /** Call-record change notifications: the Graph subscription's status on this replica, eviction listeners. */
  callRecords: Pick<CallRecordFeed, 'status' | 'onCallRecordChanged'>;
  /** Stops taking requests, lets in-flight ones finish, closes upstream sockets. Idempotent. */
  stop(): Promise<void>;
}

type ServerState = 'starting' | 'ready' | 'draining' | 'stopped';

/** Builds the gateway (Apollo Server over node:http) and starts listening. */
export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = config.observability.metrics ? createGatewayMetrics() : undefined;
  // With REDIS_URL, events, call state and Graph's throttling budget are shared by every replica through one
  // connection set per process.
  const redisUrl = config.redis.url;
  const redis = redisUrl === undefined ? undefined : createRedisConnection({ ...config.redis, url: redisUrl }, logger, metrics?.registry);
  const budget = {
    ...options.graph.budget,
    ...(redis && { shared: createRedisBudgetStore(redis) }),
    ...(metrics && { telemetry: createBudgetMetrics(metrics.registry) }),
  };
  let graph: InstrumentedGraphClient;
  try {
    graph = createGraphClient({
      ...options.graph,
      budget,
      logger: logger.child({ component: 'graph' }),
      telemetry: metrics?.graphTelemetry,
    });
  } catch (error) {
    // An invalid Graph configuration: nothing may keep the process alive (Redis reconnects forever).
    await redis?.close();
    throw error;
  }
  const codec = new CursorCodec(config.cursorSecret);
  // Scrubbed from every log line even where no redaction path reaches (an error message, a stack).
  registerSecret(config.cursorSecret);
  const credential = options.graph.credential;
  registerSecret('clientSecret' in credential ? credential.clientSecret : credential.certificate.privateKeyPem);
  const { security } = config;
  const callers = createCallerAuthentication(config, options.graph, logger);
  const limits = operationLimits<GatewayContext>(security.limits, config.paging);

  let state: ServerState = 'starting';
  // Live calls: Graph's notifications (POST /callbacks/calls) update the store and publish on the bus; whatever
  // serves subscriptions is built from `live`.
  const liveLogger = logger.child({ component: 'live' });
  const bus = redis ? createRedisEventBus(redis, liveLogger, metrics?.registry) : createMemoryBus(liveLogger);
  const callbacks = createCallbackEndpoint({
    settings: config.callbacks,
    openIdConfigUrl: config.callbacks.openIdConfigUrl ?? options.callbackOpenIdConfigUrl,
    app: {
      clientId: options.graph.clientId,
      tenantId: options.graph.tenantId,
      ...(options.graph.caCertificate !== undefined ? { caCertificate: options.graph.caCertificate } : {}),
    },
    bus,
    shared: redis && createSharedCallStates(redis, config.callbacks.endedRetentionMs),
    logger,
    metrics,
    accepting: () => state === 'ready',
  });
  // Call records by version: this process's LRU, then Redis (when configured and up).
  const callRecordCache = createCallRecordCache({
    settings: config.callRecordCache,
    tenantId: options.graph.tenantId,
    apiVersion: config.apiVersion,
    redis,
    logger,
    registry: metrics?.registry,
  });
  // Known once listening: PUBLIC_URL, else (embedded simulator only) this process's own loopback address.
  let publicBase: string | undefined = undefined;
  let callbackUrl: string | undefined = undefined;
  const callRecords = createCallRecordFeed({
    graph,
    settings: config.callRecordNotifications,
    redis,
    bus,
    publicBase: () => publicBase,
    maxBodyBytes: config.callbacks.maxBodyBytes,
    rate: { perSecond: config.callbacks.ratePerSecond, burst: config.callbacks.rateBurst },
    accepting: () => state === 'ready',
    requestTimeoutMs: config.operationTimeoutMs,
    logger,
    // A notified record leaves the call-record cache on every replica before subscribers read it again.
    onCallRecordChanged: [(id) => callRecordCache.evict(id), ...(options.onCallRecordChanged ?? [])],
  });
  const live: LiveFeed = { bus, store: callbacks.liveCalls, callRecords };
  const httpServer = http.createServer();
  const schema = buildGatewaySchema(options.resolvers ?? gatewayResolvers, { logger });
  const apollo = new ApolloServer<GatewayContext>({
    // The schema through Apollo's gateway interface, its seam for an executor: graphql-jit or graphql-js (GRAPHQL_EXECUTOR).
    gateway: executionGateway(schema, createExecutor(schema, config.executor, logger)),
    introspection: security.introspection,
    // Never, in any environment: `npm start` runs as development, and a stack names the server's files. Stacks go to the log.
    includeStacktraceInErrorResponses: false,
    // No "Did you mean ...?" naming fields and types to a caller probing the schema.
    hideSchemaDetailsFromClientErrors: config.env !== 'development',
    csrfPrevention: true,
    // main.ts owns SIGINT/SIGTERM and stops the gateway, then the embedded simulator. Apollo's own handlers
    // (installed outside NODE_ENV=test) would start a second, competing stop that never lets the process exit.
    stopOnTerminationSignals: false,
    allowBatchedHttpRequests: false,
    parseOptions: limits.parseOptions,
    validationRules: limits.validationRules,
    // Masking by class: only deliberate errors reach callers; the plugin below logs the rest once.
    formatError: maskUnexpectedErrors,
    logger: logger.child({ component: 'apollo' }),
    // Apollo plugins, in order.
    plugins: [
      // Errors: whatever formatError masks is logged here, where the operation's request id is known.
      unexpectedErrorLogPlugin<GatewayContext>({ logger, requestId: (context) => context.requestId }),
      // Authorization, then cost: both after validation, before any resolver or Graph request.
      createAuthorizationPlugin<GatewayContext>(security.auth.mode === 'jwt' ? security.auth.permissions : undefined),
      // Subscriptions run over graphql-ws only: over HTTP, a 400 that says so.
      subscriptionsOverHttpPlugin<GatewayContext>(),
      ...limits.plugins,
      // Observability: one log line and one metrics sample per operation, its span named and described (when tracing);
      // cache hints (call records only).
      operationObservabilityPlugin<GatewayContext>({
        logger,
        metrics,
        describe: (context) => ({ requestId: context.requestId, upstream: context.graph.count }),
      }),
      operationTracingPlugin<GatewayContext>(),
      // Cache-Control from the operation's fields, in place of Apollo's per-field hook (src/schema/cacheHints.ts).
      cacheHintsPlugin(),
      ApolloServerPluginCacheControlDisabled(),
      // Lifecycle: stop() waits for in-flight operations, then closes idle connections.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 10_000 }),
      // Landing page: GraphiQL (served by the /graphql route below, not Apollo) outside production, or Sandbox with
      // the README's operations; in production off unless chosen.
      security.landingPage === 'sandbox'
        ? ApolloServerPluginLandingPageLocalDefault({
            embed: { initialState: { pollForSchemaUpdates: false } },
            document: EXAMPLE_OPERATIONS,
            footer: false,
          })
        : security.landingPage === 'production'
          ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
          : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  /** One operation's context, over HTTP or WebSocket. */
  const contextFor = (caller: Caller, requestId: string): GatewayContext =>
    createOperationContext({
      graph,
      codec,
      paging: config.paging,
      requestId,
      logger,
      caller,
      operationTimeoutMs: config.operationTimeoutMs,
      callbackUrl,
      live,
      callRecordCache,
    });

  const graphql = createGraphQLHandler<GatewayContext>({
    apollo,
    maxBodyBytes: security.maxBodyBytes,
    logger,
    async context({ req, requestId }) {
      // Before the body is parsed as GraphQL: an unauthenticated request costs no parsing and no Graph call.
      // It never becomes an operation, so it is logged and counted here (without the token).
      let caller;
      try {
        caller = await callers.authenticate(req.headers.authorization);
      } catch (error) {
        const deliberate = isDeliberateError(error);
        const code = deliberate ? String((error as GraphQLError).extensions['code']) : 'INTERNAL_SERVER_ERROR';
        metrics?.recordRefusal(code);
        // No operation (and no plugin hook) exists yet: an unexpected failure is logged here, once.
        if (deliberate) logger.warn({ requestId, outcome: 'refused', errorCodes: [code] }, 'graphql request refused');
        else
          logger.error(
            { requestId, outcome: 'refused', errorCodes: [code], err: error },
            'unexpected error, answered as "Unexpected error."',
          );
        throw error;
      }
      return contextFor(caller, requestId);
    },
  });

  // graphql-ws on the same path: Apollo's plugins do not run there, so admission repeats their checks.
  const subscriptions = createSubscriptionServer<GatewayContext>({
    httpServer,
    path: '/graphql',
    rules: {
      schema,
      validationRules: limits.validationRules,
      maxTokens: security.limits.maxTokens,
      maxCost: security.limits.maxCost,
      paging: config.paging,
      grants: security.auth.mode === 'jwt' ? security.auth.permissions : undefined,
    },
    callers,
    settings: config.subscriptions,
    logger,
    // A subscription's Graph work is its first read, within the operation timeout; later events come from callbacks.
    createContext: contextFor,
  });

  // GraphiQL from our own bundle (LANDING_PAGE=graphiql): the page at a browser's GET /graphql, files at /explorer/*.
  const explorer =
    security.landingPage === 'graphiql' ? createExplorer({ examples: EXAMPLE_OPERATIONS, authMode: security.auth.mode }) : undefined;

  // HTTP routes.
  const routes: Record<string, http.RequestListener> = {
    '/graphql': (req, res) =>
      // One span per operation, continuing the caller's traceparent (a no-op while tracing is off).
      traceHttpOperation(req, res, () => {
        if (applyCors(security.cors, req, res)) return;
        if (state === 'ready') {
          if (!explorer?.page(req, res)) graphql(req, res);
        } else sendJson(res, 503, { error: 'the gateway is shutting down' }, { connection: 'close' });
      }),
    '/callbacks/calls': callbacks.handle,
    [CALL_RECORD_NOTIFICATIONS_PATH]: callRecords.handleNotifications,
    [`${CALL_RECORD_NOTIFICATIONS_PATH}/lifecycle`]: callRecords.handleLifecycle,
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    // Ready: listening, not draining, and a Graph token in hand. An open circuit stays ready (README); so does a
    // replica whose Redis is down: it works on its own and says `degraded`.
    '/readyz': (_req, res) => {
      const { tokenInHand, circuit } = graph.readiness();
      const ready = state === 'ready' && tokenInHand;
      const status = state === 'ready' && !tokenInHand ? 'awaiting-token' : ready && redis && !redis.up ? 'degraded' : state;
      sendJson(res, ready ? 200 : 503, { status, tokenInHand, circuit, ...(redis && { redis: redis.up ? 'up' : 'down' }) });
    },
    ...(metrics && { '/metrics': metricsRoute(metrics.registry) }),
    ...explorer?.routes,
  };
  httpServer.on('request', (req, res) => {
    const route = routes[(req.url ?? '/').split('?')[0] ?? '/'];
    if (route) route(req, res);
    else sendJson(res, 404, { error: 'not found: the GraphQL endpoint is /graphql' });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  state = 'ready';
  graph.warmUp();
  const { port } = httpServer.address() as AddressInfo;
  publicBase = config.callbacks.publicUrl ?? (config.graph.kind === 'simulator' ? `http://localhost:${port}` : undefined);
  callbackUrl = publicBase === undefined ? undefined : `${publicBase}/callbacks/calls`;
  const displayHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}/graphql`,
    callbackUrl,
    subscriptions: () => subscriptions.stats(),
    port,
    graph,
    live,
    callRecordCache,
    callRecords,
    stop() {
      stopping ??= (async () => {
        state = 'draining';
        // Sockets first, with a reason: a subscription has no end of its own to wait for.
        await subscriptions.close('The gateway is shutting down.');
        await apollo.stop();
        // Before Redis closes: the last replica deletes the Graph subscription, another hands it over.
        await callRecords.close();
        await callbacks.close();
        await bus.close();
        await redis?.close();
        await graph.close();
        await callers.close();
        state = 'stopped';
      })();
      return stopping;
    },
  };
}
