import type { PstnCallResolvers } from '../generated/graphql.js';
import { reportDateTime } from './reportDates.js';

/** A row of Graph's PSTN call log; default resolvers read the rest of it. */
export const PstnCall: PstnCallResolvers = {
  startDateTime: (row) => reportDateTime(row.startDateTime),
  endDateTime: (row) => reportDateTime(row.endDateTime),
};
