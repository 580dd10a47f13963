import type { CommunicationsUserIdentityResolvers } from '../generated/graphql.js';

/**
 * A user found in an identity set, handed to the router as a reference to the users subgraph's `User` (keyed by
 * the Microsoft Entra object id). No Graph request: the id is already in the identity.
 */
export const CommunicationsUserIdentity: CommunicationsUserIdentityResolvers = {
  user: (identity) => (typeof identity.id === 'string' && identity.id !== '' ? { __typename: 'User', id: identity.id } : null),
};
