/**
 * Wire types of the call-log report functions (CALLS-LIVE.md 4.2): complex types without keys, every property
 * nullable. Decimals arrive as strings holding Graph's digits (src/graph/decimalJson.ts reads them so).
 */

/** callRecords.pstnCallLogRow (v1.0). */
export interface GraphPstnCallLogRow {
  id?: string | null;
  callId?: string | null;
  userId?: string | null;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  duration?: number | null;
  charge?: string | null;
  connectionCharge?: string | null;
  currency?: string | null;
  callType?: string | null;
  calleeNumber?: string | null;
  callerNumber?: string | null;
  usageCountryCode?: string | null;
  tenantCountryCode?: string | null;
  destinationContext?: string | null;
  destinationName?: string | null;
  conferenceId?: string | null;
  licenseCapability?: string | null;
  inventoryType?: string | null;
  operator?: string | null;
  callDurationSource?: string | null;
}

/** callRecords.directRoutingLogRow (v1.0). */
export interface GraphDirectRoutingLogRow {
  id?: string | null;
  correlationId?: string | null;
  userId?: string | null;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  startDateTime?: string | null;
  inviteDateTime?: string | null;
  failureDateTime?: string | null;
  endDateTime?: string | null;
  duration?: number | null;
  callType?: string | null;
  successfulCall?: boolean | null;
  callerNumber?: string | null;
  calleeNumber?: string | null;
  mediaPathLocation?: string | null;
  signalingLocation?: string | null;
  finalSipCode?: number | null;
  finalSipCodePhrase?: string | null;
  callEndSubReason?: number | null;
  trunkFullyQualifiedDomainName?: string | null;
  mediaBypassEnabled?: boolean | null;
}

/** The Edm.Decimal properties of the rows, read with their exact digits. */
export const REPORT_DECIMAL_PROPERTIES: ReadonlySet<string> = new Set(['charge', 'connectionCharge']);
