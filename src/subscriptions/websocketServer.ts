/**
 * GraphQL subscriptions over graphql-ws, on the HTTP server's `/graphql` path. Apollo's plugins never see these
 * operations, so every protection of the HTTP path is applied here in graphql-ws's hooks: caller authentication
 * from `connection_init`, the operation limits, cost and authorization (admission.ts), error masking with one log
 * line per unexpected error, plus what only a long-lived socket needs: caps on connections and subscriptions,
 * keep-alive, a message size bound, and a clean close on shutdown.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type http from 'node:http';
import { GraphQLError, subscribe, type ExecutionArgs, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Caller, CallerAuthentication } from '../auth/index.js';
import type { SubscriptionSettings } from '../config/subscriptions.js';
import { GatewayError, GatewayErrorCode, isDeliberateError, maskUnexpectedErrors } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { startSubscriptionSpan, subscriptionParent, type SubscriptionSpan } from '../observability/operationTracing.js';
import { traceContext, traceFields, type TraceContext } from '../observability/tracing.js';
import { admitSubscription, type AdmissionRules, type SubscribeMessage } from './admission.js';

export interface SubscriptionServerOptions<TContext> {
  httpServer: http.Server;
  path: string;
  rules: AdmissionRules;
  callers: CallerAuthentication;
  settings: SubscriptionSettings;
  /** A fresh operation context for one subscription of a caller. */
  createContext(caller: Caller, requestId: string): TContext;
  logger: Logger;
}

export interface SubscriptionServer {
  /** Open sockets and running subscriptions, now. */
  stats(): { connections: number; subscriptions: number };
  /** Refuses new sockets, closes open ones with 1001 and `reason`, ends their subscriptions. Idempotent. */
  close(reason: string): Promise<void>;
}

/** What the gateway keeps per socket, beside graphql-ws's own context. */
/** One running subscription, for its log line when it ends. */
interface RunningSubscription {
  requestId: string;
  operationName: string | null;
  started: number;
  /** Results sent so far. */
  events: number;
  errorCodes: Set<string>;
  /** Its OpenTelemetry span (a no-op one while tracing is off). */
  span: SubscriptionSpan;
}

interface ConnectionState {
  caller: Caller | undefined;
  subscriptions: Map<string, RunningSubscription>;
  /** Runs while the connection has no subscription; closes it when it fires. */
  idle: ReturnType<typeof setTimeout> | undefined;
}

type ConnectionContext = Context<Record<string, unknown> | undefined, Extra & { state?: ConnectionState }>;

/** graphql-ws close codes the gateway uses besides the library's own. */
const CLOSE = { unauthorized: 4401, forbidden: 4403, tryAgainLater: 1013, goingAway: 1001, idle: 4408 } as const;

export function createSubscriptionServer<TContext>(options: SubscriptionServerOptions<TContext>): SubscriptionServer {
  const { settings, logger, rules } = options;
  const log = logger.child({ component: 'subscriptions' });
  let closing = false;
  /** Subscriptions per caller subject, across sockets. */
  const perCaller = new Map<string, number>();
  let running = 0;

  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: settings.maxMessageBytes,
    // The socket cap and draining are decided at the handshake, before a socket exists.
    verifyClient: (_info, accept) => {
      if (closing) accept(false, 503, 'The gateway is shutting down.');
      else if (wsServer.clients.size >= settings.maxConnections) accept(false, 503, 'Too many WebSocket connections; retry later.');
      else accept(true);
    },
  });

  const callerKey = (caller: Caller | undefined): string => (caller?.kind === 'token' ? `sub:${caller.subject}` : 'anonymous');

  /** A connection with nothing to do holds a socket and a place under the cap: it is closed after WS_IDLE_TIMEOUT_MS. */
  const watchIdle = (ctx: ConnectionContext): void => {
    const state = ctx.extra.state;
    if (!state) return;
    clearTimeout(state.idle);
    state.idle = undefined;
    if (state.subscriptions.size > 0) return;
    state.idle = setTimeout(() => ctx.extra.socket.close(CLOSE.idle, 'Idle: no subscription for too long.'), settings.idleTimeoutMs);
    state.idle.unref();
  };

  const release = (ctx: ConnectionContext, id: string, ending: 'completed' | 'connection closed'): void => {
    const state = ctx.extra.state;
    const ended = state?.subscriptions.get(id);
    if (!state || !ended) return;
    state.subscriptions.delete(id);
    watchIdle(ctx);
    // One line per subscription, as the HTTP path logs one per operation.
    const codes = [...ended.errorCodes];
    log.info(
      {
        requestId: ended.requestId,
        operationName: ended.operationName,
        operationType: 'subscription',
        durationMs: Math.round(performance.now() - ended.started),
        events: ended.events,
        ending,
        outcome: codes.length === 0 ? 'ok' : 'error',
        ...(codes.length > 0 ? { errorCodes: codes } : {}),
        ...traceFields(ended.span.context),
      },
      'subscription ended',
    );
    ended.span.end(codes, ended.events);
    running -= 1;
    const key = callerKey(state.caller);
    const left = (perCaller.get(key) ?? 1) - 1;
    if (left <= 0) perCaller.delete(key);
    else perCaller.set(key, left);
  };

  /** What a caller sees of errors: deliberate ones as raised (minus Apollo's HTTP hints), anything else masked and logged. */
  const present = (errors: readonly GraphQLError[], requestId: string | undefined): GraphQLFormattedError[] =>
    errors.map((error) => {
      if (!isDeliberateError(error)) {
        log.error({ requestId, path: error.path, err: error.originalError ?? error }, 'unexpected error, answered as "Unexpected error."');
      }
      const formatted = maskUnexpectedErrors(error.toJSON(), error);
      if (!formatted.extensions || !('http' in formatted.extensions)) return formatted;
      const { http: _http, ...extensions } = formatted.extensions;
      return { ...formatted, extensions };
    });

  /** Each subscription's trace context, by its execution context object, for `subscribe` below. */
  const traces = new WeakMap<object, TraceContext>();

  const handle = useServer<Record<string, unknown> | undefined, { state?: ConnectionState }>(
    {
      connectionInitWaitTimeout: settings.connectionInitTimeoutMs,
      // A change the subscriber did not select (a roster update under `{ state }`, the first notification of a call
      // whose state was read from Graph) would repeat the last answer: it is not sent again.
      // Both the first execution and each event's run in the subscription's span, so their Graph requests are its children.
      subscribe: async (args) => {
        const trace = traces.get(args.contextValue as object) ?? traceContext.active();
        const result = await traceContext.with(trace, () => subscribe(args));
        return Symbol.asyncIterator in result ? distinct(result, trace) : result;
      },
      async onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        // Browsers cannot set headers on a WebSocket: the token travels in connection_init. Routers send the
        // client's Authorization header value as `token` (Apollo Router, Hive Gateway's connectionParams).
        const raw = params['authorization'] ?? params['Authorization'] ?? params['token'];
        const authorization = typeof raw === 'string' ? raw : undefined;
        try {
          const caller = await options.callers.authenticate(authorization);
          ctx.extra.state = { caller, subscriptions: new Map(), idle: undefined };
          watchIdle(ctx);
          return true;
        } catch (error) {
          const reason = isDeliberateError(error) ? (error as GraphQLError).message : 'Authentication failed.';
          if (!isDeliberateError(error)) log.error({ err: error }, 'unexpected error authenticating a WebSocket connection');
          // A close reason is at most 123 bytes.
          ctx.extra.socket.close(CLOSE.unauthorized, `Unauthorized: ${reason}`.slice(0, 120));
          return false;
        }
      },
      async onSubscribe(ctx, id, payload) {
        const state = ctx.extra.state;
        const requestId = randomUUID();
        if (!state) return [new GraphQLError('Send connection_init first.', { extensions: { code: 'BAD_REQUEST' } })];
        if (state.subscriptions.size >= settings.maxPerConnection) {
          return [tooMany(`at most ${settings.maxPerConnection} subscriptions run on one connection`)];
        }
        const key = callerKey(state.caller);
        if ((perCaller.get(key) ?? 0) >= settings.maxPerCaller) {
          return [tooMany(`at most ${settings.maxPerCaller} subscriptions run for one caller`)];
        }
        const admission = admitSubscription(rules, payload as SubscribeMessage, state.caller ?? { kind: 'anonymous' });
        if (!admission.admitted) {
          log.info(
            { requestId, outcome: 'refused', errorCodes: admission.errors.map((e) => e.extensions['code']) },
            'subscription refused',
          );
          return [...admission.errors];
        }
        const operationName = admission.operation.name?.value ?? null;
        const span = startSubscriptionSpan(
          subscriptionParent(payload.extensions, ctx.extra.request.headers),
          admission.operation.operation,
          operationName ?? undefined,
          admission.document,
        );
        state.subscriptions.set(id, { requestId, operationName, started: performance.now(), events: 0, errorCodes: new Set(), span });
        watchIdle(ctx);
        running += 1;
        perCaller.set(key, (perCaller.get(key) ?? 0) + 1);
        log.info({ requestId, operationName, operationType: 'subscription', ...traceFields(span.context) }, 'subscription started');
        const args: ExecutionArgs = {
          schema: rules.schema,
          document: admission.document,
          operationName: payload.operationName ?? null,
          variableValues: admission.variables,
          contextValue: options.createContext(state.caller ?? { kind: 'anonymous' }, requestId),
        };
        traces.set(args.contextValue as object, span.context);
        return args;
      },
      async onNext(ctx, id, _payload, args, result) {
        const running = ctx.extra.state?.subscriptions.get(id);
        if (running) running.events += 1;
        if (!result.errors) return undefined;
        for (const error of result.errors)
          running?.errorCodes.add(isDeliberateError(error) ? String(error.extensions['code']) : 'INTERNAL_SERVER_ERROR');
        const requestId = (args.contextValue as { requestId?: string } | undefined)?.requestId;
        return { ...result, errors: present(result.errors, requestId) } as unknown as ExecutionResult;
      },
      async onError(_ctx, _id, _payload, errors) {
        return present(errors, undefined);
      },
      async onComplete(ctx, id) {
        release(ctx, id, 'completed');
      },
      async onClose(ctx) {
        clearTimeout(ctx.extra.state?.idle);
        for (const id of [...(ctx.extra.state?.subscriptions.keys() ?? [])]) release(ctx, id, 'connection closed');
      },
    },
    wsServer,
    settings.keepAliveMs,
  );

  let closed: Promise<void> | undefined;
  return {
    stats: () => ({ connections: wsServer.clients.size, subscriptions: running }),
    close(reason) {
      closing = true;
      closed ??= (async () => {
        for (const socket of wsServer.clients) socket.close(CLOSE.goingAway, reason.slice(0, 120));
        await handle.dispose();
      })();
      return closed;
    },
  };
}

/** The results of a subscription, each different from the one before it, each computed in the subscription's trace. */
async function* distinct(results: AsyncGenerator<ExecutionResult>, trace: TraceContext): AsyncGenerator<ExecutionResult> {
  let last: string | undefined;
  try {
    for (;;) {
      const step = await traceContext.with(trace, () => results.next());
      if (step.done) return;
      const shown = JSON.stringify(step.value);
      if (shown === last) continue;
      last = shown;
      yield step.value;
    }
  } finally {
    await results.return(undefined);
  }
}

function tooMany(what: string): GraphQLError {
  return new GatewayError(GatewayErrorCode.TooManySubscriptions, `Too many subscriptions: ${what}. Complete one before starting another.`);
}

export { CLOSE as SUBSCRIPTION_CLOSE_CODES };
