import type { MediaConfigResolvers } from '../generated/graphql.js';
import { hasValue, odataTypeName } from './odataType.js';

export const MediaConfig: MediaConfigResolvers = {
  __resolveType: (config) => {
    switch (odataTypeName(config)) {
      case 'servicehostedmediaconfig':
        return 'ServiceHostedMediaConfig';
      case 'apphostedmediaconfig':
        return 'AppHostedMediaConfig';
      case undefined:
        // Without @odata.type, the variant's own property still tells.
        if (hasValue(config, 'blob')) return 'AppHostedMediaConfig';
        if (hasValue(config, 'preFetchMedia')) return 'ServiceHostedMediaConfig';
        return 'UnknownMediaConfig';
      default:
        // Includes the abstract `microsoft.graph.mediaConfig` that Graph's examples send.
        return 'UnknownMediaConfig';
    }
  },
};
