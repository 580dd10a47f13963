import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CursorCodec } from '../../src/paging/cursor.js';

const codec = new CursorCodec('a-test-secret-that-is-long-enough-123');
const digest = CursorCodec.filterDigest({ participantId: 'abc' });
const position = { path: '/communications/callRecords?$select=id&$skiptoken=xyz', pageSize: 20, index: 3 };

describe('CursorCodec', () => {
  it('round-trips a position for the filter it was made for', () => {
    expect(codec.decode(codec.encode(position, digest), digest)).toEqual(position);
    expect(codec.decode(codec.encode({ path: null, pageSize: 5, index: 0 }, digest), digest)).toEqual({
      path: null,
      pageSize: 5,
      index: 0,
    });
  });

  it('refuses a cursor made for another filter', () => {
    const other = CursorCodec.filterDigest({ participantId: 'abd' });
    expect(() => codec.decode(codec.encode(position, digest), other)).toThrow(/different filter/);
  });

  it('gives equal digests to filters that differ only in key order or absent keys', () => {
    expect(CursorCodec.filterDigest({ a: 1, b: { c: 2, d: null } })).toBe(CursorCodec.filterDigest({ b: { c: 2 }, a: 1, e: undefined }));
  });

  it('refuses a cursor signed with another secret', () => {
    const foreign = new CursorCodec('another-secret-that-is-long-enough-456').encode(position, digest);
    expect(() => codec.decode(foreign, digest)).toThrow(/signature/);
  });

  it('refuses any altered or random string with BAD_USER_INPUT', () => {
    const valid = codec.encode(position, digest);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat(valid.length - 1), (junk, at) => {
        const candidates = [junk, valid.slice(0, at) + junk + valid.slice(at + 1)];
        for (const candidate of candidates) {
          if (candidate === valid) continue;
          try {
            codec.decode(candidate, digest);
            throw new Error(`accepted ${candidate}`);
          } catch (error) {
            expect((error as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_USER_INPUT');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never decodes a path outside the call-records list, even when signed', () => {
    for (const path of [
      'https://evil.example/x',
      '//evil.example/communications/callRecords?x',
      '/communications/calls?x',
      '/communications/callRecords/../calls?x',
    ]) {
      expect(() => codec.decode(codec.encode({ path, pageSize: 1, index: 0 }, digest), digest)).toThrow(/malformed/);
    }
  });
});
