import type { CallRecordResolvers } from '../generated/graphql.js';
import type { GraphCallRecord } from '../graph/types.js';
import { callRecordProjection } from '../loaders/projection.js';
import { sessionsExpansion } from '../loaders/projection.js';
import { selectionOf } from '../loaders/selection.js';
import { checkId } from './arguments.js';
import { entitySelection } from './entitySelection.js';
import { nullIfNotFound } from './references.js';

/**
 * Graph names the organizer and participants `organizer_v2` / `participants_v2`, and lists call records
 * without sessions or participants: those come from the record's own GET with `$expand`, batched by the
 * loader across every record of the page.
 */
export const CallRecord: CallRecordResolvers = {
  /**
   * A federation reference, through the operation's call-record loader like `Query.callRecord`: K references cost
   * ceil(K/20) `$batch` requests, `$select`ing what the router asked for, the first expansion riding on the GET
   * and any other starting in the same batch window under the key the field resolver below will use.
   */
  __resolveReference(reference, { loaders }, info) {
    const id = checkId(reference.id);
    const { select, expansions } = callRecordProjection(entitySelection(info, 'CallRecord'));
    for (const expand of expansions.slice(1)) void loaders.callRecord.load({ id, select: ['id'], expand }).catch(() => undefined);
    return nullIfNotFound(loaders.callRecord.load({ id, select, expand: expansions[0] }));
  },

  organizer: (record) => record.organizer_v2 ?? null,

  async participants(record, _args, { loaders }) {
    if (Array.isArray(record.participants_v2)) return record.participants_v2;
    const loaded = await loaders.callRecord.load({ id: idOf(record), select: ['id'], expand: 'participants_v2' });
    return loaded.participants_v2 ?? [];
  },

  async sessions(record, _args, { loaders }, info) {
    const withSegments = selectionOf(info).has('segments');
    const sessions = record.sessions;
    if (Array.isArray(sessions) && (!withSegments || sessions.every((s) => Array.isArray(s.segments)))) return sessions;
    const loaded = await loaders.callRecord.load({
      id: idOf(record),
      select: ['id'],
      expand: sessionsExpansion(withSegments),
    });
    return loaded.sessions ?? [];
  },
};

function idOf(record: GraphCallRecord): string {
  if (typeof record.id !== 'string') throw new Error('a call record without an id cannot be expanded');
  return record.id;
}
