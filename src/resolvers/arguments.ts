import { callRecordsFilter } from '../graph/odata.js';
import { badUserInput } from '../errors/index.js';
import { CursorCodec } from '../paging/cursor.js';

/**
 * Graph ids of calls and call records are GUIDs; notifications sometimes carry them upper-case without
 * dashes. Anything else (slashes, dots, query characters) could change the Graph path, so it is refused
 * before a request is built.
 */
const GRAPH_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;

export function checkId(id: string, argument = 'id'): string {
  if (!GRAPH_ID.test(id)) {
    throw badUserInput(
      `${argument} must be a Graph id (letters, digits and dashes, at most 128), got ${JSON.stringify(id.slice(0, 80))}`,
      argument,
    );
  }
  return id;
}

export function checkFirst(first: number | null | undefined, paging: { defaultFirst: number; maxFirst: number }): number {
  if (first === null || first === undefined) return paging.defaultFirst;
  if (!Number.isInteger(first) || first < 1 || first > paging.maxFirst) {
    throw badUserInput(`first must be between 1 and ${paging.maxFirst}, got ${first}`, 'first');
  }
  return first;
}

export interface CallRecordFilterArgs {
  startDateTime?: { gt?: string | null; gte?: string | null; lt?: string | null; lte?: string | null } | null;
  participantId?: string | null;
}

export interface CheckedFilter {
  /** The OData `$filter`, escaped by construction. */
  odata: string | undefined;
  /** Binds cursors to this filter. */
  digest: string;
}

/** Participant ids are Entra object ids, phone numbers or ACS ids: printable, bounded. */
const PARTICIPANT_ID = /^[\x20-\x7E]{1,256}$/;

/** No filter at all, the common case, checked once: its digest is a SHA-256 that would otherwise run per operation. */
let unfiltered: CheckedFilter | undefined;

export function checkCallRecordFilter(filter: CallRecordFilterArgs | null | undefined): CheckedFilter {
  const range = filter?.startDateTime ?? undefined;
  const participantId = filter?.participantId ?? undefined;
  if (range === undefined && participantId === undefined) return (unfiltered ??= Object.freeze(checked(undefined, undefined)));
  return checked(range, participantId);
}

function checked(range: CallRecordFilterArgs['startDateTime'] | undefined, participantId: string | undefined): CheckedFilter {
  if (participantId !== undefined && !PARTICIPANT_ID.test(participantId)) {
    throw badUserInput('filter.participantId must be 1 to 256 printable ASCII characters', 'filter.participantId');
  }
  const normalized = {
    startDateTime: range
      ? { gt: range.gt ?? undefined, gte: range.gte ?? undefined, lt: range.lt ?? undefined, lte: range.lte ?? undefined }
      : undefined,
    participantId,
  };
  let odata: string | undefined;
  try {
    odata = callRecordsFilter(normalized);
  } catch (error) {
    throw badUserInput(`filter is invalid: ${(error as Error).message}`, 'filter');
  }
  return { odata, digest: CursorCodec.filterDigest(normalized) };
}
