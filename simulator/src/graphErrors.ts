/**
 * Graph's error envelope: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
 * Every error the simulator answers on a Graph route (handler errors, platform errors, injected faults,
 * unexpected exceptions) is rendered here.
 */
import { GraphHttpError } from './types.js';
import type { SimResponse } from './types.js';
import { graphDate } from './wire.js';
import type { Correlation } from './wire.js';

/** A Graph error whose `innerError` carries extra members (throttling adds `code` and `status`). */
export class GraphErrorWithInner extends GraphHttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string>,
    readonly innerExtras: Readonly<Record<string, string>>,
  ) {
    super(status, code, message, headers);
  }
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: Record<string, string>;
  };
}

export function graphErrorBody(
  code: string,
  message: string,
  correlation: Correlation,
  innerExtras: Readonly<Record<string, string>> = {},
): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: {
        ...innerExtras,
        date: graphDate(),
        'request-id': correlation.requestId,
        ...(correlation.clientRequestId !== undefined ? { 'client-request-id': correlation.clientRequestId } : {}),
      },
    },
  };
}

/**
 * Renders any thrown value as a Graph error response. A GraphHttpError keeps its status, code, message
 * and headers; anything else becomes 500 `generalException` with a fixed message, never a stack.
 */
export function toGraphErrorResponse(err: unknown, correlation: Correlation): SimResponse {
  if (err instanceof GraphHttpError) {
    const extras = err instanceof GraphErrorWithInner ? err.innerExtras : {};
    return {
      status: err.status,
      headers: { ...err.headers },
      body: graphErrorBody(err.code, err.message, correlation, extras),
    };
  }
  return {
    status: 500,
    body: graphErrorBody('generalException', 'An unexpected error occurred while processing the request.', correlation),
  };
}

/** 429 as Graph sends it: `Retry-After` in seconds (decimals allowed) and `innerError.code`/`status` "429". */
export function tooManyRequests(retryAfterSeconds: number): GraphHttpError {
  return new GraphErrorWithInner(
    429,
    'TooManyRequests',
    'Too many requests. The application has exceeded its request limit; retry after the delay in the Retry-After header.',
    { 'Retry-After': formatRetryAfter(retryAfterSeconds) },
    { code: '429', status: '429' },
  );
}

export function serviceUnavailable(retryAfterSeconds: number): GraphHttpError {
  return new GraphHttpError(
    503,
    'serviceNotAvailable',
    'The service is temporarily unavailable. Retry after the delay in the Retry-After header.',
    {
      'Retry-After': formatRetryAfter(retryAfterSeconds),
    },
  );
}

/** 504: the code Graph uses here is not documented; `gatewayTimeout` names the status. */
export function gatewayTimeout(): GraphHttpError {
  return new GraphHttpError(504, 'gatewayTimeout', 'The operation did not complete in the allotted time.');
}

export function invalidAuthenticationToken(message: string): GraphHttpError {
  return new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate': 'Bearer realm="", error="invalid_token", client_id="00000003-0000-0000-c000-000000000000"',
  });
}

export function badRequest(message: string, code = 'BadRequest'): GraphHttpError {
  return new GraphHttpError(400, code, message);
}

/** Seconds with at most three decimals, integers without a fraction: `10`, `2.128`. */
export function formatRetryAfter(seconds: number): string {
  const ms = Math.max(1, Math.ceil(seconds * 1000));
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3).replace(/0+$/, '');
}
