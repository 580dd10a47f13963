import { describe, expect, it } from 'vitest';
import { parseJsonKeepingDecimals } from '../../src/graph/decimalJson.js';
import { DecimalScalar } from '../../src/schema/decimalScalar.js';

const CHARGES = new Set(['charge', 'connectionCharge']);

describe('parseJsonKeepingDecimals', () => {
  it("keeps the named properties' digits exactly, trailing zeros and digits past a double included", () => {
    const text = '{"value":[{"charge":0.00,"connectionCharge":12.12345678901234567891,"duration":219},{"charge":-1.50e2}]}';
    expect(parseJsonKeepingDecimals(text, CHARGES)).toEqual({
      value: [{ charge: '0.00', connectionCharge: '12.12345678901234567891', duration: 219 }, { charge: '-1.50e2' }],
    });
  });

  it('leaves other numbers, strings that merely mention the names, nulls and strings as they are', () => {
    const text = '{ "note" : "\\"charge\\":1.10", "charge" : null, "connectionCharge": "2.50", "tricky\\\\": 3.10, "charges": 4.10 }';
    expect(parseJsonKeepingDecimals(text, CHARGES)).toEqual({
      note: '"charge":1.10',
      charge: null,
      connectionCharge: '2.50',
      'tricky\\': 3.1,
      charges: 4.1,
    });
  });

  it('reads whitespace around the colon and a value last in its object', () => {
    expect(parseJsonKeepingDecimals('{"a":{"charge" :\n 0.10 }}', CHARGES)).toEqual({ a: { charge: '0.10' } });
  });

  it('throws as JSON.parse does on malformed text', () => {
    expect(() => parseJsonKeepingDecimals('{"charge":0.00', CHARGES)).toThrow(SyntaxError);
    expect(() => parseJsonKeepingDecimals('{"charge', CHARGES)).toThrow(SyntaxError);
  });
});

describe('Decimal', () => {
  it('serializes digit strings as they are and refuses a float that has already lost digits', () => {
    expect(DecimalScalar.serialize('0.00')).toBe('0.00');
    expect(() => DecimalScalar.serialize(0.1)).toThrow(/string of digits/);
    expect(() => DecimalScalar.parseValue('1e5x')).toThrow(/got "1e5x"/);
  });
});
