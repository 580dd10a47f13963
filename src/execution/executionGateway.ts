/**
 * Apollo Server's gateway interface used for its one documented seam for a custom executor: a fixed schema (no
 * supergraph, no polling) and `executor` running each operation. Everything else in Apollo's request pipeline
 * is unchanged: parsing, validation rules, `didResolveOperation` and the other plugin hooks, `willResolveField`
 * (Apollo wraps the schema's resolvers, which the compiled query calls), error formatting and masking, the
 * landing page and the subgraph's `_service`/`_entities` (plain resolvers of the schema).
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { OperationExecutor } from './executor.js';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

export function executionGateway(schema: GraphQLSchema, execute: OperationExecutor): GatewayInterface {
  return {
    // Apollo builds its schema-derived data from this, once; the schema never changes while running.
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () =>
      Promise.resolve({
        executor: (requestContext) =>
          execute({
            document: requestContext.document,
            queryHash: requestContext.queryHash,
            operationName: requestContext.request.operationName ?? undefined,
            variables: requestContext.request.variables,
            contextValue: requestContext.context,
            operationType: requestContext.operation.operation,
            // A router asking for a federated trace gets Apollo's per-field hooks; jit would skip fields it inlines.
            traced: requestContext.request.http?.headers.get('apollo-federation-include-trace') === 'ftv1',
          }),
      }),
    stop: () => Promise.resolve(),
  };
}
