/**
 * The event streams behind `callRecordCreated` and `callRecordUpdated`: each change Graph announces (ids only)
 * becomes a fetch of the record with what this subscriber selected, through fresh loaders (so a cache and the
 * shared `$batch` transport serve several subscribers at once), then one event. Graph delivers at least once and
 * may repeat itself: a subscriber gets each record once (`created`) or each version once (`updated`).
 */
import type { GatewayContext } from '../context.js';
import { GatewayError, GatewayErrorCode } from '../errors/index.js';
import type { GraphCallRecord } from '../graph/types.js';
import type { Loaders } from '../loaders/index.js';
import type { CallRecordChange } from '../live/events.js';
import { EventQueue, releasedOnReturn } from './callStreams.js';

export type CallRecordStreamKind = 'created' | 'updated';

/** Records (or versions) remembered per subscriber for deduplication; the oldest are forgotten first. */
export const DEDUPE_CAPACITY = 10_000;
/** A record Graph announced may not be readable yet (CALLS-LIVE.md 0.2): retries of a 404, with doubling waits. */
const NOT_YET_RETRIES = 4;
const NOT_YET_FIRST_WAIT_MS = 500;

/**
 * `created`: a record's first announcement (Graph's `created`), once per record. `updated`: every version not
 * seen before, the first included (Graph's `updated` covers the first sighting too), once per version.
 */
export function callRecordChanges(
  context: GatewayContext,
  kind: CallRecordStreamKind,
  load: (loaders: Loaders, id: string) => Promise<GraphCallRecord>,
): AsyncGenerator<GraphCallRecord> {
  const queue = new EventQueue<CallRecordChange>();
  const unlisten = context.live.callRecords.listen((change) => {
    if (kind === 'updated' || change.changeType === 'created') queue.push(change);
  });
  // A subscriber that leaves stops listening (and fetching) at once, not after the next change.
  return releasedOnReturn(stream(context, kind, load, queue, unlisten), queue, unlisten);
}

async function* stream(
  context: GatewayContext,
  kind: CallRecordStreamKind,
  load: (loaders: Loaders, id: string) => Promise<GraphCallRecord>,
  queue: EventQueue<CallRecordChange>,
  unlisten: () => void,
): AsyncGenerator<GraphCallRecord> {
  // id -> highest version delivered (Map keeps insertion order: the first key is the oldest).
  const delivered = new Map<string, number>();
  try {
    for await (const change of queue.drain()) {
      if (kind === 'created' && delivered.has(change.id)) continue;
      const fetched = await fetchRecord(context, change, load);
      if (fetched === undefined) continue;
      const { record, upstream } = fetched;
      const version = typeof record.version === 'number' ? record.version : 0;
      if ((delivered.get(change.id) ?? -1) >= version && kind === 'updated') continue;
      delivered.delete(change.id);
      delivered.set(change.id, version);
      if (delivered.size > DEDUPE_CAPACITY) delivered.delete(delivered.keys().next().value as string);
      // The event's fields resolve against this context: its Graph view and loaders are the fresh ones.
      Object.assign(context, upstream);
      yield record;
    }
  } finally {
    unlisten();
  }
}

/**
 * The record and the upstream it was read through, or undefined (logged) when it cannot be read: one failed fetch
 * skips that event, not the stream. Each attempt has fresh loaders (a loader keeps its failures).
 */
async function fetchRecord(
  context: GatewayContext,
  change: CallRecordChange,
  load: (loaders: Loaders, id: string) => Promise<GraphCallRecord>,
): Promise<{ record: GraphCallRecord; upstream: Pick<GatewayContext, 'graph' | 'loaders'> } | undefined> {
  for (let attempt = 0; ; attempt++) {
    const upstream = context.freshUpstream();
    try {
      return { record: await load(upstream.loaders, change.id), upstream };
    } catch (error) {
      const notYet = error instanceof GatewayError && error.code === GatewayErrorCode.NotFound && attempt < NOT_YET_RETRIES;
      if (!notYet) {
        context.logger.warn({ err: error, callRecordId: change.id }, 'a notified call record could not be read: event skipped');
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, NOT_YET_FIRST_WAIT_MS * 2 ** attempt));
    }
  }
}
