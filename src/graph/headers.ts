/**
 * A record of header values as fetch `Headers`: a string value is set, a list of strings (a header Graph
 * repeated) appended one by one, anything else skipped. Used for undici's response headers and for the
 * `headers` object of each `$batch` item.
 */
export function headersFrom(raw: unknown): Headers {
  const headers = new Headers();
  if (typeof raw !== 'object' || raw === null) return headers;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') headers.append(name, v);
  }
  return headers;
}

/** One header of such a record by its lowercase name (the record may spell it in any case), when it is a string. */
export function headerValue(raw: unknown, lowercaseName: string): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  for (const name in raw) {
    if (name.toLowerCase() !== lowercaseName) continue;
    const value = (raw as Record<string, unknown>)[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}
