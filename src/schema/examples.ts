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
