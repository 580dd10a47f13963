import type { UnknownMediaConfigResolvers } from '../generated/graphql.js';
import { rawOdataType } from './odataType.js';

export const UnknownMediaConfig: UnknownMediaConfigResolvers = {
  odataType: (config) => rawOdataType(config),
};
