import type { UnknownCommsOperationResolvers } from '../generated/graphql.js';
import { rawOdataType } from './odataType.js';

export const UnknownCommsOperation: UnknownCommsOperationResolvers = {
  odataType: (operation) => rawOdataType(operation),
};
