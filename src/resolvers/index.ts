/**
 * Every resolver of the schema, one module per type. Types missing here use graphql-js's default resolvers,
 * which read the same-named property of Graph's JSON (the codegen mappers in src/graph/types.ts).
 */
import type { Resolvers } from '../generated/graphql.js';
import { DecimalScalar } from '../schema/decimalScalar.js';
import { DateTimeScalar, DurationScalar } from '../schema/scalars.js';
import { Call } from './Call.js';
import { CallOptions } from './CallOptions.js';
import { CallRecord } from './CallRecord.js';
import { CallRecordParticipantBase } from './CallRecordParticipantBase.js';
import { CommsOperation } from './CommsOperation.js';
import { DirectRoutingCall } from './DirectRoutingCall.js';
import { CommunicationsIdentity } from './CommunicationsIdentity.js';
import { CommunicationsUserIdentity } from './CommunicationsUserIdentity.js';
import { Endpoint } from './Endpoint.js';
import { IdentitySet } from './IdentitySet.js';
import { MediaConfig } from './MediaConfig.js';
import { MeetingInfo } from './MeetingInfo.js';
import { Mutation } from './Mutation.js';
import { OnlineMeetingRestricted } from './OnlineMeetingRestricted.js';
import { PstnCall } from './PstnCall.js';
import { Query } from './Query.js';
import { ResultInfo } from './ResultInfo.js';
import { Subscription } from './Subscription.js';
import { UnknownCallOptions } from './UnknownCallOptions.js';
import { UnknownCommsOperation } from './UnknownCommsOperation.js';
import { UnknownEndpoint } from './UnknownEndpoint.js';
import { UnknownMediaConfig } from './UnknownMediaConfig.js';
import { UnknownMeetingInfo } from './UnknownMeetingInfo.js';
import { UnknownUserAgent } from './UnknownUserAgent.js';
import { UserAgent } from './UserAgent.js';

export const resolvers: Resolvers = {
  // Roots
  Query,
  Mutation,
  Subscription,
  // Scalars
  DateTime: DateTimeScalar,
  Duration: DurationScalar,
  Decimal: DecimalScalar,
  // Identities
  IdentitySet,
  CommunicationsIdentity,
  CommunicationsUserIdentity,
  // Calls: an entity (reference resolver), and Graph's polymorphic values, told apart by @odata.type
  Call,
  MediaConfig,
  UnknownMediaConfig,
  MeetingInfo,
  UnknownMeetingInfo,
  CallOptions,
  UnknownCallOptions,
  ResultInfo,
  // Live calls: the roster, and the operations of call-control actions, told apart by @odata.type
  OnlineMeetingRestricted,
  CommsOperation,
  UnknownCommsOperation,
  // Call records
  CallRecord,
  CallRecordParticipantBase,
  Endpoint,
  UnknownEndpoint,
  UserAgent,
  UnknownUserAgent,
  // PSTN and Direct Routing call logs: Graph's placeholder dates as null, a Direct Routing row's call record
  PstnCall,
  DirectRoutingCall,
};
