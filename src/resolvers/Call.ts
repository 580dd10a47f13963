import type { CallResolvers } from '../generated/graphql.js';
import { callProjection } from '../loaders/projection.js';
import { checkId } from './arguments.js';
import { entitySelection } from './entitySelection.js';
import { nullIfNotFound } from './references.js';

/** Call is a federation entity keyed by `id`; everything else is Graph's JSON under default resolvers. */
export const Call: CallResolvers = {
  // Through the operation's call loader: K references cost ceil(K/20) `$batch` requests, selecting what the router asked for.
  __resolveReference: (reference, { loaders }, info) =>
    nullIfNotFound(loaders.call.load({ id: checkId(reference.id), select: callProjection(entitySelection(info, 'Call')) })),
};
