import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '../observability/logger.js';
import { GatewayErrorCode } from './codes.js';

/**
 * Errors are masked by what they are, not by the code they happen to carry. A caller sees an error as it was
 * raised only when it is a deliberate GraphQLError (a GatewayError, Apollo's parse and validation errors, a
 * limit plugin's refusal) with a code of its own. Anything else (a TypeError, a plain Error, a GraphQLError
 * wrapping one, or a GraphQLError without a code, which Apollo would label INTERNAL_SERVER_ERROR) answers
 * "Unexpected error." and is logged once, with the operation's request id, by `unexpectedErrorLogPlugin`.
 */
export const UNEXPECTED_ERROR_MESSAGE = 'Unexpected error.';

/** True when `error` may reach a caller as it is: a GraphQLError with a code of its own that wraps nothing but GraphQLErrors. */
export function isDeliberateError(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  const code = error.extensions['code'];
  return typeof code === 'string' && code !== GatewayErrorCode.InternalServerError && !wrapsForeignError(error);
}

/**
 * graphql-js and Apollo wrap what they catch (a resolver's throw, a parse or coercion error) in a GraphQLError
 * that keeps it as `originalError`; a chain that ends in anything but a GraphQLError was not raised on purpose.
 */
function wrapsForeignError(error: GraphQLError): boolean {
  const original = error.originalError;
  if (original === undefined || original === null || original === error) return false;
  return original instanceof GraphQLError ? wrapsForeignError(original) : true;
}

/** Apollo's `formatError`: deliberate errors pass; anything else becomes "Unexpected error.". It never logs. */
export function maskUnexpectedErrors(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (formatted.extensions?.['code'] !== GatewayErrorCode.InternalServerError && isDeliberateError(error)) return formatted;
  return {
    message: UNEXPECTED_ERROR_MESSAGE,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: GatewayErrorCode.InternalServerError },
  };
}

/**
 * Logs each error `maskUnexpectedErrors` hides, once, with what the caller never sees (its message and
 * stack) and the operation's request id, so a support ticket quoting the request id finds it.
 */
export function unexpectedErrorLogPlugin<TContext extends BaseContext>(options: {
  logger: Pick<Logger, 'error'>;
  requestId(context: TContext): string;
}): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors, operationName }) {
          for (const error of errors) {
            if (isDeliberateError(error)) continue;
            options.logger.error(
              { requestId: options.requestId(contextValue), operationName: operationName ?? null, path: error.path, err: rootCause(error) },
              'unexpected error, answered as "Unexpected error."',
            );
          }
        },
      };
    },
  };
}

/** What was first thrown: graphql-js, Apollo and toGatewayError each wrap it once more. */
function rootCause(error: Error): Error {
  let cause = error;
  for (let depth = 0; depth < 8 && cause instanceof GraphQLError && cause.originalError; depth++) cause = cause.originalError;
  return cause;
}
