import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesStart, odataString, parseCallRecordFilter } from '../../src/resources/odata/filter.js';
import { GraphHttpError } from '../../src/types.js';

describe('the call-record $filter parser', () => {
  it('reads startDateTime comparisons joined by and', () => {
    expect(parseCallRecordFilter('startDateTime ge 2023-09-25T09:25:00Z and startDateTime lt 2023-09-25T09:30:00Z')).toEqual({
      startDateTime: [
        { op: 'ge', value: Date.parse('2023-09-25T09:25:00Z') },
        { op: 'lt', value: Date.parse('2023-09-25T09:30:00Z') },
      ],
    });
  });

  it('reads fractional seconds and UTC offsets as instants', () => {
    const f = parseCallRecordFilter('startDateTime gt 2023-09-25T11:25:00.1234567+02:00');
    expect(f.startDateTime[0]?.value).toBe(Date.parse('2023-09-25T09:25:00.123Z'));
    expect(parseCallRecordFilter('startDateTime le 2023-09-25T09:25Z').startDateTime[0]?.value).toBe(Date.parse('2023-09-25T09:25:00Z'));
  });

  it('reads the participant lambda with any variable name, parentheses and extra spaces', () => {
    expect(parseCallRecordFilter("( participants_v2/any(x: x/id eq 'abc') )  and (startDateTime ge 2023-01-01T00:00:00Z)")).toEqual({
      startDateTime: [{ op: 'ge', value: Date.parse('2023-01-01T00:00:00Z') }],
      participantId: 'abc',
    });
  });

  it("unescapes doubled quotes in participant ids ('' is one ')", () => {
    expect(parseCallRecordFilter("participants_v2/any(p:p/id eq 'O''Brien''')").participantId).toBe("O'Brien'");
  });

  it('round-trips any participant id through OData string quoting', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (id) => {
        expect(parseCallRecordFilter(`participants_v2/any(p:p/id eq ${odataString(id)})`).participantId).toBe(id);
      }),
    );
  });

  it('refuses two participant lambdas and a lone single quote inside an id', () => {
    expect(() => parseCallRecordFilter("participants_v2/any(p:p/id eq 'a') and participants_v2/any(p:p/id eq 'b')")).toThrow(/only one/);
    expect(() => parseCallRecordFilter("participants_v2/any(p:p/id eq 'O'Brien')")).toThrow(GraphHttpError);
  });

  it('never throws anything but a 400 BadRequest on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (input) => {
        try {
          parseCallRecordFilter(input);
        } catch (e) {
          expect(e).toBeInstanceOf(GraphHttpError);
          expect((e as GraphHttpError).status).toBe(400);
          expect((e as GraphHttpError).code).toBe('BadRequest');
        }
      }),
    );
  });

  it('matches every bound like the comparison operators say', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 4e12 }), (start, bound) => {
        const iso = new Date(bound).toISOString();
        const check = (op: string) => matchesStart(parseCallRecordFilter(`startDateTime ${op} ${iso}`), start);
        expect(check('lt')).toBe(start < bound);
        expect(check('le')).toBe(start <= bound);
        expect(check('gt')).toBe(start > bound);
        expect(check('ge')).toBe(start >= bound);
      }),
    );
  });
});
