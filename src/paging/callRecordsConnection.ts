import { buildQuery, selectOption } from '../graph/odata.js';
import type { GraphCallRecord } from '../graph/types.js';
import type { Loaders } from '../loaders/index.js';
import type { OperationGraph } from '../upstream/operationGraph.js';
import type { CursorCodec, CursorPosition } from './cursor.js';
import { relayPage } from './relayPage.js';

/** Graph's default and largest call-record page. */
export const GRAPH_MAX_PAGE_SIZE = 60;

export interface CallRecordEdgeResult {
  cursor: string;
  node: GraphCallRecord;
}

export interface CallRecordConnectionResult {
  edges: CallRecordEdgeResult[];
  nodes: GraphCallRecord[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface ConnectionRequest {
  /** The OData `$filter` for the caller's filter, or undefined for none. */
  odataFilter: string | undefined;
  /** Digest binding cursors to the caller's filter. */
  filterDigest: string;
  first: number;
  after: string | undefined;
  /** Graph properties the selection needs on each record. */
  select: readonly string[];
}

/**
 * One page of a forward-only Relay connection over Graph's call-record list. Graph's own pages are
 * requested with a page size fixed for the whole chain (kept in the cursor) and followed through
 * `@odata.nextLink` until `first` records are in hand, so `first` is exact whatever Graph's page sizes.
 * A cursor names the Graph page holding the next record and its index there.
 */
export async function loadCallRecordsPage(
  deps: { graph: OperationGraph; codec: CursorCodec; loaders: Loaders },
  request: ConnectionRequest,
): Promise<CallRecordConnectionResult> {
  const { graph, codec } = deps;
  let position: CursorPosition =
    request.after !== undefined
      ? codec.decode(request.after, request.filterDigest)
      : { path: firstPagePath(request), pageSize: graphPageSize(request.first), index: 0 };

  const nodes: GraphCallRecord[] = [];
  const positions: CursorPosition[] = [];
  if (position.path !== null) {
    const { pageSize } = position;
    let index = position.index;
    // Empty pages are legal in Graph; the view stops a chain of them after its page cap, and the cursor then
    // points at the page where it stopped.
    for await (const page of graph.pages<GraphCallRecord>(position.path, { Prefer: `odata.maxpagesize=${pageSize}` })) {
      const values = Array.isArray(page.body.value) ? page.body.value : [];
      const taken = await completeSelection(
        deps.loaders,
        page.path,
        values.slice(index, index + request.first - nodes.length),
        request.select,
      );
      taken.forEach((record, offset) => {
        const next = index + offset + 1;
        nodes.push(record);
        positions.push(next < values.length ? { path: page.path, pageSize, index: next } : { path: page.nextPath, pageSize, index: 0 });
      });
      position = index + taken.length < values.length ? (positions.at(-1) as CursorPosition) : { path: page.nextPath, pageSize, index: 0 };
      index = 0;
      if (nodes.length >= request.first) break;
    }
  }

  return relayPage(nodes, positions, position, codec, request.filterDigest);
}

/**
 * The Graph page size for a chain of pages of `first`: the fewest Graph pages per page, and when `first`
 * splits evenly into that many, the even split, so every later page of the chain starts on a Graph page
 * boundary. With 60 for `first: 100`, each later page fetched 120 records (or 180) to return 100; with 50
 * it fetches exactly 100 in two requests (bench/RESULTS.md, scenario 4).
 */
export function graphPageSize(first: number): number {
  const pages = Math.ceil(first / GRAPH_MAX_PAGE_SIZE);
  return first % pages === 0 ? first / pages : Math.min(first, GRAPH_MAX_PAGE_SIZE);
}

function firstPagePath(request: ConnectionRequest): string {
  return `/communications/callRecords${buildQuery({ $select: selectOption(request.select), $filter: request.odataFilter })}`;
}

/**
 * A cursor replays the `$select` of the operation that made it (Graph's nextLink keeps the original
 * query options). When this operation needs properties that page lacks, the records are completed with
 * batched GETs by id rather than returned with silent nulls.
 */
async function completeSelection(
  loaders: Loaders,
  pagePath: string,
  records: GraphCallRecord[],
  needed: readonly string[],
): Promise<GraphCallRecord[]> {
  const pageSelect = new URLSearchParams(pagePath.slice(pagePath.indexOf('?') + 1)).get('$select');
  const have = new Set(pageSelect === null ? needed : pageSelect.split(','));
  const missing = needed.filter((property) => !have.has(property));
  if (missing.length === 0 || records.length === 0) return records;
  const complete = await loaders.callRecord.loadMany(records.map((record) => ({ id: String(record.id), select: needed })));
  return complete.map((result, i) => {
    if (result instanceof Error) throw result;
    return { ...records[i], ...result };
  });
}
