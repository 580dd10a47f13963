import type { EndpointResolvers } from '../generated/graphql.js';
import { hasValue, odataTypeName } from './odataType.js';

/** Properties only a participantEndpoint has: they identify one whose @odata.type is missing. */
const PARTICIPANT_ENDPOINT_KEYS = ['associatedIdentity', 'identity', 'name', 'feedback', 'cpuName', 'cpuCoresCount'];

export const Endpoint: EndpointResolvers = {
  __resolveType: (endpoint) => {
    switch (odataTypeName(endpoint)) {
      case 'participantendpoint':
        return 'ParticipantEndpoint';
      case 'serviceendpoint':
        return 'ServiceEndpoint';
      case undefined:
        return PARTICIPANT_ENDPOINT_KEYS.some((key) => hasValue(endpoint, key)) ? 'ParticipantEndpoint' : 'UnknownEndpoint';
      default:
        return 'UnknownEndpoint';
    }
  },
};
