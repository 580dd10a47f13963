import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../src/paging/cursor.js';
import { checkCallRecordFilter } from '../../src/resolvers/arguments.js';

describe('checkCallRecordFilter', () => {
  it('reads no filter, nulls and an empty filter alike: no $filter, one digest, the digest of nothing filtered', () => {
    const none = checkCallRecordFilter(undefined);
    expect(none.odata).toBeUndefined();
    expect(none.digest).toBe(CursorCodec.filterDigest({ startDateTime: undefined, participantId: undefined }));
    for (const same of [null, {}, { startDateTime: null, participantId: null }]) {
      expect(checkCallRecordFilter(same)).toEqual(none);
    }
    // Kept once and shared by every operation: nobody may change it.
    expect(Object.isFrozen(none)).toBe(true);
  });

  it('gives a filter its own $filter and digest, and refuses a bad one, after an unfiltered check', () => {
    const none = checkCallRecordFilter(undefined);
    const since = checkCallRecordFilter({ startDateTime: { gte: '2026-11-01T00:00:00Z' } });
    expect(since.odata).toBe('startDateTime ge 2026-11-01T00:00:00Z');
    expect(since.digest).not.toBe(none.digest);
    const other = checkCallRecordFilter({ startDateTime: { gte: '2026-11-02T00:00:00Z' } });
    expect(other.digest).not.toBe(since.digest);
    expect(() => checkCallRecordFilter({ participantId: 'tab\there' })).toThrow(/participantId/);
  });
});
