import type { GraphEndpoint } from '../endpoint.js';
import type { Handler } from '../request.js';

/**
 * Refuses any URL outside `<graphOrigin>/<version>/`: the gateway calls Graph and nothing else, whatever
 * a path, a nextLink or a cursor says. Runs before auth, so no token is even fetched for a foreign URL.
 */
export function hostGuardHandler(endpoint: GraphEndpoint): Handler {
  return (ctx, next) => (endpoint.contains(ctx.url) ? next(ctx) : Promise.reject(endpoint.refuse(ctx.url.href)));
}
