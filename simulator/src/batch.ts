/**
 * `POST /{version}/$batch` (Graph docs: JSON batching). The whole batch is refused with 400 when its shape is
 * wrong: missing or duplicate ids (case-insensitive), more than 20 requests, absolute or nested `$batch`
 * URLs, a version segment other than the batch's, a body without a Content-Type header, unknown or
 * circular `dependsOn`. Otherwise each item runs through the same pipeline as a top-level request, as the
 * outer request's app, counting against its own throttle buckets; an item whose dependency failed gets 424.
 * The outer answer is 200 with one response per item, in a seeded shuffled order when shuffling is on.
 */
import type { DispatchOutcome, GraphCall, IncomingBody } from './dispatch.js';
import { splitTarget } from './dispatch.js';
import { badRequest, graphErrorBody } from './graphErrors.js';
import type { RequestLogEntry } from './log.js';
import { shuffled } from './random.js';
import type { Random } from './random.js';
import type { GraphVersion, Route, SimRequest, SimResponse } from './types.js';
import { newGuid } from './wire.js';

export const MAX_BATCH_REQUESTS = 20;
const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

export interface BatchRouteDeps {
  dispatch(call: GraphCall): Promise<DispatchOutcome>;
  record(entry: RequestLogEntry): void;
  /** Returns the shuffle's random source, or null to keep request order. */
  shuffleRandom(): Random | null;
}

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: IncomingBody;
  dependsOn: string[];
}

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export function createBatchRoute(deps: BatchRouteDeps): Route {
  return {
    method: 'POST',
    pattern: '/$batch',
    name: '$batch',
    anyOfRoles: [],
    // The outer request counts only against the app's global bucket; its items count against their own.
    throttleKeys: () => [],
    async handle(req) {
      const items = parseBatch(req.body, req.version);
      const order = executionOrder(items);
      const done = new Map<string, BatchItemResponse>();
      for (const item of order) {
        done.set(item.id.toLowerCase(), await runItem(item, req, done, deps));
      }
      const responses = items.map((item) => done.get(item.id.toLowerCase()) as BatchItemResponse);
      const random = deps.shuffleRandom();
      return { status: 200, body: { responses: random ? shuffled(responses, random) : responses } } satisfies SimResponse;
    },
  };
}

async function runItem(
  item: BatchItem,
  outer: SimRequest,
  done: ReadonlyMap<string, BatchItemResponse>,
  deps: BatchRouteDeps,
): Promise<BatchItemResponse> {
  const started = performance.now();
  const { path, rawQuery } = splitTarget(item.url);
  const correlation = {
    requestId: newGuid(),
    ...(item.headers['client-request-id'] !== undefined ? { clientRequestId: item.headers['client-request-id'] } : {}),
  };
  const logPath = `/${outer.version}${path}${rawQuery ? `?${rawQuery}` : ''}`;
  const failed = item.dependsOn.find((dep) => {
    const status = done.get(dep.toLowerCase())?.status ?? 0;
    return status < 200 || status > 299;
  });
  let response: BatchItemResponse;
  let route = 'unmatched';
  let fault: string | undefined;
  if (failed !== undefined) {
    response = {
      id: item.id,
      status: 424,
      headers: {},
      body: graphErrorBody('FailedDependency', `The request depends on request '${failed}', which failed.`, correlation),
    };
  } else {
    const outcome = await deps.dispatch({
      method: item.method,
      path,
      rawQuery,
      headers: item.headers,
      body: item.body,
      version: outer.version,
      baseUrl: outer.baseUrl,
      correlation,
      app: outer.app,
      inBatch: true,
    });
    route = outcome.route;
    fault = outcome.fault;
    // Items never drop: the pipeline only drops top-level requests.
    const r = outcome.kind === 'response' ? outcome.response : { status: 500 };
    response = { id: item.id, status: r.status, headers: { ...(r.headers ?? {}) }, ...(r.body !== undefined ? { body: r.body } : {}) };
  }
  deps.record({
    time: new Date().toISOString(),
    kind: 'batchItem',
    method: item.method,
    path: logPath,
    route,
    status: response.status,
    appId: outer.app.appId,
    requestId: correlation.requestId,
    ...(correlation.clientRequestId !== undefined ? { clientRequestId: correlation.clientRequestId } : {}),
    inBatch: true,
    batchItemId: item.id,
    ...(fault !== undefined ? { fault } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  return response;
}

function parseBatch(body: unknown, version: GraphVersion): BatchItem[] {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { requests?: unknown }).requests)) {
    throw badRequest("Invalid batch payload format: the body must be an object with a 'requests' array.");
  }
  const raw = (body as { requests: unknown[] }).requests;
  if (raw.length === 0) throw badRequest('Invalid batch payload format: the batch contains no requests.');
  if (raw.length > MAX_BATCH_REQUESTS) {
    throw badRequest(`The batch may contain at most ${MAX_BATCH_REQUESTS} requests, got ${raw.length}.`);
  }
  const seen = new Set<string>();
  const items = raw.map((r, i) => {
    const item = parseItem(r, i, version);
    const key = item.id.toLowerCase();
    if (seen.has(key)) throw badRequest(`Batch request ids must be unique (case-insensitive); '${item.id}' appears twice.`);
    seen.add(key);
    return item;
  });
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!seen.has(dep.toLowerCase())) {
        throw badRequest(`Request '${item.id}' depends on '${dep}', which is not a request id in this batch.`);
      }
      if (dep.toLowerCase() === item.id.toLowerCase()) throw badRequest(`Request '${item.id}' depends on itself.`);
    }
  }
  return items;
}

function parseItem(r: unknown, index: number, version: GraphVersion): BatchItem {
  const at = `requests[${index}]`;
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw badRequest(`${at} must be an object.`);
  const o = r as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id === '') throw badRequest(`${at}.id is required and must be a non-empty string.`);
  if (typeof o.method !== 'string' || !METHODS.has(o.method.toUpperCase())) {
    throw badRequest(`${at}.method must be one of ${[...METHODS].join(', ')}, got ${JSON.stringify(o.method)}.`);
  }
  if (typeof o.url !== 'string' || o.url === '') throw badRequest(`${at}.url is required and must be a relative URL.`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(o.url) || o.url.startsWith('//')) {
    throw badRequest(`${at}.url must be relative to the version root, got the absolute URL '${o.url}'.`);
  }
  let url = o.url.startsWith('/') ? o.url : `/${o.url}`;
  // The Graph SDK's BatchRequestContent keeps the version segment (`/v1.0/me`) and its batches work
  // against Graph, so a leading segment naming the batch's own version is accepted and dropped.
  const versioned = /^\/(v1\.0|beta)(?=[/?]|$)/i.exec(url);
  if (versioned) {
    if (versioned[1]?.toLowerCase() !== version) {
      throw badRequest(
        `${at}.url names version '${versioned[1] ?? ''}', but the batch was sent to '${version}'; a batch uses one version.`,
      );
    }
    url = url.slice(versioned[0].length) || '/';
  }
  const pathOnly = url.split('?')[0] ?? '';
  if (/^\/+\$batch\/*$/i.test(pathOnly)) throw badRequest(`${at}.url must not be a nested $batch request.`);
  const headers: Record<string, string> = {};
  if (o.headers !== undefined) {
    if (typeof o.headers !== 'object' || o.headers === null || Array.isArray(o.headers)) {
      throw badRequest(`${at}.headers must be an object of strings.`);
    }
    for (const [name, value] of Object.entries(o.headers)) {
      if (typeof value !== 'string') throw badRequest(`${at}.headers['${name}'] must be a string.`);
      headers[name.toLowerCase()] = value;
    }
  }
  let body: IncomingBody = { kind: 'none' };
  if (o.body !== undefined && o.body !== null) {
    if (headers['content-type'] === undefined) {
      throw badRequest(`${at} has a body, so its headers must include Content-Type.`);
    }
    body = typeof o.body === 'string' ? { kind: 'bytes', bytes: Buffer.from(o.body, 'base64') } : { kind: 'json', value: o.body };
  }
  let dependsOn: string[] = [];
  if (o.dependsOn !== undefined) {
    if (!Array.isArray(o.dependsOn) || o.dependsOn.some((d) => typeof d !== 'string')) {
      throw badRequest(`${at}.dependsOn must be an array of request ids.`);
    }
    dependsOn = o.dependsOn as string[];
  }
  return { id: o.id, method: o.method.toUpperCase(), url, headers, body, dependsOn };
}

/** Items in request order, each after its dependencies; 400 on a cycle. */
function executionOrder(items: readonly BatchItem[]): BatchItem[] {
  const byId = new Map(items.map((i) => [i.id.toLowerCase(), i]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: BatchItem[] = [];
  const visit = (item: BatchItem): void => {
    const key = item.id.toLowerCase();
    const s = state.get(key);
    if (s === 'done') return;
    if (s === 'visiting') throw badRequest(`The dependsOn chain through request '${item.id}' is circular.`);
    state.set(key, 'visiting');
    for (const dep of item.dependsOn) {
      const next = byId.get(dep.toLowerCase());
      if (next) visit(next);
    }
    state.set(key, 'done');
    order.push(item);
  };
  items.forEach(visit);
  return order;
}
