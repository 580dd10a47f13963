import { GraphQLError } from 'graphql';

/** An operation refused before execution for its size: 400 with Apollo's validation code, like graphql-armor's limits. */
export function operationRefused(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}
