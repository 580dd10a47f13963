/**
 * The call-log report functions bound to the callRecords collection (CALLS-LIVE.md 4):
 * `getPstnCalls(fromDateTime=..,toDateTime=..)` and `getDirectRoutingCalls(...)`, v1.0 and beta. Graph's
 * behaviour: the range is on the call's start, `toDateTime` inclusive for PSTN and exclusive for Direct
 * Routing, at most 90 days (406 beyond), 1,000 rows per page with an `@odata.nextLink` carrying `$skip`, and
 * `@odata.count` counting the rows of the page. Either CallRecord-PstnCalls.Read.All or CallRecords.Read.All.
 */
import { GraphHttpError } from '../types.js';
import type { Route, SimRequest, SimResponse } from '../types.js';
import type { StoredReportRow } from './data/reports.js';
import { badRequest } from './errors.js';
import { readQueryOptions } from './odata/query.js';
import { Permission } from './roles.js';
import type { Json } from './store.js';

/** Rows per page (Graph docs: getPstnCalls, getDirectRoutingCalls). */
export const REPORT_PAGE = 1000;
const MAX_RANGE_MS = 90 * 86_400_000;

export interface ReportDeps {
  pstn: () => readonly StoredReportRow[];
  directRouting: () => readonly StoredReportRow[];
}

interface ReportFunction {
  name: 'getPstnCalls' | 'getDirectRoutingCalls';
  rowType: string;
  rows: () => readonly StoredReportRow[];
  /** PSTN's `toDateTime` is inclusive, Direct Routing's exclusive. */
  toInclusive: boolean;
}

export function createReportRoutes(deps: ReportDeps): Route[] {
  const functions: ReportFunction[] = [
    { name: 'getPstnCalls', rowType: 'microsoft.graph.callRecords.pstnCallLogRow', rows: deps.pstn, toInclusive: true },
    {
      name: 'getDirectRoutingCalls',
      rowType: 'microsoft.graph.callRecords.directRoutingLogRow',
      rows: deps.directRouting,
      toInclusive: false,
    },
  ];
  return functions.map((fn): Route => ({
    method: 'GET',
    pattern: `/communications/callRecords/${fn.name}({args})`,
    name: `callRecords.${fn.name}`,
    anyOfRoles: [Permission.CallRecordPstnCallsRead, Permission.CallRecordsRead],
    throttleKeys: () => ['pstnCallLogs'],
    handle: (req, params) => page(req, fn, params['args'] ?? ''),
  }));
}

function page(req: SimRequest, fn: ReportFunction, rawArgs: string): SimResponse {
  const opts = readQueryOptions(req, ['$skip'], `the ${fn.name} function`);
  const { from, to } = readRange(rawArgs, fn.name);
  if (to - from > MAX_RANGE_MS) {
    // Graph answers 406 here (microsoft-graph-docs#10883); the error code it sends is not documented.
    throw new GraphHttpError(406, 'NotAcceptable', 'The fromDateTime and toDateTime values cannot be more than a date range of 90 days.');
  }
  const skip = readSkip(opts.get('$skip'));
  const inRange = fn.rows().filter((r) => r.startMs >= from && (fn.toInclusive ? r.startMs <= to : r.startMs < to));
  const rows = inRange.slice(skip, skip + REPORT_PAGE);
  const body: Json = {
    '@odata.context': `${req.baseUrl}/$metadata#Collection(${fn.rowType})`,
    '@odata.count': rows.length,
    value: rows.map((r) => (req.version === 'beta' ? { ...r.row, ...r.beta } : r.row)),
  };
  if (skip + REPORT_PAGE < inRange.length) {
    // The function segment as the client sent it, and only `$skip`: Graph's links carry no other option.
    const segment = req.path.split('/').pop() ?? '';
    body['@odata.nextLink'] = `${req.baseUrl}/communications/callRecords/${segment}?$skip=${skip + REPORT_PAGE}`;
  }
  return { status: 200, body };
}

function readSkip(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest(`Invalid value '${raw}' for $skip query option found; it must be a non-negative integer.`);
  return Number(raw);
}

/** `fromDateTime=2019-11-01,toDateTime=2019-12-01`: unquoted dates or date-times with an offset, both required. */
function readRange(rawArgs: string, fn: string): { from: number; to: number } {
  const values = new Map<string, string>();
  for (const part of rawArgs.split(',')) {
    const eq = part.indexOf('=');
    const name = eq === -1 ? part.trim() : part.slice(0, eq).trim();
    if (name !== 'fromDateTime' && name !== 'toDateTime') {
      throw badRequest(`The parameter '${name}' is not in scope of the function '${fn}'; it takes fromDateTime and toDateTime.`);
    }
    if (values.has(name)) throw badRequest(`The parameter '${name}' was given more than once to '${fn}'.`);
    values.set(name, eq === -1 ? '' : part.slice(eq + 1).trim());
  }
  const instant = (name: string): number => {
    const raw = values.get(name);
    if (raw === undefined) throw badRequest(`The function '${fn}' needs the parameter '${name}'.`);
    const ms = parseOdataDateTime(raw);
    if (ms === undefined) {
      throw badRequest(
        `The parameter '${name}' of '${fn}' is not a valid DateTimeOffset: '${raw}'. Use 2019-11-01 or 2019-11-01T00:00:00Z, unquoted.`,
      );
    }
    return ms;
  };
  const from = instant('fromDateTime');
  const to = instant('toDateTime');
  if (to < from) throw badRequest(`The fromDateTime of '${fn}' must not be after its toDateTime.`);
  return { from, to };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An OData DateTimeOffset literal (a bare date means midnight UTC, as Graph's examples use it). */
function parseOdataDateTime(raw: string): number | undefined {
  const text = DATE.test(raw) ? `${raw}T00:00:00Z` : DATE_TIME.test(raw) ? raw.replace(/(\.\d{3})\d+/, '$1') : undefined;
  if (text === undefined) return undefined;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  // Date.parse would roll 2019-02-30 over into March; a literal naming a day that does not exist is refused.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  return ms;
}
