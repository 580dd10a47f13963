/** Application permissions (token `roles`) the routes ask for, with Graph's canonical spelling (Graph docs: national clouds and permissions). */
export const Permission = {
  CallsInitiate: 'Calls.Initiate.All',
  CallsInitiateGroupCall: 'Calls.InitiateGroupCall.All',
  CallsJoinGroupCall: 'Calls.JoinGroupCall.All',
  CallsJoinGroupCallAsGuest: 'Calls.JoinGroupCallAsGuest.All',
  CallsAccessMedia: 'Calls.AccessMedia.All',
  CallRecordsRead: 'CallRecords.Read.All',
  /** The PSTN and Direct Routing call logs only (least privileged for them; CallRecords.Read.All also grants them). */
  CallRecordPstnCallsRead: 'CallRecord-PstnCalls.Read.All',
} as const;

/** Any calls permission: Graph checks the specific one when the call is created, not on later requests. */
export const ANY_CALLS_PERMISSION: readonly string[] = [
  Permission.CallsInitiate,
  Permission.CallsInitiateGroupCall,
  Permission.CallsJoinGroupCall,
  Permission.CallsJoinGroupCallAsGuest,
  Permission.CallsAccessMedia,
];

/** Permissions that can place or join a call; the variant-specific one is checked by the create handler. */
export const CREATE_CALL_PERMISSIONS: readonly string[] = [
  Permission.CallsInitiate,
  Permission.CallsInitiateGroupCall,
  Permission.CallsJoinGroupCall,
  Permission.CallsJoinGroupCallAsGuest,
];
