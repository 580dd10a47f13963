import type { UnknownCallOptionsResolvers } from '../generated/graphql.js';
import { rawOdataType } from './odataType.js';

export const UnknownCallOptions: UnknownCallOptionsResolvers = {
  odataType: (options) => rawOdataType(options),
};
