/**
 * The pipeline every Graph request goes through, top-level or inside `$batch`: one ordered array of
 * phases. Each phase either lets the request through or answers it (an error, an injected fault, or the
 * handler's response).
 */
import type { Chaos } from './chaos.js';
import type { Fault } from './chaos.js';
import { badRequest, gatewayTimeout, serviceUnavailable, toGraphErrorResponse, tooManyRequests } from './graphErrors.js';
import type { Router } from './router.js';
import type { Throttle } from './throttle.js';
import { GraphHttpError } from './types.js';
import type { GraphVersion, Route, RouteParams, SimApp, SimRequest, SimResponse } from './types.js';
import { JSON_CONTENT_TYPE } from './wire.js';
import type { Correlation } from './wire.js';
import type { TokenVerifier } from './auth.js';

/** A request body as it arrived: bytes from the socket or base64 from a batch item, or parsed JSON. */
export type IncomingBody = { kind: 'none' } | { kind: 'bytes'; bytes: Buffer } | { kind: 'json'; value: unknown };

/** One Graph request entering the pipeline. */
export interface GraphCall {
  method: string;
  /** Decoded path after the version prefix. */
  path: string;
  rawQuery: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string>>;
  body: IncomingBody;
  version: GraphVersion;
  baseUrl: string;
  correlation: Correlation;
  /** Set for `$batch` items: they run as the outer request's app. */
  app?: SimApp;
  inBatch: boolean;
}

export type DispatchOutcome =
  | { kind: 'response'; response: SimResponse; route: string; app?: SimApp; fault?: string }
  | { kind: 'drop'; route: string; app?: SimApp; fault: 'drop' | 'lostDrop' };

export interface DispatcherDeps {
  router: Router;
  verifyToken: TokenVerifier;
  throttle: Throttle;
  chaos: Chaos;
  /** Added to every top-level request, for benchmarks. */
  fixedLatencyMs: number;
}

export interface Dispatcher {
  dispatch(call: GraphCall): Promise<DispatchOutcome>;
}

/** What the phases learn about the request as it moves along. */
interface Progress {
  app?: SimApp;
  route?: Route;
  params?: RouteParams;
  body?: unknown;
  fault?: Fault | 'throttled';
  /** Serve the request, then lose its answer. */
  loseAnswer?: 'lost504' | 'lostDrop';
}

type PhaseResult = SimResponse | 'drop' | undefined;
type Phase = (call: GraphCall, progress: Progress) => PhaseResult | Promise<PhaseResult>;

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const phases: readonly Phase[] = [
    // Who: the bearer token (401). Batch items inherit the outer request's app.
    async (call, p) => {
      p.app = call.app ?? (await deps.verifyToken(call.headers.authorization));
      return undefined;
    },
    // What: the route for this method and path (404, 405).
    (call, p) => {
      const match = deps.router.match(call.method, call.path);
      if (match.kind === 'notFound') {
        const segment = call.path.split('/').filter(Boolean).pop() ?? '';
        throw new GraphHttpError(404, 'ResourceNotFound', `Resource not found for the segment '${segment}'.`);
      }
      if (match.kind === 'methodNotAllowed') {
        throw new GraphHttpError(405, 'notAllowed', `The HTTP method '${call.method}' is not allowed on '${call.path}'.`, {
          Allow: match.allow.join(', '),
        });
      }
      p.route = match.route;
      p.params = match.params;
      return undefined;
    },
    // May it: the token's roles against the route's permissions (403).
    (_call, p) => {
      const needed = p.route?.anyOfRoles ?? [];
      if (needed.length > 0 && !needed.some((role) => p.app?.roles.includes(role))) {
        throw new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      }
      return undefined;
    },
    // The body: JSON with a JSON content type (400, 415), before anything is counted against the app.
    (call, p) => {
      p.body = parseBody(call);
      return undefined;
    },
    // How much: the app's throttle buckets (429 with Retry-After).
    (call, p) => {
      if (!p.app || !p.route || !p.params) return undefined;
      const keys = p.route.throttleKeys(toSimRequest(call, p), p.params);
      const verdict = deps.throttle.admit(p.app, keys);
      if (verdict === null) return undefined;
      p.fault = 'throttled';
      throw tooManyRequests(verdict.retryAfterSeconds);
    },
    // Faults: seeded chaos (429, 503, 504, dropped connection, latency) and the fixed benchmark latency.
    async (call, p) => {
      const decision = deps.chaos.decide(!call.inBatch);
      const delay = decision.delayMs + (call.inBatch ? 0 : deps.fixedLatencyMs);
      if (delay > 0) await sleep(delay);
      if (decision.fault === undefined) return undefined;
      p.fault = decision.fault;
      switch (decision.fault) {
        case 'drop':
          return 'drop';
        case '429':
          throw tooManyRequests(decision.retryAfterSeconds);
        case '503':
          throw serviceUnavailable(decision.retryAfterSeconds);
        case '504':
          throw gatewayTimeout();
        case 'lost504':
        case 'lostDrop':
          p.loseAnswer = decision.fault;
          return undefined;
      }
    },
    // The handler; then, under chaos, the answer may be lost after Graph acted.
    async (call, p) => {
      if (!p.route || !p.params) return undefined;
      const response = await p.route.handle(toSimRequest(call, p), p.params);
      if (p.loseAnswer === 'lostDrop') return 'drop';
      if (p.loseAnswer === 'lost504') throw gatewayTimeout();
      return response;
    },
  ];

  return {
    async dispatch(call) {
      const progress: Progress = {};
      let result: PhaseResult;
      try {
        for (const phase of phases) {
          result = await phase(call, progress);
          if (result !== undefined) break;
        }
      } catch (err) {
        result = toGraphErrorResponse(err, call.correlation);
      }
      const route = progress.route?.name ?? 'unmatched';
      const extra = {
        ...(progress.app ? { app: progress.app } : {}),
        ...(progress.fault ? { fault: progress.fault } : {}),
      };
      if (result === 'drop') return { kind: 'drop', route, ...extra, fault: progress.fault === 'lostDrop' ? 'lostDrop' : 'drop' };
      const response = result ?? toGraphErrorResponse(new Error('no phase answered'), call.correlation);
      return { kind: 'response', response: withContentType(response), route, ...extra };
    },
  };
}

function toSimRequest(call: GraphCall, p: Progress): SimRequest {
  if (!p.app) throw new Error('request reached a route without an app');
  return {
    method: call.method,
    path: call.path,
    rawQuery: call.rawQuery,
    query: new URLSearchParams(call.rawQuery),
    headers: call.headers,
    body: p.body,
    version: call.version,
    baseUrl: call.baseUrl,
    app: p.app,
  };
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

function parseBody(call: GraphCall): unknown {
  const body = call.body;
  if (body.kind === 'none') return undefined;
  if (body.kind === 'json') return body.value;
  if (body.bytes.length === 0) return undefined;
  const contentType = call.headers['content-type'];
  if (contentType === undefined || !JSON_TYPE.test(contentType)) {
    throw new GraphHttpError(
      415,
      'UnsupportedMediaType',
      `The request body must be JSON with Content-Type 'application/json', got '${contentType ?? 'none'}'.`,
    );
  }
  try {
    return JSON.parse(body.bytes.toString('utf8')) as unknown;
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
}

function withContentType(response: SimResponse): SimResponse {
  if (response.body === undefined) return response;
  const headers = response.headers ?? {};
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  return hasType ? response : { ...response, headers: { ...headers, 'Content-Type': JSON_CONTENT_TYPE } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Splits `/path?query` into the percent-decoded path and the raw query; undecodable segments stay as sent. */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQuery = q === -1 ? '' : target.slice(q + 1);
  const path = rawPath
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
  return { path: path.startsWith('/') ? path : `/${path}`, rawQuery };
}
