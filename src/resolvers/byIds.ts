import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput } from '../errors/index.js';
import type { GraphCall, GraphCallRecord } from '../graph/types.js';
import type { Loaders } from '../loaders/index.js';
import { callProjection, callRecordProjection } from '../loaders/projection.js';
import { selectionOf, type SelectionTree } from '../loaders/selection.js';
import { checkId } from './arguments.js';

/** Ids one `callRecordsByIds` or `callsByIds` takes: five `$batch` requests of Graph's 20. */
export const MAX_IDS = 100;

function checkIds(ids: readonly string[]): string[] {
  if (ids.length > MAX_IDS) throw badUserInput(`ids may hold at most ${MAX_IDS} ids, got ${ids.length}`, 'ids');
  return ids.map((id, i) => checkId(id, `ids[${i}]`));
}

/**
 * Call records by id through the operation's loader, with what `tree` selected: the first expansion rides on each
 * record's own GET, any other starts now in the same batch window under the key CallRecord's field resolvers use.
 */
export function loadCallRecords(loaders: Loaders, ids: readonly string[], tree: SelectionTree): Promise<Array<GraphCallRecord | Error>> {
  const { select, expansions } = callRecordProjection(tree);
  for (const expand of expansions.slice(1)) {
    for (const id of ids) void loaders.callRecord.load({ id, select: ['id'], expand }).catch(() => undefined);
  }
  return loaders.callRecord.loadMany(ids.map((id) => ({ id, select, expand: expansions[0] })));
}

/**
 * Hands the loader's slots to graphql-js as they are: a list item that is an Error becomes null at its index with that
 * error at the item's path (graphql-js `completeValue`), so one missing id never costs the others their answers. The
 * generated resolver types know nothing of that, hence the one cast.
 */
async function errorsInPlace<T>(slots: Promise<Array<T | Error>>): Promise<Array<T | null>> {
  return (await slots) as Array<T | null>;
}

export function callRecordsByIds(
  ids: readonly string[],
  loaders: Loaders,
  info: GraphQLResolveInfo,
): Promise<Array<GraphCallRecord | null>> {
  return errorsInPlace(loadCallRecords(loaders, checkIds(ids), selectionOf(info)));
}

export function callsByIds(ids: readonly string[], loaders: Loaders, info: GraphQLResolveInfo): Promise<Array<GraphCall | null>> {
  const select = callProjection(selectionOf(info));
  return errorsInPlace(loaders.call.loadMany(checkIds(ids).map((id) => ({ id, select }))));
}
