import { afterEach } from 'vitest';
import { createGraphResources } from '../../src/resources/index.js';
import {
  GraphHttpError,
  type GraphResources,
  type GraphVersion,
  type ResourceOptions,
  type Route,
  type SimRequest,
  type SimResponse,
} from '../../src/types.js';

export const BASE = 'https://127.0.0.1:8443';

/**
 * Call once per test file: returns a maker of resources (the given options over the defaults), each
 * closed after the test that made it so no state-transition timer outlives its test.
 */
export function resourcesPerTest(defaults: ResourceOptions): (overrides?: Partial<ResourceOptions>) => GraphResources {
  let open: GraphResources[] = [];
  afterEach(() => {
    for (const resources of open) resources.close();
    open = [];
  });
  return (overrides = {}) => {
    const resources = createGraphResources({ ...defaults, ...overrides });
    open.push(resources);
    return resources;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const ALL_ROLES = [
  'CallRecords.Read.All',
  'Calls.Initiate.All',
  'Calls.InitiateGroupCall.All',
  'Calls.JoinGroupCall.All',
  'Calls.JoinGroupCallAsGuest.All',
  'Calls.AccessMedia.All',
];

export interface SendOptions {
  body?: unknown;
  headers?: Record<string, string>;
  version?: GraphVersion;
  roles?: readonly string[];
  appId?: string;
}

export interface Sent {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> & { value?: Record<string, unknown>[] };
  route?: Route;
  throttleKeys?: readonly string[];
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] as string;
    const actual = s[i] as string;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      if (actual === '') return undefined;
      params[seg.slice(1, -1)] = actual;
    } else if (seg !== actual) return undefined;
  }
  return params;
}

export function buildRequest(method: string, url: string, options: SendOptions = {}): SimRequest {
  const version = options.version ?? 'v1.0';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  return {
    method,
    path: decodeURIComponent(rawPath),
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    body: options.body,
    version,
    baseUrl: `${BASE}/${version}`,
    app: { appId: options.appId ?? 'app-1', tenantId: 'tenant-1', roles: options.roles ?? ALL_ROLES },
  };
}

/**
 * Dispatches like the platform does, minus HTTP: the most specific matching route, a 403 when the app holds none
 * of the route's roles, and a Graph error envelope for a thrown `GraphHttpError`.
 */
export async function send(routes: readonly Route[], method: string, url: string, options: SendOptions = {}): Promise<Sent> {
  const req = buildRequest(method, url.replace(/^https:\/\/127\.0\.0\.1:8443\/(v1\.0|beta)/, ''), options);
  const candidates = routes
    .map((route) => ({ route, params: route.method === method ? match(route.pattern, req.path) : undefined }))
    .filter((c): c is { route: Route; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => Object.keys(a.params).length - Object.keys(b.params).length);
  const found = candidates[0];
  if (!found) return { status: 404, headers: {}, body: { error: { code: 'noRoute', message: `${method} ${req.path}` } } };
  const { route, params } = found;
  if (!route.anyOfRoles.some((r) => req.app.roles.includes(r))) {
    return { status: 403, headers: {}, body: { error: { code: 'Authorization_RequestDenied', message: 'roles' } }, route };
  }
  const throttleKeys = route.throttleKeys(req, params);
  try {
    const res: SimResponse = await route.handle(req, params);
    return { status: res.status, headers: res.headers ?? {}, body: (res.body ?? {}) as Sent['body'], route, throttleKeys };
  } catch (err) {
    if (err instanceof GraphHttpError) {
      return { status: err.status, headers: err.headers, body: { error: { code: err.code, message: err.message } }, route, throttleKeys };
    }
    throw err;
  }
}

export function errorOf(sent: Sent): { code: string; message: string } {
  return sent.body['error'] as { code: string; message: string };
}

/** Follows `@odata.nextLink` until the last page and returns every item. */
export async function collect(
  routes: readonly Route[],
  url: string,
  options: SendOptions = {},
): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const res = await send(routes, 'GET', next, options);
    if (res.status !== 200) throw new Error(`page ${pages} answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...(res.body.value ?? []));
    next = res.body['@odata.nextLink'] as string | undefined;
    pages++;
    if (pages > 10_000) throw new Error('too many pages');
  }
  return { items, pages };
}
