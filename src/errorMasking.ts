import type { GraphQLFormattedError } from 'graphql';
import { GatewayErrorCode } from './errors.js';
import type { Logger } from './logger.js';

/** Codes that are safe to show callers as they are; anything else is masked. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(GatewayErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Apollo's formatError: errors with a public code pass through; anything else is logged in full and shown as "Unexpected error.". */
export function createErrorMasker(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) return formatted;
    logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error, path: formatted.path }, 'unexpected error in resolver');
    return {
      message: 'Unexpected error.',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: GatewayErrorCode.InternalServerError },
    };
  };
}
