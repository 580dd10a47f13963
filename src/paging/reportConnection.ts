import { parseJsonKeepingDecimals } from '../graph/decimalJson.js';
import { REPORT_DECIMAL_PROPERTIES } from '../graph/reportTypes.js';
import { MAX_LINKED_PAGES, type GraphPage, type OperationGraph } from '../upstream/operationGraph.js';
import type { CursorCodec, CursorPosition } from './cursor.js';
import { relayPage, type RelayPage } from './relayPage.js';

/** The two call-log report functions bound to Graph's callRecords collection. */
export type ReportFunction = 'getPstnCalls' | 'getDirectRoutingCalls';

/** Graph's page of a report: 1,000 rows, not adjustable (no `Prefer: odata.maxpagesize` is documented for them). */
export const GRAPH_REPORT_PAGE_SIZE = 1000;

/**
 * The Graph pages a report cursor may name: the function (also namespace-qualified) with its parameters, and the
 * `$skip` Graph's nextLink adds. A signed cursor already cannot be forged; this keeps even a leaked key from
 * pointing the gateway anywhere else in Graph.
 */
export const REPORT_PATH =
  /^\/communications\/callRecords\/(?:microsoft\.graph\.callRecords\.)?get(?:PstnCalls|DirectRoutingCalls)\([^()#?\s]*\)(?:\?[^#\s]*)?$/;

export interface ReportPageRequest {
  fn: ReportFunction;
  /** UTC date-times (normalized by the DateTime scalar) as Graph's DateTimeOffset literals. */
  from: string;
  to: string;
  /** Binds cursors to this report and range. */
  digest: string;
  first: number;
  after: string | undefined;
}

const parseJson = (text: string): unknown => parseJsonKeepingDecimals(text, REPORT_DECIMAL_PROPERTIES);

/**
 * One page of a forward-only Relay connection over a report function. Graph's pages hold 1,000 rows; a page of
 * `first` rows is cut from them (following `@odata.nextLink` when it spans two), and each cursor names the Graph
 * page holding the next row and the row's index there, so `first` is exact and a cursor replays Graph's own link.
 */
export async function loadReportPage<Row>(
  deps: { graph: OperationGraph; codec: CursorCodec },
  request: ReportPageRequest,
): Promise<RelayPage<Row>> {
  const { graph, codec } = deps;
  let position: CursorPosition =
    request.after !== undefined
      ? codec.decode(request.after, request.digest, REPORT_PATH)
      : {
          path: `/communications/callRecords/${request.fn}(fromDateTime=${request.from},toDateTime=${request.to})`,
          pageSize: GRAPH_REPORT_PAGE_SIZE,
          index: 0,
        };

  const nodes: Row[] = [];
  const positions: CursorPosition[] = [];
  // Empty pages are legal; a chain of them stops after the view's page cap, the cursor pointing where it stopped.
  for (let followed = 0; position.path !== null && nodes.length < request.first && followed < MAX_LINKED_PAGES; followed++) {
    const path: string = position.path;
    const { body } = await graph.request<GraphPage<Row>>({ method: 'GET', path }, { parseJson });
    const values = Array.isArray(body?.value) ? body.value : [];
    const link = body?.['@odata.nextLink'];
    const nextPath = typeof link === 'string' ? graph.toRelative(link) : null;
    const start = position.index;
    const taken = values.slice(start, start + request.first - nodes.length);
    taken.forEach((row, offset) => {
      const next = start + offset + 1;
      nodes.push(row);
      positions.push(
        next < values.length
          ? { path, pageSize: GRAPH_REPORT_PAGE_SIZE, index: next }
          : { path: nextPath, pageSize: GRAPH_REPORT_PAGE_SIZE, index: 0 },
      );
    });
    position =
      start + taken.length < values.length
        ? { path, pageSize: GRAPH_REPORT_PAGE_SIZE, index: start + taken.length }
        : { path: nextPath, pageSize: GRAPH_REPORT_PAGE_SIZE, index: 0 };
  }

  return relayPage(nodes, positions, position, codec, request.digest);
}
