import type { CallRecordResolvers } from '../generated/graphql.js';
import type { GraphCallRecord, GraphCallRecordParticipant, GraphSession } from '../graph/types.js';
import { expandedProperty, versionOf } from '../loaders/cachedCallRecords.js';
import type { Loaders } from '../loaders/index.js';
import { callRecordProjection, sessionsExpansion, type CallRecordExpansion } from '../loaders/projection.js';
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
   * A federation reference, through the version-keyed cache like `Query.callRecord`: K references that miss cost
   * ceil(K/20) `$batch` requests of GETs, the first expansion riding on each record's GET and any other beside it.
   */
  __resolveReference(reference, { loaders }, info) {
    const id = checkId(reference.id);
    const { select, expansions } = callRecordProjection(entitySelection(info, 'CallRecord'));
    return nullIfNotFound(loaders.currentCallRecord.load({ id, select, expansions }));
  },

  organizer: (record) => record.organizer_v2 ?? null,

  async participants(record, _args, { loaders }) {
    if (Array.isArray(record.participants_v2)) return record.participants_v2;
    return (await expansion(record, 'participants_v2', loaders)) as GraphCallRecordParticipant[];
  },

  async sessions(record, _args, { loaders }, info) {
    const withSegments = selectionOf(info).has('segments');
    const sessions = record.sessions;
    if (Array.isArray(sessions) && (!withSegments || sessions.every((s) => Array.isArray(s.segments)))) return sessions;
    return (await expansion(record, sessionsExpansion(withSegments), loaders)) as GraphSession[];
  },
};

/**
 * An expansion of a record that came without it (a page of the list): by the record's version through the cache, or
 * (a record Graph answered without a version) by id as before.
 */
async function expansion(record: GraphCallRecord, expand: CallRecordExpansion, loaders: Loaders): Promise<unknown[]> {
  const id = idOf(record);
  const version = versionOf(record);
  if (version !== undefined) return loaders.callRecordExpansion.load({ id, version, expansion: expand });
  const loaded = await loaders.callRecord.load({ id, select: ['id'], expand });
  return loaded[expandedProperty(expand)] ?? [];
}

function idOf(record: GraphCallRecord): string {
  if (typeof record.id !== 'string') throw new Error('a call record without an id cannot be expanded');
  return record.id;
}
