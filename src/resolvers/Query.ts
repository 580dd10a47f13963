import type { QueryResolvers } from '../generated/graphql.js';
import { buildQuery, selectOption } from '../graph/odata.js';
import type { GraphCall } from '../graph/types.js';
import { CALL_RECORD_VERSION_PROPERTIES, callProjection, callRecordProjection } from '../loaders/projection.js';
import { mergeTrees, selectionOf, subtree } from '../loaders/selection.js';
import { loadCallRecordsPage } from '../paging/callRecordsConnection.js';
import { checkCallRecordFilter, checkFirst, checkId } from './arguments.js';
import { callRecordsByIds, callsByIds } from './byIds.js';
import { directRoutingCalls, pstnCalls } from './reports.js';

export const Query: QueryResolvers = {
  call: (_root, { id }, { loaders }, info) => loaders.call.load({ id: checkId(id), select: callProjection(selectionOf(info)) }),

  calls(_root, _args, { graph }, info) {
    const select = callProjection(selectionOf(info));
    // Graph does not document paging for the calls list; the view follows any nextLink up to its page cap.
    return graph.collect<GraphCall>(`/communications/calls${buildQuery({ $select: selectOption(select) })}`);
  },

  callRecord(_root, { id }, { loaders }, info) {
    const { select, expansions } = callRecordProjection(selectionOf(info));
    // Through the version-keyed cache: a fresh record costs nothing, an older one a version check, a miss one `$batch`.
    return loaders.currentCallRecord.load({ id: checkId(id), select, expansions });
  },

  callRecords(_root, { filter, first, after }, { graph, codec, loaders, paging }, info) {
    const checked = checkCallRecordFilter(filter);
    const tree = selectionOf(info);
    const nodeTree = mergeTrees(subtree(tree, 'edges', 'node'), subtree(tree, 'nodes'));
    return loadCallRecordsPage(
      { graph, codec, loaders },
      {
        odataFilter: checked.odata,
        filterDigest: checked.digest,
        first: checkFirst(first, paging),
        after: after ?? undefined,
        // The version keys the records' expansions in the cache (src/callRecordCache/).
        select: [...new Set([...callRecordProjection(nodeTree).select, ...CALL_RECORD_VERSION_PROPERTIES])].sort(),
      },
    );
  },

  // Many by id: through the same loaders as callRecord and call (100 ids, 5 `$batch` requests), a miss null at its index.
  callRecordsByIds: (_root, { ids }, { loaders }, info) => callRecordsByIds(ids, loaders, info),
  callsByIds: (_root, { ids }, { loaders }, info) => callsByIds(ids, loaders, info),

  // The PSTN and Direct Routing call logs (src/resolvers/reports.ts).
  pstnCalls: (_root, args, context) => pstnCalls(args, context),
  directRoutingCalls: (_root, args, context) => directRoutingCalls(args, context),
};
