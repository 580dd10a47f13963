import { performance } from 'node:perf_hooks';
import { fetch, type Dispatcher } from 'undici';
import { GraphTransportError } from '../errors.js';
import type { GraphLogger } from '../request.js';
import { AttemptTimeoutReason, DeadlineReason, type GraphClientStats, type Handler } from '../request.js';

/** Error codes meaning no connection was made, so the request never reached Graph. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && typeof e === 'object' && e !== null; i += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface FetchStageDeps {
  /** The shared connection pool (with the extra CA, when configured). */
  dispatcher: Dispatcher;
  /** Makes a one-off pool for an attempt that must not reuse a connection. */
  freshDispatcher: () => Dispatcher;
  logger: GraphLogger;
  stats: GraphClientStats;
}

/**
 * Puts the request on the wire with undici and reads the whole body under the attempt's signal.
 * Redirects are not followed (a redirect could name another host). Logs one debug line per attempt:
 * method, path, status, duration and both request ids, never headers.
 */
export function fetchHandler(deps: FetchStageDeps): Handler {
  return async (ctx) => {
    const started = performance.now();
    const dispatcher = ctx.freshConnection ? deps.freshDispatcher() : deps.dispatcher;
    ctx.freshConnection = false;
    deps.stats.httpRequests += 1;
    const logFields = { method: ctx.method, path: ctx.path, clientRequestId: ctx.clientRequestId, attempt: ctx.attempt };
    try {
      const res = await fetch(ctx.url, {
        method: ctx.method,
        headers: Object.fromEntries(ctx.headers.entries()),
        body: ctx.body,
        signal: ctx.attemptSignal,
        dispatcher,
        redirect: 'manual',
      });
      const bodyText = await res.text();
      deps.logger.debug(
        {
          ...logFields,
          status: res.status,
          durationMs: Math.round(performance.now() - started),
          requestId: res.headers.get('request-id') ?? undefined,
        },
        'graph request',
      );
      return { status: res.status, headers: res.headers, bodyText };
    } catch (err) {
      const signal = ctx.attemptSignal;
      let failure: GraphTransportError | undefined;
      if (signal?.aborted) {
        const reason: unknown = signal.reason;
        if (reason instanceof AttemptTimeoutReason) failure = transport('timeout', ctx, reason);
        else if (reason instanceof DeadlineReason) failure = transport('deadline', ctx, reason);
        else {
          deps.logger.debug({ ...logFields, outcome: 'aborted' }, 'graph request');
          throw reason;
        }
      } else {
        const code = errorCode(err);
        failure = transport(code !== undefined && CONNECT_CODES.has(code) ? 'connect' : 'network', ctx, err);
      }
      deps.logger.debug(
        { ...logFields, outcome: failure.kind, durationMs: Math.round(performance.now() - started), errorCode: errorCode(err) },
        'graph request',
      );
      throw failure;
    } finally {
      if (dispatcher !== deps.dispatcher) void dispatcher.close().catch(() => undefined);
    }
  };
}

function transport(
  kind: GraphTransportError['kind'],
  ctx: { clientRequestId: string; method: string; path: string },
  cause: unknown,
): GraphTransportError {
  return new GraphTransportError(kind, ctx.clientRequestId, ctx.method, ctx.path, { cause });
}
