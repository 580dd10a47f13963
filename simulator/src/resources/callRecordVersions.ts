/**
 * A call record's later version, as Graph produces one when more of the call's data arrives: the record gains a
 * session (or only its data moves), `version` goes up by one and `lastModifiedDateTime` moves to now. Reached from the
 * control surface (`POST /_simulator/callRecords/{id}/version`) so that tests and users can watch a gateway notice.
 */
import { newId } from './callModel.js';
import { notFound } from './errors.js';
import type { CallRecordStore, Json, StoredCallRecord } from './store.js';
import type { NewVersion, VersionChange } from '../types.js';

export function bumpCallRecordVersion(records: CallRecordStore, id: string, now: Date, change: VersionChange = {}): NewVersion {
  const stored = records.get(id);
  if (!stored) throw notFound(`The call record '${id}' was not found.`);
  const previous = typeof stored.record['version'] === 'number' ? stored.record['version'] : 0;
  const earlier = stored.sessions();
  const sessions = change.addSession === false || earlier.length === 0 ? earlier : [...earlier, copySession(earlier.at(-1) as Json)];
  // Never before the last version's instant, even with a simulator clock set in the past.
  const lastModified = new Date(Math.max(now.getTime(), Date.parse(String(stored.record['lastModifiedDateTime'])) + 1 || 0));
  const next: StoredCallRecord = {
    ...stored,
    record: { ...stored.record, version: previous + 1, lastModifiedDateTime: lastModified.toISOString() },
    sessions: () => sessions,
  };
  records.merge([next]);
  return { id, version: previous + 1, lastModifiedDateTime: lastModified.toISOString(), sessions: sessions.length };
}

/** Another leg of the call: the last session's shape with ids of its own. */
function copySession(session: Json): Json {
  const copy = structuredClone(session);
  copy['id'] = newId();
  if (Array.isArray(copy['segments'])) copy['segments'] = (copy['segments'] as Json[]).map((segment) => ({ ...segment, id: newId() }));
  return copy;
}
