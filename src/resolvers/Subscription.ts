import type { SubscriptionResolvers } from '../generated/graphql.js';
import type { GraphCall } from '../graph/types.js';
import type { GraphQLResolveInfo } from 'graphql';
import type { GraphCallRecord } from '../graph/types.js';
import type { Loaders } from '../loaders/index.js';
import { callProjection, callRecordProjection } from '../loaders/projection.js';
import { selectionOf } from '../loaders/selection.js';
import { callRecordChanges } from '../subscriptions/callRecordStreams.js';
import { callUpdates, incomingCalls } from '../subscriptions/callStreams.js';
import { checkId } from './arguments.js';

/** Each event is the call itself. */
const asCall = (call: GraphCall): GraphCall => call;
const asCallRecord = (record: GraphCallRecord): GraphCallRecord => record;

/** Reads a notified record with what the subscription selects (and `version`, which deduplication needs), like `Query.callRecord`. */
function recordLoader(info: GraphQLResolveInfo): (loaders: Loaders, id: string) => Promise<GraphCallRecord> {
  const { select, expansions } = callRecordProjection(selectionOf(info));
  const withVersion = select.includes('version') ? select : [...select, 'version'];
  return (loaders, id) => {
    for (const expand of expansions.slice(1)) void loaders.callRecord.load({ id, select: ['id'], expand }).catch(() => undefined);
    return loaders.callRecord.load({ id, select: withVersion, expand: expansions[0] });
  };
}

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
  callRecordCreated: {
    subscribe: (_root, _args, context, info) => callRecordChanges(context, 'created', recordLoader(info)),
    resolve: asCallRecord,
  },
  callRecordUpdated: {
    subscribe: (_root, _args, context, info) => callRecordChanges(context, 'updated', recordLoader(info)),
    resolve: asCallRecord,
  },
};
