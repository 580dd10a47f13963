import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { GraphTransportError } from '../errors.js';
import { headersFrom } from '../headers.js';
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

/** Encodings Graph may answer in when asked; the body is decoded before anyone reads it. */
const DECODERS: Readonly<Record<string, (data: Buffer) => Promise<Buffer>>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};
/** What this client asks Graph for: every encoding it can decode. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

async function bodyText(body: Dispatcher.ResponseData['body'], encoding: string | null): Promise<string> {
  if (encoding === null || encoding === 'identity') return body.text();
  const decode = DECODERS[encoding.toLowerCase()];
  if (!decode) {
    await body.dump({ limit: 0 }).catch(() => undefined);
    throw new Error(`Graph answered in an encoding this client cannot read: ${encoding}`);
  }
  return (await decode(Buffer.from(await body.arrayBuffer()))).toString('utf8');
}

/**
 * Puts the request on the wire with undici's dispatcher API (not `fetch`: no Request and Response objects,
 * streams or spec bookkeeping per request) and reads the whole body under the attempt's signal, decoded when
 * Graph compressed it. Redirects are never followed (a redirect could name another host). Logs one debug
 * line per attempt: method, path, status, duration and both request ids, never headers.
 */
export function fetchHandler(deps: FetchStageDeps): Handler {
  return async (ctx) => {
    const started = performance.now();
    const dispatcher = ctx.freshConnection ? deps.freshDispatcher() : deps.dispatcher;
    ctx.freshConnection = false;
    deps.stats.httpRequests += 1;
    const logFields = { method: ctx.method, path: ctx.path, clientRequestId: ctx.clientRequestId, attempt: ctx.attempt };
    try {
      const headers: Record<string, string> = { 'accept-encoding': ACCEPT_ENCODING };
      ctx.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const res = await dispatcher.request({
        origin: ctx.url.origin,
        path: ctx.url.pathname + ctx.url.search,
        method: ctx.method,
        headers,
        body: ctx.body ?? null,
        signal: ctx.attemptSignal ?? null,
      });
      const responseHeaders = headersFrom(res.headers);
      const text = await bodyText(res.body, responseHeaders.get('content-encoding'));
      deps.logger.debug(
        {
          ...logFields,
          status: res.statusCode,
          durationMs: Math.round(performance.now() - started),
          requestId: responseHeaders.get('request-id') ?? undefined,
        },
        'graph request',
      );
      return { status: res.statusCode, headers: responseHeaders, bodyText: text };
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
