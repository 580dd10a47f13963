import type { IdentitySetResolvers } from '../generated/graphql.js';
import type { GraphIdentity } from '../graph/types.js';

/**
 * Graph often fills the unused slots of an identity set with `null` or with an empty identity that carries only
 * `@odata.type`; both read as "no identity of this kind".
 */
export function present(identity: GraphIdentity | null | undefined): GraphIdentity | null {
  if (typeof identity !== 'object' || identity === null) return null;
  // A loop, not Object.entries: this runs for every identity of every participant of a page, and allocates nothing.
  for (const key in identity) {
    const value = (identity as Record<string, unknown>)[key];
    if (value !== null && value !== undefined && !key.startsWith('@odata.')) return identity;
  }
  return null;
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
