import { performance } from 'node:perf_hooks';
import { GraphTransportError } from '../errors.js';
import type { GraphRequestEvent, GraphTelemetry, Handler, HandlerContext } from '../request.js';

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
 * Reports every request that goes on the wire to `telemetry`: route, status or failure, duration, both request ids,
 * attempt, `$batch` size and throttled items, and whether a new token came into use. Sits just before the
 * per-attempt timeout, so it sees each attempt (and the resend after a 401) once. Never logs or reports headers.
 */
export function telemetryHandler(telemetry: GraphTelemetry): Handler {
  let lastAuthorization: string | undefined;
  const attemptsSeen = new WeakMap<HandlerContext, number>();
  const report = (event: GraphRequestEvent): void => {
    try {
      telemetry.request(event);
    } catch {
      // Observability must never fail a Graph request.
    }
  };
  return async (ctx, next) => {
    const authorization = ctx.headers.get('authorization') ?? undefined;
    const newToken = authorization !== undefined && authorization !== lastAuthorization;
    if (authorization !== undefined) lastAuthorization = authorization;
    const retry = ctx.attempt > 1 && attemptsSeen.get(ctx) !== ctx.attempt;
    attemptsSeen.set(ctx, ctx.attempt);
    const started = performance.now();
    const base = (): Omit<GraphRequestEvent, 'status' | 'requestId'> => ({
      method: ctx.method,
      route: routeOf(ctx.path),
      durationMs: performance.now() - started,
      attempt: ctx.attempt,
      retry,
      clientRequestId: ctx.clientRequestId,
      newToken,
      ...batchItems(ctx),
    });
    try {
      const res = await next(ctx);
      const throttled = ctx.path === '/$batch' && res.status === 200 ? countThrottledItems(res.bodyText) : undefined;
      report({
        ...base(),
        status: res.status,
        requestId: res.headers.get('request-id') ?? undefined,
        ...(throttled ? { throttledItems: throttled } : {}),
      });
      return res;
    } catch (error) {
      report({
        ...base(),
        status: undefined,
        requestId: undefined,
        failure: error instanceof GraphTransportError ? error.kind : 'aborted',
      });
      throw error;
    }
  };
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

function countThrottledItems(bodyText: string): number {
  return bodyText.match(/"status":\s*429\b/g)?.length ?? 0;
}
