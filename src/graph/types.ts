/**
 * Microsoft Graph wire types: the JSON shapes Graph returns for calls and call records, as the resolvers receive
 * them (they are the codegen mappers of the GraphQL types, see codegen.yml).
 *
 * Every property is optional and nullable because Graph mixes omitted keys and explicit nulls (and `$select`
 * drops unselected ones). Enum-valued properties are plain strings: Graph adds values over time, and the schema's
 * enum handling (src/schema/enums.ts) maps what it does not know. Types that are OData open types, or that Graph
 * extends in practice, accept extra keys.
 */

/** Extra keys Graph may send on open types (beta-only properties in v1.0 responses, `@odata.context`, ...). */
export interface GraphOpenType {
  [key: string]: unknown;
}

/** A value of a polymorphic Graph type; `@odata.type` names the concrete type, e.g. `#microsoft.graph.identity`. */
export interface GraphTyped {
  '@odata.type'?: string | null;
}

/** A wire enum value: one of Graph's camelCase member names, or a value added after this gateway was written. */
export type GraphEnumValue = string;

/** One page of a Graph collection. */
export interface GraphCollectionPage<T> {
  value: T[];
  '@odata.nextLink'?: string | null;
  '@odata.context'?: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Identities

/**
 * Any identity (`identity` and its communications subtypes, `callRecords.userIdentity`, ...). Graph types every
 * identity-set slot as plain `identity`, so one wire type carries the properties of every kind.
 */
export interface GraphIdentity extends GraphTyped, GraphOpenType {
  id?: string | null;
  displayName?: string | null;
  /** communicationsUserIdentity, communicationsApplicationInstanceIdentity; often added to plain identities. */
  tenantId?: string | null;
  /** callRecords.userIdentity / microsoft.graph.userIdentity. */
  userPrincipalName?: string | null;
  /** communicationsApplicationIdentity. */
  applicationType?: string | null;
  /** communicationsApplicationIdentity, communicationsApplicationInstanceIdentity. */
  hidden?: boolean | null;
  /** communicationsGuestIdentity. */
  email?: string | null;
  /** azureCommunicationServicesUserIdentity. */
  azureCommunicationServicesResourceId?: string | null;
}

/** identitySet / communicationsIdentitySet (open type: undocumented slots such as `acsUser` appear). */
export interface GraphIdentitySet extends GraphTyped, GraphOpenType {
  user?: GraphIdentity | null;
  application?: GraphIdentity | null;
  device?: GraphIdentity | null;
  applicationInstance?: GraphIdentity | null;
  phone?: GraphIdentity | null;
  guest?: GraphIdentity | null;
  encrypted?: GraphIdentity | null;
  onPremises?: GraphIdentity | null;
  assertedIdentity?: GraphIdentity | null;
  azureCommunicationServicesUser?: GraphIdentity | null;
  endpointType?: GraphEnumValue | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

export interface GraphParticipantInfo extends GraphTyped {
  countryCode?: string | null;
  endpointType?: GraphEnumValue | null;
  identity?: GraphIdentitySet | null;
  languageId?: string | null;
  participantId?: string | null;
  region?: string | null;
}

/** invitationParticipantInfo (open type: transfer examples add `endpointType`, `languageId`, `region`). */
export interface GraphInvitationParticipantInfo extends GraphTyped, GraphOpenType {
  identity?: GraphIdentitySet | null;
  replacesCallId?: string | null;
  hidden?: boolean | null;
  participantId?: string | null;
  removeFromDefaultAudioRoutingGroup?: boolean | null;
}

export interface GraphMediaInfo extends GraphTyped {
  uri?: string | null;
  resourceId?: string | null;
}

/** mediaConfig: `appHostedMediaConfig` (blob) or `serviceHostedMediaConfig` (preFetchMedia), told by `@odata.type`. */
export interface GraphMediaConfig extends GraphTyped, GraphOpenType {
  blob?: string | null;
  preFetchMedia?: GraphMediaInfo[] | null;
}

/** meetingInfo: organizer / token / joinMeetingId variants, told by `@odata.type`. */
export interface GraphMeetingInfo extends GraphTyped, GraphOpenType {
  organizer?: GraphIdentitySet | null;
  /** Undeclared, but sent by Graph's examples on organizerMeetingInfo. */
  allowConversationWithoutHost?: boolean | null;
  token?: string | null;
  joinMeetingId?: string | null;
  passcode?: string | null;
}

/** callOptions: `outgoingCallOptions` or `incomingCallOptions`, told by `@odata.type`. */
export interface GraphCallOptions extends GraphTyped {
  hideBotAfterEscalation?: boolean | null;
  isContentSharingNotificationEnabled?: boolean | null;
  isDeltaRosterEnabled?: boolean | null;
  isInteractiveRosterEnabled?: boolean | null;
}

export interface GraphChatInfo extends GraphTyped {
  threadId?: string | null;
  messageId?: string | null;
  replyChainMessageId?: string | null;
}

/** resultInfo. Some Graph examples send code/subcode as strings, and `subCode` instead of `subcode`. */
export interface GraphResultInfo extends GraphTyped {
  code?: number | string | null;
  subcode?: number | string | null;
  subCode?: number | string | null;
  message?: string | null;
}

export interface GraphToneInfo extends GraphTyped {
  sequenceId?: number | null;
  tone?: GraphEnumValue | null;
}

export interface GraphCallMediaState extends GraphTyped {
  audio?: GraphEnumValue | null;
}

export interface GraphCallTranscriptionInfo extends GraphTyped {
  state?: GraphEnumValue | null;
  lastModifiedDateTime?: string | null;
}

export interface GraphCallRoute extends GraphTyped {
  final?: GraphIdentitySet | null;
  original?: GraphIdentitySet | null;
  routingType?: GraphEnumValue | null;
}

export interface GraphIncomingContext extends GraphTyped {
  sourceParticipantId?: string | null;
  observedParticipantId?: string | null;
  onBehalfOf?: GraphIdentitySet | null;
  transferor?: GraphIdentitySet | null;
}

/** call (entity, open type: v1.0 responses carry beta-only properties such as `ringingTimeoutInSeconds`). */
export interface GraphCall extends GraphTyped, GraphOpenType {
  id?: string | null;
  callbackUri?: string | null;
  callChainId?: string | null;
  callOptions?: GraphCallOptions | null;
  callRoutes?: GraphCallRoute[] | null;
  chatInfo?: GraphChatInfo | null;
  direction?: GraphEnumValue | null;
  incomingContext?: GraphIncomingContext | null;
  mediaConfig?: GraphMediaConfig | null;
  mediaState?: GraphCallMediaState | null;
  meetingInfo?: GraphMeetingInfo | null;
  myParticipantId?: string | null;
  requestedModalities?: GraphEnumValue[] | null;
  resultInfo?: GraphResultInfo | null;
  source?: GraphParticipantInfo | null;
  state?: GraphEnumValue | null;
  subject?: string | null;
  targets?: GraphInvitationParticipantInfo[] | null;
  tenantId?: string | null;
  toneInfo?: GraphToneInfo | null;
  transcription?: GraphCallTranscriptionInfo | null;
  /**
   * Contained collections Graph never returns inline on a call GET: the gateway puts the latest roster and
   * operations here when it knows them from the call's notifications (src/live/).
   */
  participants?: GraphParticipant[] | null;
  operations?: GraphCommsOperation[] | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Call records (namespace microsoft.graph.callRecords)

/** A stream of a participant in a live call's roster (`mediaStream`, not the call-record type of the same name). */
export interface GraphRosterMediaStream extends GraphTyped {
  direction?: GraphEnumValue | null;
  label?: string | null;
  mediaType?: GraphEnumValue | null;
  serverMuted?: boolean | null;
  sourceId?: string | null;
}

/** recordingInfo of a roster participant. */
export interface GraphRecordingInfo extends GraphTyped {
  initiator?: GraphIdentitySet | null;
  recordingStatus?: GraphEnumValue | null;
}

/** removedState of a roster participant. */
export interface GraphRemovedState extends GraphTyped {
  reason?: string | null;
}

/** onlineMeetingRestricted: each property a flags enum, comma-separated on the wire (`watermarkProtection`). */
export interface GraphOnlineMeetingRestricted extends GraphTyped {
  contentSharingDisabled?: GraphEnumValue | null;
  videoDisabled?: GraphEnumValue | null;
}

/** A member of a live call's roster (`participant`): GET .../participants, and roster notifications. */
export interface GraphParticipant extends GraphTyped {
  id?: string | null;
  info?: GraphParticipantInfo | null;
  isInLobby?: boolean | null;
  isMuted?: boolean | null;
  mediaStreams?: GraphRosterMediaStream[] | null;
  metadata?: string | null;
  recordingInfo?: GraphRecordingInfo | null;
  removedState?: GraphRemovedState | null;
  restrictedExperience?: GraphOnlineMeetingRestricted | null;
  rosterSequenceNumber?: number | null;
}

/**
 * A call-control operation (`commsOperation` and its subtypes, told by `@odata.type`): what an action answers
 * and what its completion notification carries. `status` casing varies on the wire (`Running`, `completed`).
 */
export interface GraphCommsOperation extends GraphTyped, GraphOpenType {
  id?: string | null;
  status?: GraphEnumValue | null;
  clientContext?: string | null;
  resultInfo?: GraphResultInfo | null;
  /** recordOperation */
  recordingLocation?: string | null;
  recordingAccessToken?: string | null;
  /** sendDtmfTonesOperation */
  completionReason?: GraphEnumValue | null;
  /** inviteParticipantsOperation */
  participants?: GraphInvitationParticipantInfo[] | null;
}

export interface GraphAdministrativeUnitInfo {
  id?: string | null;
}

/** callRecords.participant and callRecords.organizer (both derive participantBase). */
export interface GraphCallRecordParticipant extends GraphTyped, GraphOpenType {
  id?: string | null;
  identity?: GraphIdentitySet | null;
  administrativeUnitInfos?: GraphAdministrativeUnitInfo[] | null;
}

export interface GraphFailureInfo {
  reason?: string | null;
  stage?: GraphEnumValue | null;
}

export interface GraphUserFeedback {
  rating?: GraphEnumValue | null;
  text?: string | null;
  /** An open bag of feedback tokens; not exposed. */
  tokens?: Record<string, unknown> | null;
}

/** userAgent: `clientUserAgent` or `serviceUserAgent`, told by `@odata.type`. */
export interface GraphUserAgent extends GraphTyped {
  applicationVersion?: string | null;
  headerValue?: string | null;
  azureADAppId?: string | null;
  communicationServiceId?: string | null;
  platform?: GraphEnumValue | null;
  productFamily?: GraphEnumValue | null;
  role?: GraphEnumValue | null;
}

/** endpoint: `participantEndpoint` or `serviceEndpoint`, told by `@odata.type`. */
export interface GraphEndpoint extends GraphTyped {
  userAgent?: GraphUserAgent | null;
  associatedIdentity?: GraphIdentity | null;
  cpuCoresCount?: number | null;
  cpuName?: string | null;
  cpuProcessorSpeedInMhz?: number | null;
  feedback?: GraphUserFeedback | null;
  /** Deprecated by Graph in favour of associatedIdentity. */
  identity?: GraphIdentitySet | null;
  name?: string | null;
}

export interface GraphDeviceInfo {
  captureDeviceDriver?: string | null;
  captureDeviceName?: string | null;
  captureNotFunctioningEventRatio?: number | null;
  /** Sic: Graph's spelling. */
  cpuInsufficentEventRatio?: number | null;
  deviceClippingEventRatio?: number | null;
  deviceGlitchEventRatio?: number | null;
  howlingEventCount?: number | null;
  initialSignalLevelRootMeanSquare?: number | null;
  lowSpeechLevelEventRatio?: number | null;
  lowSpeechToNoiseEventRatio?: number | null;
  micGlitchRate?: number | null;
  receivedNoiseLevel?: number | null;
  receivedSignalLevel?: number | null;
  renderDeviceDriver?: string | null;
  renderDeviceName?: string | null;
  renderMuteEventRatio?: number | null;
  renderNotFunctioningEventRatio?: number | null;
  renderZeroVolumeEventRatio?: number | null;
  sentNoiseLevel?: number | null;
  sentSignalLevel?: number | null;
  speakerGlitchRate?: number | null;
}

export interface GraphNetworkInfo {
  bandwidthLowEventRatio?: number | null;
  basicServiceSetIdentifier?: string | null;
  connectionType?: GraphEnumValue | null;
  delayEventRatio?: number | null;
  dnsSuffix?: string | null;
  ipAddress?: string | null;
  linkSpeed?: number | null;
  macAddress?: string | null;
  networkTransportProtocol?: GraphEnumValue | null;
  port?: number | null;
  receivedQualityEventRatio?: number | null;
  reflexiveIPAddress?: string | null;
  relayIPAddress?: string | null;
  relayPort?: number | null;
  sentQualityEventRatio?: number | null;
  subnet?: string | null;
  traceRouteHops?: unknown[] | null;
  wifiBand?: GraphEnumValue | null;
  wifiBatteryCharge?: number | null;
  wifiChannel?: number | null;
  wifiMicrosoftDriver?: string | null;
  wifiMicrosoftDriverVersion?: string | null;
  wifiRadioType?: GraphEnumValue | null;
  wifiSignalStrength?: number | null;
  wifiVendorDriver?: string | null;
  wifiVendorDriverVersion?: string | null;
}

/** mediaStream. Durations are ISO 8601 strings (`PT0.02S`); Int64 counters arrive as JSON numbers. */
export interface GraphMediaStream {
  streamId?: string | null;
  streamDirection?: GraphEnumValue | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  audioCodec?: GraphEnumValue | null;
  videoCodec?: GraphEnumValue | null;
  averageAudioDegradation?: number | null;
  averageAudioNetworkJitter?: string | null;
  averageBandwidthEstimate?: number | null;
  averageFreezeDuration?: string | null;
  averageJitter?: string | null;
  averagePacketLossRate?: number | null;
  averageRatioOfConcealedSamples?: number | null;
  averageReceivedFrameRate?: number | null;
  averageRoundTripTime?: string | null;
  averageVideoFrameLossPercentage?: number | null;
  averageVideoFrameRate?: number | null;
  averageVideoPacketLossRate?: number | null;
  isAudioForwardErrorCorrectionUsed?: boolean | null;
  lowFrameRateRatio?: number | null;
  lowVideoProcessingCapabilityRatio?: number | null;
  maxAudioNetworkJitter?: string | null;
  maxJitter?: string | null;
  maxPacketLossRate?: number | null;
  maxRatioOfConcealedSamples?: number | null;
  maxRoundTripTime?: string | null;
  packetUtilization?: number | null;
  postForwardErrorCorrectionPacketLossRate?: number | null;
  rmsFreezeDuration?: string | null;
  wasMediaBypassed?: boolean | null;
}

export interface GraphMedia {
  label?: string | null;
  callerDevice?: GraphDeviceInfo | null;
  calleeDevice?: GraphDeviceInfo | null;
  callerNetwork?: GraphNetworkInfo | null;
  calleeNetwork?: GraphNetworkInfo | null;
  streams?: GraphMediaStream[] | null;
}

export interface GraphSegment {
  id?: string | null;
  caller?: GraphEndpoint | null;
  callee?: GraphEndpoint | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  failureInfo?: GraphFailureInfo | null;
  media?: GraphMedia[] | null;
}

export interface GraphSession extends GraphOpenType {
  id?: string | null;
  caller?: GraphEndpoint | null;
  callee?: GraphEndpoint | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  failureInfo?: GraphFailureInfo | null;
  modalities?: GraphEnumValue[] | null;
  isTest?: boolean | null;
  /** Present only with `$expand=segments`. */
  segments?: GraphSegment[] | null;
  'segments@odata.nextLink'?: string | null;
}

/** callRecords.callRecord (`organizer`/`participants` are Graph's deprecated forms of organizer_v2/participants_v2). */
export interface GraphCallRecord extends GraphTyped, GraphOpenType {
  id?: string | null;
  version?: number | null;
  type?: GraphEnumValue | null;
  modalities?: GraphEnumValue[] | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  lastModifiedDateTime?: string | null;
  joinWebUrl?: string | null;
  organizer_v2?: GraphCallRecordParticipant | null;
  /** Present only with `$expand=participants_v2`; further pages at `participants_v2@odata.nextLink`. */
  participants_v2?: GraphCallRecordParticipant[] | null;
  'participants_v2@odata.nextLink'?: string | null;
  /** Present only with `$expand=sessions`; further pages at `sessions@odata.nextLink`. */
  sessions?: GraphSession[] | null;
  'sessions@odata.nextLink'?: string | null;
  /** Deprecated by Graph (data stops 2026-06-30). */
  organizer?: GraphIdentitySet | null;
  /** Deprecated by Graph (data stops 2026-06-30). */
  participants?: GraphIdentitySet[] | null;
}
