/**
 * Reading Graph's `@odata.type`, which names the concrete type of a polymorphic value. Graph is not consistent
 * about it: `#microsoft.graph.serviceHostedMediaConfig`, `microsoft.graph.serviceHostedMediaConfig`,
 * `#Microsoft.Graph.callRecord` and `#microsoft.graph.callRecords.participantEndpoint` all occur.
 */

/** The short type name in lower case (`servicehostedmediaconfig`), or undefined when absent or blank. */
export function odataTypeName(value: unknown): string | undefined {
  const raw = rawOdataType(value);
  if (raw === null) return undefined;
  const short = raw
    .slice(raw.lastIndexOf('.') + 1)
    .replace(/^#/, '')
    .trim()
    .toLowerCase();
  return short === '' ? undefined : short;
}

/** The `@odata.type` exactly as Graph sent it, or null; for the `odataType` field of the Unknown… types. */
export function rawOdataType(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const raw = (value as Record<string, unknown>)['@odata.type'];
  return typeof raw === 'string' ? raw : null;
}

/** True when `value` has `key` with a value other than null or undefined. */
export function hasValue(value: object, key: string): boolean {
  const v = (value as Record<string, unknown>)[key];
  return v !== null && v !== undefined;
}
