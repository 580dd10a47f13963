import type { CallOptionsResolvers } from '../generated/graphql.js';
import { odataTypeName } from './odataType.js';

export const CallOptions: CallOptionsResolvers = {
  __resolveType: (options) => {
    switch (odataTypeName(options)) {
      case 'outgoingcalloptions':
        return 'OutgoingCallOptions';
      case 'incomingcalloptions':
        return 'IncomingCallOptions';
      default:
        return 'UnknownCallOptions';
    }
  },
};
