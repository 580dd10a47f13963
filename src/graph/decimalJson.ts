/**
 * JSON.parse that keeps the exact digits of chosen numeric properties. Graph writes `Edm.Decimal` values as bare
 * JSON numbers (`"charge":0.00`, its responses say `IEEE754Compatible=false`); JSON.parse would turn them into
 * doubles, dropping trailing zeros and every digit past the 17th. Node 20 has no JSON.parse source access, so the
 * number literals of those properties are quoted in the text first, and arrive as strings.
 */

/** A JSON string token (the opening quote at the match start). */
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"/y;
/** `: <number>` after a property name. */
const COLON_NUMBER = /\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=\s*[,}\]])/y;

export function parseJsonKeepingDecimals(text: string, properties: ReadonlySet<string>): unknown {
  const parts: string[] = [];
  let copied = 0;
  let at = text.indexOf('"');
  // Outside strings JSON has no quote characters, so each quote found from here starts a string token.
  while (at !== -1) {
    STRING_TOKEN.lastIndex = at;
    if (!STRING_TOKEN.exec(text)) break; // unterminated: JSON.parse reports it below
    const end = STRING_TOKEN.lastIndex;
    COLON_NUMBER.lastIndex = end;
    const number = properties.has(text.slice(at + 1, end - 1)) ? COLON_NUMBER.exec(text) : null;
    if (number?.[1] !== undefined) {
      const start = COLON_NUMBER.lastIndex - number[1].length;
      parts.push(text.slice(copied, start), '"', number[1], '"');
      copied = COLON_NUMBER.lastIndex;
      at = text.indexOf('"', copied);
    } else {
      at = text.indexOf('"', end);
    }
  }
  parts.push(text.slice(copied));
  return JSON.parse(parts.join('')) as unknown;
}
