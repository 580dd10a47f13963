import type { SubscriptionResolvers } from '../generated/graphql.js';
import type { GraphCall } from '../graph/types.js';
import { callProjection } from '../loaders/projection.js';
import { selectionOf } from '../loaders/selection.js';
import { callUpdates, incomingCalls } from '../subscriptions/callStreams.js';
import { checkId } from './arguments.js';

/** Each event is the call itself. */
const asCall = (call: GraphCall): GraphCall => call;

export const Subscription: SubscriptionResolvers = {
  callUpdated: {
    // A call the gateway has not followed is read from Graph once: NOT_FOUND there ends the subscription at once.
    subscribe: (_root, { id }, context, info) =>
      callUpdates(context, checkId(id), () => context.loaders.call.load({ id, select: callProjection(selectionOf(info)) })),
    resolve: asCall,
  },
  incomingCall: {
    subscribe: (_root, _args, context) => incomingCalls(context),
    resolve: asCall,
  },
};
