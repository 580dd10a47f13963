import type { UserAgentResolvers } from '../generated/graphql.js';
import { hasValue, odataTypeName } from './odataType.js';

export const UserAgent: UserAgentResolvers = {
  __resolveType: (agent) => {
    switch (odataTypeName(agent)) {
      case 'clientuseragent':
        return 'ClientUserAgent';
      case 'serviceuseragent':
        return 'ServiceUserAgent';
      case undefined:
        if (hasValue(agent, 'role')) return 'ServiceUserAgent';
        if (hasValue(agent, 'platform') || hasValue(agent, 'productFamily')) return 'ClientUserAgent';
        return 'UnknownUserAgent';
      default:
        return 'UnknownUserAgent';
    }
  },
};
