/**
 * CORS with an allowlist: only listed origins get `Access-Control-Allow-Origin` (their own origin, never
 * `*`), credentials only when configured, and a preflight from any other origin is refused with 403.
 * Requests without an Origin header (servers, curl) are not CORS requests and pass untouched.
 */
import type http from 'node:http';
import { requestError, sendJson } from './respond.js';

export interface CorsOptions {
  origins: readonly string[];
  credentials: boolean;
}

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id';
const EXPOSED_HEADERS = 'x-request-id';
const PREFLIGHT_MAX_AGE_S = '600';

/**
 * Adds CORS headers for an allowed origin; answers a preflight (OPTIONS with
 * Access-Control-Request-Method) itself. Returns true when the request has been answered.
 */
export function applyCors(options: CorsOptions, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const origin = req.headers.origin;
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  res.setHeader('vary', 'Origin');
  const allowed = origin !== undefined && options.origins.includes(origin);
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    if (options.credentials) res.setHeader('access-control-allow-credentials', 'true');
  }
  if (!preflight) return false;
  if (!allowed) {
    sendJson(res, 403, requestError(`cross-origin requests from ${JSON.stringify(origin ?? '')} are not allowed (CORS_ORIGINS)`));
    return true;
  }
  res.writeHead(204, {
    // A public https page (the hosted Sandbox) calling a gateway on localhost: Chromium's private network access
    // asks the allowed origin's preflight for this too.
    ...(req.headers['access-control-request-private-network'] === 'true' && { 'access-control-allow-private-network': 'true' }),
    'access-control-allow-methods': ALLOWED_METHODS,
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': PREFLIGHT_MAX_AGE_S,
    'content-length': '0',
  });
  res.end();
  return true;
}
