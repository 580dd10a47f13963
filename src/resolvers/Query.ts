import type { QueryResolvers } from '../generated/graphql.js';
import { buildQuery, selectOption } from '../graph/odata.js';
import type { GraphCall } from '../graph/types.js';
import { callProjection, callRecordProjection } from '../loaders/projection.js';
import { mergeTrees, selectionOf, subtree } from '../loaders/selection.js';
import { loadCallRecordsPage } from '../paging/callRecordsConnection.js';
import { toGatewayError } from '../upstreamErrors.js';
import { checkCallRecordFilter, checkFirst, checkId } from './arguments.js';

/** Graph does not document paging for the calls list; a runaway chain of links is cut off here. */
const MAX_CALL_PAGES = 20;

export const Query: QueryResolvers = {
  call: (_root, { id }, { loaders }, info) => loaders.call.load({ id: checkId(id), select: callProjection(selectionOf(info)) }),

  async calls(_root, _args, { graph, deadline }, info) {
    const select = callProjection(selectionOf(info));
    try {
      const calls: GraphCall[] = [];
      let page = (await graph.request<{ value?: GraphCall[]; '@odata.nextLink'?: string }>(
        { method: 'GET', path: `/communications/calls${buildQuery({ $select: selectOption(select) })}` },
        { deadline },
      )).body;
      for (let pages = 1; ; pages++) {
        calls.push(...(page.value ?? []));
        const next = page['@odata.nextLink'];
        if (typeof next !== 'string' || pages >= MAX_CALL_PAGES) break;
        page = (await graph.followLink<typeof page>(next, { deadline })).body;
      }
      return calls;
    } catch (error) {
      throw toGatewayError(error);
    }
  },

  callRecord(_root, { id }, { loaders }, info) {
    const { select, expansions } = callRecordProjection(selectionOf(info));
    checkId(id);
    // The first expansion rides on the record's own GET. Any other starts loading now, in the same batch,
    // under the key CallRecord's field resolver will ask for (select id only), so it costs no extra round trip.
    for (const expand of expansions.slice(1)) void loaders.callRecord.load({ id, select: ['id'], expand }).catch(() => undefined);
    return loaders.callRecord.load({ id, select, expand: expansions[0] });
  },

  callRecords(_root, { filter, first, after }, { graph, codec, loaders, paging, deadline }, info) {
    const checked = checkCallRecordFilter(filter);
    const tree = selectionOf(info);
    const nodeTree = mergeTrees(subtree(tree, 'edges', 'node'), subtree(tree, 'nodes'));
    return loadCallRecordsPage(
      { graph, codec, loaders, options: { deadline } },
      {
        odataFilter: checked.odata,
        filterDigest: checked.digest,
        first: checkFirst(first, paging),
        after: after ?? undefined,
        select: callRecordProjection(nodeTree).select,
      },
    );
  },
};
