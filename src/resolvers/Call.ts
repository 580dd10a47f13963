import type { CallResolvers } from '../generated/graphql.js';
import { callProjection } from '../loaders/projection.js';
import { checkId } from './arguments.js';
import { entitySelection } from './entitySelection.js';
import { nullIfNotFound } from './references.js';

/** Call is a federation entity keyed by `id`; most fields are Graph's JSON under default resolvers. */
export const Call: CallResolvers = {
  // Through the operation's call loader: K references cost ceil(K/20) `$batch` requests, selecting what the router asked for.
  __resolveReference: (reference, { loaders }, info) =>
    nullIfNotFound(loaders.call.load({ id: checkId(reference.id), select: callProjection(entitySelection(info, 'Call')) })),
  // A roster the gateway already holds (from roster notifications) costs nothing; otherwise one batched GET per call.
  participants: (call, _args, { loaders }) => {
    if (Array.isArray(call.participants)) return call.participants;
    if (typeof call.id !== 'string') return null;
    return loaders.participants.load(checkId(call.id));
  },
  // Graph has no list of a call's operations: only those the gateway saw.
  operations: (call) => (Array.isArray(call.operations) ? call.operations : []),
};
