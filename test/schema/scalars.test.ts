import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DateTimeScalar, DurationScalar, normalizeDateTime } from '../../src/schema/index.js';
import { testSchema } from './helpers.js';

describe('DateTime', () => {
  it.each([
    ['2023-09-25T09:28:38Z', '2023-09-25T09:28:38Z'],
    ['2020-05-28T00:10:54.104318Z', '2020-05-28T00:10:54.104318Z'],
    ['2020-02-25T18:52:21.2169889Z', '2020-02-25T18:52:21.2169889Z'],
    ['2023-09-25T11:28:38+02:00', '2023-09-25T09:28:38Z'],
    ['2023-09-25T11:28:38.5+02:00', '2023-09-25T09:28:38.5Z'],
    ['2023-12-31T23:30:00-01:00', '2024-01-01T00:30:00Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['2023-09-25t09:28:38z', '2023-09-25T09:28:38Z'],
  ])('accepts %s as %s', (input, normalized) => {
    expect(normalizeDateTime(input)).toBe(normalized);
    expect(DateTimeScalar.parseValue(input)).toBe(normalized);
  });

  it.each([
    ['a bare date', '2023-09-25'],
    ['no offset', '2023-09-25T09:28:38'],
    ['an impossible day', '2023-02-30T00:00:00Z'],
    ['29 February of a common year', '2023-02-29T00:00:00Z'],
    ['1900, not a leap year', '1900-02-29T00:00:00Z'],
    ['month 13', '2023-13-01T00:00:00Z'],
    ['hour 24', '2023-09-25T24:00:00Z'],
    ['an offset without a colon', '2023-09-25T09:28:38+0200'],
    ['an offset of 24 hours', '2023-09-25T09:28:38+24:00'],
    ['a space instead of T', '2023-09-25 09:28:38Z'],
    ['a week date', '2023-W39-1T09:28:38Z'],
    ['text', 'yesterday'],
    ['an empty string', ''],
  ])('rejects %s (%j)', (_case, input) => {
    expect(normalizeDateTime(input)).toBeUndefined();
    expect(() => DateTimeScalar.parseValue(input)).toThrow(
      `DateTime must be an ISO 8601 date-time with an offset, such as 2023-09-25T09:28:38Z; got ${JSON.stringify(input)}`,
    );
  });

  it.each([[1695634118000], [true], [null], [{}]])('rejects the non-string %j', (input) => {
    expect(() => DateTimeScalar.parseValue(input)).toThrow('DateTime must be an ISO 8601 date-time');
  });

  it('rejects a number literal and accepts a string literal in a query', async () => {
    const schema = testSchema();
    const number = await graphql({ schema, source: '{ callRecords(filter: { startDateTime: { gte: 1695634118 } }) { nodes { id } } }' });
    expect(number.errors?.[0]?.message).toContain('DateTime must be a string literal, got 1695634118');
    const date = await graphql({ schema, source: '{ callRecords(filter: { startDateTime: { gte: "2023-09-25" } }) { nodes { id } } }' });
    expect(date.errors?.[0]?.message).toContain('DateTime must be an ISO 8601 date-time with an offset');
  });

  it('returns Graph strings exactly as Graph sent them', () => {
    expect(DateTimeScalar.serialize('2020-02-25T18:52:21.2169889Z')).toBe('2020-02-25T18:52:21.2169889Z');
    expect(() => DateTimeScalar.serialize(42)).toThrow('DateTime cannot represent number 42');
  });
});

describe('Duration', () => {
  it.each(['PT0.02S', 'PT1M5S', 'P1DT2H', 'P1Y2M3W4D', 'PT0S', '-PT5M'])('accepts %s unchanged', (input) => {
    expect(DurationScalar.parseValue(input)).toBe(input);
  });

  it.each(['P', 'PT', '0.02', 'PT0.02', '1S', 'P1S', ''])('rejects %j', (input) => {
    expect(() => DurationScalar.parseValue(input)).toThrow('Duration must be an ISO 8601 duration');
  });
});
