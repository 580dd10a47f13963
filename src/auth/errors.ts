import { HeaderMap } from '@apollo/server';
import { GatewayError, GatewayErrorCode } from '../errors/index.js';

/**
 * 401 with `WWW-Authenticate` (RFC 6750). The message says what was wrong with the token, never what
 * the token was.
 */
export function unauthenticated(message: string, tokenPresented: boolean): GatewayError {
  const challenge = tokenPresented ? 'Bearer error="invalid_token"' : 'Bearer';
  const error = new GatewayError(GatewayErrorCode.Unauthenticated, message);
  // Object.assign: router packages in the tree augment the extensions type with another shape of `http`.
  Object.assign(error.extensions, { http: { status: 401, headers: new HeaderMap([['www-authenticate', challenge]]) } });
  return error;
}

/** 403: the caller is known but lacks the role or scope an operation needs. */
export function forbidden(message: string): GatewayError {
  const error = new GatewayError(GatewayErrorCode.Forbidden, message);
  Object.assign(error.extensions, {
    http: { status: 403, headers: new HeaderMap([['www-authenticate', 'Bearer error="insufficient_scope"']]) },
  });
  return error;
}

/** 503: the signing keys could not be fetched, so no token can be judged; the caller may retry. */
export function keysUnavailable(): GatewayError {
  const error = new GatewayError(
    GatewayErrorCode.UpstreamUnavailable,
    'The token could not be validated now: the signing keys are unavailable. Retry shortly.',
  );
  error.extensions['http'] = { status: 503 };
  return error;
}
