import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { operationRefused } from './refusal.js';

/**
 * A subscription sent over HTTP is refused with 400 before anything runs, saying where subscriptions go: graphql-ws on
 * this same path. The mirror of subscriptions/admission.ts, which refuses queries and mutations over WebSocket.
 * Without it the operation reached execution and came back as a masked 500.
 */
export function subscriptionsOverHttpPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  // One listener for every request: nothing allocated per operation.
  const listener: GraphQLRequestListener<TContext> = {
    async didResolveOperation({ operation }) {
      if (operation?.operation === 'subscription') {
        throw operationRefused(
          'Subscriptions run over WebSocket (graphql-ws) on this path (ws:// or wss://), not over HTTP; send queries and mutations here.',
        );
      }
    },
  };
  return { requestDidStart: async () => listener };
}
