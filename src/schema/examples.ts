/**
 * The example operations shown in the README and preloaded in Apollo Sandbox in development.
 * Keep them runnable: the end-to-end tests execute every one of them.
 */
export const EXAMPLE_OPERATIONS = `# Recent call records with their organizer and participants.
query RecentCallRecords($since: DateTime) {
  callRecords(filter: { startDateTime: { gte: $since } }, first: 5) {
    edges {
      cursor
      node {
        id
        type
        startDateTime
        endDateTime
        modalities
        organizer { identity { user { id displayName } phone { id } } }
        participants { identity { user { id displayName } guest { displayName } phone { id } } }
        sessions { id modalities segments { id media { label } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}

# The next page: the same filter, and the endCursor of the previous page as after.
query NextCallRecords($since: DateTime, $after: String) {
  callRecords(filter: { startDateTime: { gte: $since } }, first: 5, after: $after) {
    nodes { id startDateTime type }
    pageInfo { hasNextPage endCursor }
  }
}

# One call, by id (ids come from createCall or the calls query).
query OneCall($id: ID!) {
  call(id: $id) {
    id
    state
    direction
    subject
    source { identity { application { id displayName } } }
    targets { identity { user { id displayName } } }
    mediaConfig { __typename }
  }
}

# A peer-to-peer call to a Teams user with service-hosted media. Without a callbackUri, Graph calls the gateway
# back, so WatchCall can follow it.
mutation PlaceCall {
  createCall(input: {
    requestedModalities: [AUDIO]
    targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5", displayName: "John" } } }]
    mediaConfig: { serviceHosted: { preFetchMedia: [] } }
  }) {
    id
    state
    myParticipantId
  }
}

# The call's state now, then after each change, until it ends (graphql-ws on this same URL).
subscription WatchCall($id: ID!) {
  callUpdated(id: $id) {
    id
    state
    toneInfo { tone }
    resultInfo { code subcode message }
    participants { id isMuted info { identity { user { id displayName } } } }
    operations { __typename id status clientContext }
  }
}

# Calls arriving for the application.
subscription IncomingCalls {
  incomingCall { id state source { identity { user { id displayName } } } }
}

# PSTN calls and their charges (Decimal strings with Graph's exact digits); to is inclusive for this report.
query PstnCalls($from: DateTime!, $to: DateTime!, $after: String) {
  pstnCalls(from: $from, to: $to, first: 50, after: $after) {
    nodes {
      startDateTime
      duration
      callType
      userPrincipalName
      callerNumber
      calleeNumber
      charge
      connectionCharge
      currency
      operator
      callDurationSource
    }
    pageInfo { hasNextPage endCursor }
  }
}

# Direct Routing calls (to exclusive): failures with their SIP code, and each call's record where Graph has one.
query DirectRoutingCalls($from: DateTime!, $to: DateTime!, $after: String) {
  directRoutingCalls(from: $from, to: $to, first: 50, after: $after) {
    nodes {
      startDateTime
      successfulCall
      finalSipCode
      finalSipCodePhrase
      failureDateTime
      trunkFullyQualifiedDomainName
      callRecord { id type modalities }
    }
    pageInfo { hasNextPage endCursor }
  }
}

# Up to 100 call records by id in one operation (five $batch requests); a missing one is null with NOT_FOUND.
query CallRecordsByIds($ids: [ID!]!) {
  callRecordsByIds(ids: $ids) {
    id
    type
    startDateTime
    endDateTime
    organizer { identity { user { id displayName } } }
  }
}

# Each call record as Graph announces it, after the call ends (later versions: callRecordUpdated).
subscription NewCallRecords {
  callRecordCreated {
    id
    version
    type
    startDateTime
    endDateTime
    participants { id identity { user { id displayName } } }
  }
}
`;
