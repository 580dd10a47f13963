/**
 * What change notifications for call records call: `evict(id)` drops every cached version of the record from this
 * process and from Redis, and tells the other replicas (Redis pub/sub on `comms:callrecord:evicted`) to drop theirs,
 * so the next `callRecord(id)` anywhere asks Graph instead of waiting out the freshness window. Expansions need no
 * eviction to be correct (they are keyed by version); eviction is about the record's freshness and memory.
 *
 * It never rejects: with Redis down it evicts this process's entries and logs that the shared ones stay until their
 * TTL (other replicas then revalidate when their freshness window ends). The gateway builds one in server.ts
 * (`RunningGateway.callRecordCache`).
 */
export interface CallRecordEviction {
  evict(id: string): Promise<void>;
}
