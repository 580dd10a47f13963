import type { UnknownUserAgentResolvers } from '../generated/graphql.js';
import { rawOdataType } from './odataType.js';

export const UnknownUserAgent: UnknownUserAgentResolvers = {
  odataType: (agent) => rawOdataType(agent),
};
