import type { CallRecordParticipantBaseResolvers } from '../generated/graphql.js';
import { odataTypeName } from './odataType.js';

export const CallRecordParticipantBase: CallRecordParticipantBaseResolvers = {
  __resolveType: (participant) => (odataTypeName(participant) === 'organizer' ? 'CallRecordOrganizer' : 'CallRecordParticipant'),
};
