import type { MeetingInfoResolvers } from '../generated/graphql.js';
import { hasValue, odataTypeName } from './odataType.js';

export const MeetingInfo: MeetingInfoResolvers = {
  __resolveType: (info) => {
    switch (odataTypeName(info)) {
      case 'organizermeetinginfo':
        return 'OrganizerMeetingInfo';
      case 'tokenmeetinginfo':
        return 'TokenMeetingInfo';
      case 'joinmeetingidmeetinginfo':
        return 'JoinMeetingIdMeetingInfo';
      case undefined:
        if (hasValue(info, 'organizer')) return 'OrganizerMeetingInfo';
        if (hasValue(info, 'joinMeetingId')) return 'JoinMeetingIdMeetingInfo';
        if (hasValue(info, 'token')) return 'TokenMeetingInfo';
        return 'UnknownMeetingInfo';
      default:
        return 'UnknownMeetingInfo';
    }
  },
};
