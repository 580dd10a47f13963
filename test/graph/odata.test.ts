import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildQuery,
  callRecordsFilter,
  expandOption,
  isIsoInstant,
  odataString,
  participantFilter,
  selectOption,
  startDateTimeFilter,
  toODataInstant,
} from '../../src/graph/odata.js';

/** Reads an OData string literal back, the way a server would; undefined if it is malformed. */
function readLiteral(literal: string): string | undefined {
  if (!literal.startsWith("'") || !literal.endsWith("'") || literal.length < 2) return undefined;
  const inner = literal.slice(1, -1);
  if (/(^|[^'])'('')*(?!')/.test(inner.replaceAll("''", ''))) return undefined;
  return inner.replaceAll("''", "'");
}

describe('OData string literals', () => {
  it("doubles single quotes: O'Brien becomes 'O''Brien'", () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
  });

  it('reads back as exactly the original value, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(readLiteral(odataString(s))).toBe(s);
      }),
    );
  });

  it('keeps an injection attempt inside the literal', () => {
    const f = participantFilter("x') or true or (p/id eq 'y");
    expect(f).toBe("participants_v2/any(p:p/id eq 'x'') or true or (p/id eq ''y')");
  });
});

describe('ISO instants', () => {
  it.each([
    ['2023-09-25T09:25:00Z', '2023-09-25T09:25:00Z'],
    ['2023-09-25T11:25:00+02:00', '2023-09-25T09:25:00Z'],
    ['2023-09-25T00:10:00-01:00', '2023-09-25T01:10:00Z'],
    ['2023-09-25T09:25Z', '2023-09-25T09:25:00Z'],
    ['2023-09-25T09:25:00.1234567Z', '2023-09-25T09:25:00.1234567Z'],
    ['2023-09-25T09:25:00.000Z', '2023-09-25T09:25:00Z'],
    ['2024-02-29T23:59:59+00:00', '2024-02-29T23:59:59Z'],
  ])('normalises %s to %s', (input, out) => {
    expect(toODataInstant(input)).toBe(out);
  });

  it.each([
    '2023-09-25',
    '2023-09-25T09:25:00',
    '2023-02-29T00:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-09-25T24:00:00Z',
    '2023-09-25T09:25:00Z or 1 eq 1',
    '2023-09-25 09:25:00Z',
    '',
    'now',
  ])('rejects %j with a message naming the expected form', (input) => {
    expect(isIsoInstant(input)).toBe(false);
    expect(() => toODataInstant(input)).toThrow(/expected an ISO 8601 instant/);
  });

  it('accepts Dates and rejects invalid ones', () => {
    expect(toODataInstant(new Date(Date.UTC(2026, 0, 5, 9)))).toBe('2026-01-05T09:00:00Z');
    expect(() => toODataInstant(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('agrees with Date on the instant for any valid date', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        expect(Date.parse(toODataInstant(d.toISOString()))).toBe(d.getTime());
      }),
    );
  });
});

describe('callRecords $filter', () => {
  it('joins startDateTime comparisons with and, in gt/ge/lt/le order', () => {
    expect(startDateTimeFilter({ lt: '2023-09-25T09:30:00Z', gte: '2023-09-25T09:25:00Z' })).toBe(
      'startDateTime ge 2023-09-25T09:25:00Z and startDateTime lt 2023-09-25T09:30:00Z',
    );
  });

  it('combines a range and a participant', () => {
    expect(callRecordsFilter({ startDateTime: { gt: '2026-01-01T00:00:00Z' }, participantId: 'abc' })).toBe(
      "startDateTime gt 2026-01-01T00:00:00Z and participants_v2/any(p:p/id eq 'abc')",
    );
  });

  it('is undefined when nothing filters', () => {
    expect(callRecordsFilter({})).toBeUndefined();
    expect(callRecordsFilter({ startDateTime: {} })).toBeUndefined();
  });
});

describe('$select, $expand and the query string', () => {
  it('de-duplicates $select and refuses what is not a property name', () => {
    expect(selectOption(['id', 'startDateTime', 'id'])).toBe('id,startDateTime');
    expect(() => selectOption(['id,organizer'])).toThrow(/expected an OData property name/);
  });

  it('nests $expand options with semicolons', () => {
    expect(expandOption({ sessions: { expand: { segments: true } } })).toBe('sessions($expand=segments)');
    expect(expandOption({ sessions: { select: ['id', 'modalities'], expand: { segments: true } } })).toBe(
      'sessions($select=id,modalities;$expand=segments)',
    );
  });

  it('encodes values so that spaces, ampersands and plus signs survive', () => {
    const q = buildQuery({
      $filter: "startDateTime ge 2026-01-01T00:00:00Z and participants_v2/any(p:p/id eq 'a&b+c')",
      $select: 'id,type',
      $top: undefined,
    });
    expect(q).toBe(
      "?$filter=startDateTime%20ge%202026-01-01T00:00:00Z%20and%20participants_v2/any(p:p/id%20eq%20'a%26b%2Bc')&$select=id,type",
    );
    const params = new URLSearchParams(q);
    expect(params.get('$filter')).toBe("startDateTime ge 2026-01-01T00:00:00Z and participants_v2/any(p:p/id eq 'a&b+c')");
  });

  it('encodes a value the same the first time and when it is encoded again (memoized), short or long', () => {
    for (const v of ["participants_v2/any(p:p/id eq 'a&b')", 'id,state', 'x'.repeat(2000) + '&']) {
      const first = buildQuery({ $filter: v });
      expect(buildQuery({ $filter: v })).toBe(first);
      expect(new URLSearchParams(first).get('$filter')).toBe(v);
    }
  });

  it('round-trips any value through URLSearchParams', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (v) => {
        expect(new URLSearchParams(buildQuery({ $filter: v })).get('$filter')).toBe(v);
      }),
    );
  });

  it('is empty when every option is empty', () => {
    expect(buildQuery({ $filter: undefined, $select: '' })).toBe('');
  });
});
