import { GraphHostRefusedError } from '../errors.js';
import type { Handler } from '../pipeline.js';

/**
 * Refuses any URL outside `<graphOrigin>/<version>/`: the gateway calls Graph and nothing else, whatever
 * a path, a nextLink or a cursor says. Runs before auth, so no token is even fetched for a foreign URL.
 */
export function hostGuardHandler(graphOrigin: string, apiVersion: string): Handler {
  const prefix = `/${apiVersion}/`;
  return (ctx, next) => {
    const { url } = ctx;
    if (url.origin !== graphOrigin || url.username !== '' || url.password !== '' || !url.pathname.startsWith(prefix)) {
      return Promise.reject(new GraphHostRefusedError(url.href, `${graphOrigin}${prefix.slice(0, -1)}`));
    }
    return next(ctx);
  };
}
