import type { UnknownEndpointResolvers } from '../generated/graphql.js';
import { rawOdataType } from './odataType.js';

export const UnknownEndpoint: UnknownEndpointResolvers = {
  odataType: (endpoint) => rawOdataType(endpoint),
};
