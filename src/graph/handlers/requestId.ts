import { randomUUID } from 'node:crypto';
import type { Handler } from '../request.js';

/**
 * Gives every logical request a `client-request-id` GUID, kept across its retries so that Graph's logs,
 * ours and any outcome-unknown error all name the same id.
 */
export function requestIdHandler(newId: () => string = randomUUID): Handler {
  return (ctx, next) => {
    if (ctx.clientRequestId === '') ctx.clientRequestId = newId();
    ctx.headers.set('client-request-id', ctx.clientRequestId);
    return next(ctx);
  };
}
