import type { DirectRoutingCallResolvers } from '../generated/graphql.js';
import { selectionOf } from '../loaders/selection.js';
import { loadCallRecords } from './byIds.js';
import { nullIfNotFound } from './references.js';
import { reportDateTime } from './reportDates.js';

/** What a call-record id looks like (arguments.ts); a correlation id of another shape names no record. */
const GRAPH_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;

/** A row of Graph's Direct Routing call log; default resolvers read the rest of it. */
export const DirectRoutingCall: DirectRoutingCallResolvers = {
  startDateTime: (row) => reportDateTime(row.startDateTime),
  inviteDateTime: (row) => reportDateTime(row.inviteDateTime),
  failureDateTime: (row) => reportDateTime(row.failureDateTime),
  endDateTime: (row) => reportDateTime(row.endDateTime),

  /**
   * Graph resolves a Direct Routing `correlationId` as a call-record id (microsoft-graph-comms-samples#488). Through
   * the call-record loader, so a page's rows share `$batch` requests; no record by that id is null without an error.
   */
  async callRecord(row, _args, { loaders }, info) {
    const id = row.correlationId;
    if (typeof id !== 'string' || !GRAPH_ID.test(id)) return null;
    const [record] = await loadCallRecords(loaders, [id], selectionOf(info));
    return nullIfNotFound(record instanceof Error ? Promise.reject(record) : Promise.resolve(record ?? null));
  },
};
