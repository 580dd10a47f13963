import { performance } from 'node:perf_hooks';
import { throttledItemsOf } from '../throttledItems.js';
import { GraphTransportError } from '../errors.js';
import type { GraphRequestEvent, GraphTelemetry, Handler, HandlerContext } from '../request.js';
import { parseRetryAfter } from '../retryAfter.js';
import { SpanKind, SpanStatusCode, linksIn, trace, traceContext, tracer, type Span } from '../../observability/tracing.js';

/** Collections whose next path segment is an id. */
const COLLECTIONS = new Set([
  'calls',
  'callRecords',
  'sessions',
  'segments',
  'participants',
  'participants_v2',
  'operations',
  'audioRoutingGroups',
]);

/** `/communications/callRecords/abc/sessions?$expand=segments` → `/communications/callRecords/{id}/sessions`. */
export function routeOf(path: string): string {
  const segments = (path.split('?')[0] ?? '').split('/');
  return segments.map((s, i) => (i > 0 && COLLECTIONS.has(segments[i - 1] ?? '') ? '{id}' : s)).join('/');
}

/**
 * Reports every request that goes on the wire: to `telemetry` (metrics) as an event, and to OpenTelemetry as a
 * CLIENT span, child of the operation's span. Both carry the route, status or failure, duration, both request ids,
 * attempt, `$batch` size and throttled items; the event also whether a new token came into use. Sits just before
 * the per-attempt timeout, so it sees each attempt (and the resend after a 401) once. Never reports headers, the
 * raw URL (ids, `$filter` values) or bodies. With neither a metrics sink nor an active recording span it only looks for that span.
 */
export function telemetryHandler(telemetry: GraphTelemetry | undefined): Handler {
  let lastAuthorization: string | undefined;
  const attemptsSeen = new WeakMap<HandlerContext, number>();
  const report = (event: GraphRequestEvent, span: Span | undefined): void => {
    // Observability must never fail a Graph request, and one sink's failure must not cost the other its report.
    try {
      telemetry?.request(event);
    } catch {
      // ignored
    }
    try {
      if (span) endSpan(span, event);
    } catch {
      // ignored
    }
  };
  return async (ctx, next) => {
    const authorization = ctx.headers.get('authorization') ?? undefined;
    const newToken = authorization !== undefined && authorization !== lastAuthorization;
    if (authorization !== undefined) lastAuthorization = authorization;
    const retry = ctx.attempt > 1 && attemptsSeen.get(ctx) !== ctx.attempt;
    attemptsSeen.set(ctx, ctx.attempt);
    const span = startSpan(ctx);
    if (telemetry === undefined && span === undefined) return next(ctx);
    const started = performance.now();
    const route = routeOf(ctx.path);
    const base = (): Omit<GraphRequestEvent, 'status' | 'requestId'> => ({
      method: ctx.method,
      route,
      durationMs: performance.now() - started,
      attempt: ctx.attempt,
      retry,
      clientRequestId: ctx.clientRequestId,
      newToken,
      ...batchItems(ctx),
    });
    try {
      const res = await next(ctx);
      const throttled = ctx.path === '/$batch' && res.status === 200 ? throttledItemsOf(res) : undefined;
      const retryAfterMs = span && parseRetryAfter(res.headers.get('retry-after'), Date.now());
      if (retryAfterMs !== undefined) span?.setAttribute('graph.retry_after_ms', retryAfterMs);
      report(
        {
          ...base(),
          status: res.status,
          requestId: res.headers.get('request-id') ?? undefined,
          ...(throttled ? { throttledItems: throttled } : {}),
        },
        span,
      );
      return res;
    } catch (error) {
      report(
        { ...base(), status: undefined, requestId: undefined, failure: error instanceof GraphTransportError ? error.kind : 'aborted' },
        span,
      );
      throw error;
    }
  };
}

/** A CLIENT span per HTTP request (HTTP client semantic conventions), or undefined when nothing would record it. */
function startSpan(ctx: HandlerContext): Span | undefined {
  const active = traceContext.active();
  if (!trace.getSpan(active)?.isRecording()) return undefined;
  const route = routeOf(ctx.path);
  const span = tracer().startSpan(
    `${ctx.method} ${route}`,
    {
      kind: SpanKind.CLIENT,
      links: linksIn(active),
      attributes: {
        'http.request.method': ctx.method,
        'url.template': route,
        'server.address': ctx.url.hostname,
        'server.port': Number(ctx.url.port || (ctx.url.protocol === 'https:' ? 443 : 80)),
        'graph.attempt': ctx.attempt,
        'graph.client_request_id': ctx.clientRequestId,
        ...(ctx.attempt > 1 ? { 'http.request.resend_count': ctx.attempt - 1 } : {}),
      },
    },
    active,
  );
  return span.isRecording() ? span : undefined;
}

function endSpan(span: Span, event: GraphRequestEvent): void {
  if (event.status !== undefined) span.setAttribute('http.response.status_code', event.status);
  if (event.requestId !== undefined) span.setAttribute('graph.request_id', event.requestId);
  if (event.batchItems !== undefined) span.setAttribute('graph.batch.size', event.batchItems);
  if (event.throttledItems !== undefined) span.setAttribute('graph.batch.throttled_items', event.throttledItems);
  span.setAttribute('graph.throttled', event.status === 429 || (event.throttledItems ?? 0) > 0);
  const failure = event.failure ?? (event.status !== undefined && event.status >= 400 ? String(event.status) : undefined);
  if (failure !== undefined) {
    span.setAttribute('error.type', failure);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function batchItems(ctx: HandlerContext): { batchItems?: number } {
  if (ctx.path !== '/$batch' || ctx.body === undefined) return {};
  try {
    const requests = (JSON.parse(ctx.body) as { requests?: unknown }).requests;
    return Array.isArray(requests) ? { batchItems: requests.length } : {};
  } catch {
    return {};
  }
}
