/**
 * Errors of the token endpoint in Entra ID's shape: `error`, `error_description` starting with the
 * AADSTS code, `error_codes`, `timestamp`, `trace_id`, `correlation_id`.
 */
import { newGuid } from '../wire.js';

export type EntraErrorKind =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_scope'
  | 'invalid_resource'
  | 'unsupported_grant_type'
  | 'invalid_grant';

export class EntraError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: EntraErrorKind,
    /** The AADSTS number, e.g. 7000215. */
    readonly aadsts: number,
    message: string,
  ) {
    super(`AADSTS${aadsts}: ${message}`);
    this.name = 'EntraError';
  }
}

export interface EntraErrorBody {
  error: EntraErrorKind;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

export function entraErrorBody(err: EntraError, origin: string, correlationId: string | undefined): EntraErrorBody {
  const traceId = newGuid();
  const correlation = correlationId ?? newGuid();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error: err.error,
    error_description: `${err.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `${origin}/error?code=${err.aadsts}`,
  };
}
