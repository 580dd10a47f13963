import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` the gateway puts on an error it raises. Apollo's own codes
 * (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_REQUEST, ...) come on top of these.
 */
export enum GatewayErrorCode {
  /** The operation's arguments are invalid: a bad cursor, filter, id, createCall or call-control input. */
  BadUserInput = 'BAD_USER_INPUT',
  /** The caller sent no bearer token, or one that is invalid, expired, or for another audience or issuer (HTTP 401). */
  Unauthenticated = 'UNAUTHENTICATED',
  /** Graph has no such call, participant or call record (unknown, ended, removed, or older than 30 days). */
  NotFound = 'NOT_FOUND',
  /**
   * The caller's token lacks the gateway role or scope the operation needs (HTTP 403), or Graph refused
   * because the gateway's app registration lacks the permission this field needs.
   */
  Forbidden = 'FORBIDDEN',
  /**
   * Graph throttled the gateway, or its shared Graph budget had no room, and the operation's deadline left no room
   * to wait; retry after `retryAfterSeconds`. A request refused by the budget was never sent.
   */
  Throttled = 'THROTTLED',
  /** Graph failed, timed out or could not be reached after the retries the deadline allowed. */
  UpstreamUnavailable = 'UPSTREAM_UNAVAILABLE',
  /** Graph rejected the gateway's own credentials or token. */
  UpstreamAuthFailed = 'UPSTREAM_AUTH_FAILED',
  /** Graph refused the request for a reason the caller cannot fix (a request the gateway built wrongly). */
  UpstreamRejected = 'UPSTREAM_REJECTED',
  /** Graph says the request conflicts with the resource's current state (e.g. answering a call twice). */
  Conflict = 'CONFLICT',
  /**
   * A non-idempotent request (createCall, a call-control POST) timed out, lost its connection or got a 5xx:
   * Graph may or may not have acted. It is not retried; reconcile with `clientRequestId` before trying again.
   */
  OutcomeUnknown = 'OUTCOME_UNKNOWN',
  /** A WebSocket connection or caller already runs as many subscriptions as the gateway allows; complete one first. */
  TooManySubscriptions = 'TOO_MANY_SUBSCRIPTIONS',
  /** Anything unexpected; details are logged with the request id, never returned. */
  InternalServerError = 'INTERNAL_SERVER_ERROR',
}

/** What a gateway error carries besides its code; all of it is safe to show a caller. */
export interface GatewayErrorDetails {
  /** Graph's `request-id` of the failed upstream request, for support tickets. */
  graphRequestId?: string;
  /** The `client-request-id` the gateway sent, to reconcile with Graph's logs. */
  clientRequestId?: string;
  /** Graph's own error code (e.g. `itemNotFound`), for callers that branch on it. */
  graphErrorCode?: string;
  /** Seconds to wait before retrying, when Graph said so. */
  retryAfterSeconds?: number;
  /** The argument or input field at fault (`input.targets[0].identity`). */
  field?: string;
}

/** A GraphQL error with a gateway code. `extensions` holds only caller-safe values. */
export class GatewayError extends GraphQLError {
  readonly code: GatewayErrorCode;

  /** `cause`, never shown to a caller, is what the masking plugin logs for an INTERNAL_SERVER_ERROR. */
  constructor(code: GatewayErrorCode, message: string, details: GatewayErrorDetails = {}, cause?: Error) {
    const extensions: Record<string, unknown> = { code };
    for (const [key, value] of Object.entries(details)) if (value !== undefined) extensions[key] = value;
    super(message, { extensions, ...(cause ? { originalError: cause } : {}) });
    this.code = code;
    this.name = 'GatewayError';
  }
}

export function badUserInput(message: string, field?: string): GatewayError {
  return new GatewayError(GatewayErrorCode.BadUserInput, message, { field });
}
