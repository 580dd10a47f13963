import type { CommunicationsIdentityResolvers } from '../generated/graphql.js';
import { odataTypeName } from './odataType.js';

type IdentityTypeName = ReturnType<CommunicationsIdentityResolvers['__resolveType']>;

/**
 * Concrete identity types by short @odata.type. `userIdentity` exists both in microsoft.graph and in
 * microsoft.graph.callRecords; both are users.
 */
const BY_ODATA_TYPE: Readonly<Record<string, Awaited<IdentityTypeName>>> = {
  communicationsuseridentity: 'CommunicationsUserIdentity',
  useridentity: 'CommunicationsUserIdentity',
  communicationsapplicationidentity: 'CommunicationsApplicationIdentity',
  communicationsapplicationinstanceidentity: 'CommunicationsApplicationInstanceIdentity',
  communicationsphoneidentity: 'CommunicationsPhoneIdentity',
  communicationsguestidentity: 'CommunicationsGuestIdentity',
  communicationsencryptedidentity: 'CommunicationsEncryptedIdentity',
  azurecommunicationservicesuseridentity: 'AzureCommunicationServicesUserIdentity',
};

/** Resolves identities found outside a typed identity-set slot (assertedIdentity, associatedIdentity). */
export const CommunicationsIdentity: CommunicationsIdentityResolvers = {
  __resolveType: (identity) => {
    const name = odataTypeName(identity);
    return (name === undefined ? undefined : BY_ODATA_TYPE[name]) ?? 'Identity';
  },
};
