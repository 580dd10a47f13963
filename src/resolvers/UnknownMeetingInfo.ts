import type { UnknownMeetingInfoResolvers } from '../generated/graphql.js';
import { rawOdataType } from './odataType.js';

export const UnknownMeetingInfo: UnknownMeetingInfoResolvers = {
  odataType: (info) => rawOdataType(info),
};
