import type { CommsOperationResolvers, ResolversTypes } from '../generated/graphql.js';
import { odataTypeName } from './odataType.js';

type OperationTypeName = Exclude<Extract<keyof ResolversTypes, `${string}Operation`>, 'CommsOperation'>;

/** Graph's operation subtypes (short names in lower case) and the GraphQL type of each. */
const OPERATION_TYPES: Readonly<Record<string, OperationTypeName>> = {
  playpromptoperation: 'PlayPromptOperation',
  recordoperation: 'RecordOperation',
  senddtmftonesoperation: 'SendDtmfTonesOperation',
  inviteparticipantsoperation: 'InviteParticipantsOperation',
  muteparticipantoperation: 'MuteParticipantOperation',
  unmuteparticipantoperation: 'UnmuteParticipantOperation',
  updaterecordingstatusoperation: 'UpdateRecordingStatusOperation',
  subscribetotoneoperation: 'SubscribeToToneOperation',
  cancelmediaprocessingoperation: 'CancelMediaProcessingOperation',
  addlargegalleryviewoperation: 'AddLargeGalleryViewOperation',
  startholdmusicoperation: 'StartHoldMusicOperation',
  stopholdmusicoperation: 'StopHoldMusicOperation',
};

export const CommsOperation: CommsOperationResolvers = {
  // The abstract `commsOperation`, a missing type or one added later are UnknownCommsOperation.
  __resolveType: (operation) => {
    const name = odataTypeName(operation);
    return (name !== undefined ? OPERATION_TYPES[name] : undefined) ?? 'UnknownCommsOperation';
  },
};
