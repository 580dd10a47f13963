import type { IdentitySetResolvers } from '../generated/graphql.js';
import type { GraphIdentity } from '../graph/types.js';

/**
 * Graph often fills the unused slots of an identity set with `null` or with an empty identity that carries only
 * `@odata.type`; both read as "no identity of this kind".
 */
function present(identity: GraphIdentity | null | undefined): GraphIdentity | null {
  if (typeof identity !== 'object' || identity === null) return null;
  const hasData = Object.entries(identity).some(([key, value]) => !key.startsWith('@odata.') && value !== null && value !== undefined);
  return hasData ? identity : null;
}

export const IdentitySet: IdentitySetResolvers = {
  user: (set) => present(set.user),
  application: (set) => present(set.application),
  device: (set) => present(set.device),
  applicationInstance: (set) => present(set.applicationInstance),
  phone: (set) => present(set.phone),
  guest: (set) => present(set.guest),
  encrypted: (set) => present(set.encrypted),
  onPremises: (set) => present(set.onPremises),
  assertedIdentity: (set) => present(set.assertedIdentity),
  azureCommunicationServicesUser: (set) => present(set.azureCommunicationServicesUser),
};
