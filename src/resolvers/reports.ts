import { badUserInput, GatewayError, GatewayErrorCode } from '../errors/index.js';
import type { GraphDirectRoutingLogRow, GraphPstnCallLogRow } from '../graph/reportTypes.js';
import { CursorCodec } from '../paging/cursor.js';
import { loadReportPage, type ReportFunction } from '../paging/reportConnection.js';
import type { RelayPage } from '../paging/relayPage.js';
import type { GatewayContext } from '../context.js';
import { checkFirst } from './arguments.js';

/** Graph refuses a wider range (406); the gateway refuses it first, without a request. */
export const MAX_REPORT_RANGE_DAYS = 90;
const DAY_MS = 86_400_000;

export interface ReportArgs {
  from: string;
  to: string;
  first?: number | null;
  after?: string | null;
}

/** `from` and `to` arrive normalized to UTC by the DateTime scalar; Graph's literal takes at most 7 fractional digits. */
function literal(dateTime: string): string {
  return dateTime.replace(/(\.\d{7})\d+Z$/, '$1Z');
}

function checkRange(args: ReportArgs): void {
  const from = Date.parse(args.from);
  const to = Date.parse(args.to);
  if (to < from) throw badUserInput(`to must not be before from, got from ${args.from} and to ${args.to}`, 'to');
  if (to - from > MAX_REPORT_RANGE_DAYS * DAY_MS) {
    const days = Math.round(((to - from) / DAY_MS) * 100) / 100;
    throw badUserInput(`from and to may be at most ${MAX_REPORT_RANGE_DAYS} days apart (Graph's limit), got ${days} days`, 'to');
  }
}

/** Graph's 403 on a report names the permissions that grant it, instead of the generic text. */
function explainForbidden(error: unknown): never {
  if (error instanceof GatewayError && error.code === GatewayErrorCode.Forbidden) {
    const { graphRequestId, clientRequestId, graphErrorCode } = error.extensions as Record<string, string | undefined>;
    throw new GatewayError(
      GatewayErrorCode.Forbidden,
      "The gateway's app registration lacks the Graph permission the call-log reports need: CallRecord-PstnCalls.Read.All (or CallRecords.Read.All).",
      { graphRequestId, clientRequestId, graphErrorCode },
    );
  }
  throw error;
}

async function report<Row>(fn: ReportFunction, args: ReportArgs, context: GatewayContext): Promise<RelayPage<Row>> {
  const first = checkFirst(args.first, context.paging);
  checkRange(args);
  const from = literal(args.from);
  const to = literal(args.to);
  try {
    return await loadReportPage<Row>(context, {
      fn,
      from,
      to,
      digest: CursorCodec.filterDigest({ report: fn, from, to }),
      first,
      after: args.after ?? undefined,
    });
  } catch (error) {
    explainForbidden(error);
  }
}

export const pstnCalls = (args: ReportArgs, context: GatewayContext) => report<GraphPstnCallLogRow>('getPstnCalls', args, context);

export const directRoutingCalls = (args: ReportArgs, context: GatewayContext) =>
  report<GraphDirectRoutingLogRow>('getDirectRoutingCalls', args, context);
