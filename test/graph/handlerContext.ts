import type { HandlerContext } from '../../src/graph/request.js';

/** A Graph handler context for a GET of calls at `origin`, as the client builds it before the chain; fields may be overridden. */
export function handlerContext(overrides: Partial<HandlerContext> = {}, origin = 'https://graph.example'): HandlerContext {
  return {
    method: 'GET',
    url: new URL(`${origin}/v1.0/communications/calls`),
    path: '/communications/calls',
    headers: new Headers(),
    body: undefined,
    idempotent: true,
    deadline: undefined,
    signal: undefined,
    maxAttempts: 1,
    caller: undefined,
    clientRequestId: 'c',
    attempt: 1,
    attemptSignal: undefined,
    freshConnection: false,
    ...overrides,
  };
}
