import {
  GraphBudgetExhaustedError,
  GraphCircuitOpenError,
  GraphError,
  GraphHostRefusedError,
  GraphOutcomeUnknownError,
  GraphTransportError,
  TokenAcquisitionError,
} from '../graph/index.js';
import { GatewayError, GatewayErrorCode } from './codes.js';

/** How the caller's input relates to the failed request: a Graph 400 is the caller's fault only for writes. */
export interface UpstreamContext {
  /** True when the request body came from the caller's input (createCall), so Graph's 400 is BAD_USER_INPUT. */
  userSuppliedBody?: boolean;
}

/**
 * The one place an upstream failure becomes a GraphQL error: one exhaustive status-to-code decision, and
 * only caller-safe details (Graph's request id, our client-request-id, Graph's error code, Retry-After).
 */
export function toGatewayError(error: unknown, context: UpstreamContext = {}): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof GraphOutcomeUnknownError) {
    return new GatewayError(
      GatewayErrorCode.OutcomeUnknown,
      `Graph may or may not have acted on ${error.method} ${stripQuery(error.path)}: it was not retried to avoid a duplicate. ` +
        `Look for client-request-id ${error.clientRequestId} (e.g. with the calls query or your notifications) before trying again.`,
      { clientRequestId: error.clientRequestId, graphRequestId: error.requestId, graphErrorCode: error.graphError?.code },
    );
  }
  if (error instanceof GraphTransportError) {
    const what =
      error.kind === 'deadline'
        ? 'did not answer within the operation deadline'
        : error.kind === 'timeout'
          ? 'timed out'
          : 'could not be reached';
    return new GatewayError(GatewayErrorCode.UpstreamUnavailable, `Microsoft Graph ${what}.`, { clientRequestId: error.clientRequestId });
  }
  if (error instanceof GraphCircuitOpenError) {
    const retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    return new GatewayError(
      GatewayErrorCode.UpstreamUnavailable,
      `Microsoft Graph is failing: the gateway's circuit to it is open, retry after ${retryAfterSeconds} s.`,
      { clientRequestId: error.clientRequestId, retryAfterSeconds },
    );
  }
  if (error instanceof GraphBudgetExhaustedError) {
    const retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    return new GatewayError(
      GatewayErrorCode.Throttled,
      `Graph's request budget (${error.bucket}) is spent for now across the gateway's replicas; the request was not sent. Retry after ${retryAfterSeconds} s.`,
      { clientRequestId: error.clientRequestId, retryAfterSeconds },
    );
  }
  if (error instanceof GraphHostRefusedError) {
    return new GatewayError(GatewayErrorCode.UpstreamRejected, 'Graph returned a link to a host other than its own; it was not followed.');
  }
  if (error instanceof TokenAcquisitionError) {
    return new GatewayError(
      GatewayErrorCode.UpstreamAuthFailed,
      'The gateway could not obtain a Microsoft Graph token for its app registration.',
    );
  }
  if (error instanceof GraphError) return fromGraphError(error, context);
  return new GatewayError(
    GatewayErrorCode.InternalServerError,
    'Unexpected error.',
    {},
    error instanceof Error ? error : new Error(String(error)),
  );
}

function fromGraphError(error: GraphError, context: UpstreamContext): GatewayError {
  const details = { graphRequestId: error.requestId, clientRequestId: error.clientRequestId, graphErrorCode: error.code };
  const status = error.status;
  if (status === 400 || status === 422) {
    return context.userSuppliedBody
      ? new GatewayError(GatewayErrorCode.BadUserInput, `Graph refused the request: ${error.message}`, details)
      : new GatewayError(GatewayErrorCode.UpstreamRejected, `Graph refused a request the gateway built: ${error.message}`, details);
  }
  if (status === 401) return new GatewayError(GatewayErrorCode.UpstreamAuthFailed, "Graph rejected the gateway's credentials.", details);
  if (status === 403) {
    return new GatewayError(GatewayErrorCode.Forbidden, "The gateway's app registration lacks the Graph permission this needs.", details);
  }
  if (status === 404)
    return new GatewayError(
      GatewayErrorCode.NotFound,
      'Graph has no such resource (unknown id, ended call, or a call record older than 30 days).',
      details,
    );
  if (status === 409 || status === 412)
    return new GatewayError(GatewayErrorCode.Conflict, `Graph reports a conflict: ${error.message}`, details);
  if (status === 429) {
    const retryAfterSeconds = error.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    return new GatewayError(
      GatewayErrorCode.Throttled,
      `Graph is throttling the gateway${retryAfterSeconds ? `; retry after ${retryAfterSeconds} s` : ''}.`,
      { ...details, retryAfterSeconds },
    );
  }
  if (status >= 500) return new GatewayError(GatewayErrorCode.UpstreamUnavailable, `Microsoft Graph failed (HTTP ${status}).`, details);
  return new GatewayError(GatewayErrorCode.UpstreamRejected, `Graph answered HTTP ${status}: ${error.message}`, details);
}

function stripQuery(path: string): string {
  return path.split('?')[0] ?? path;
}
