/**
 * OData query-option builders for the call-records API. Every value that reaches a query string passes
 * through here: string literals are escaped, instants validated and normalised, identifiers checked.
 * Graph docs: List callRecords: `$filter` on callRecords supports only startDateTime comparisons (`and`-joined) and
 * `participants_v2/any(p:p/id eq '...')`.
 */

/** Quotes a value as an OData string literal: `O'Brien` becomes `'O''Brien'`. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|z|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return days[month - 1] ?? 0;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** True when `value` is an ISO 8601 instant with a date, a time and an offset (`Z` or `±hh:mm`). */
export function isIsoInstant(value: string): boolean {
  return parseInstant(value) !== undefined;
}

function parseInstant(value: string): string | undefined {
  const m = INSTANT.exec(value);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, offset] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (offset !== undefined && offset.toUpperCase() !== 'Z') {
    const oh = Number(offset.slice(1, 3));
    const om = Number(offset.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const utcYear = d.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return undefined;
  const base = d.toISOString().slice(0, 19);
  // The offset is whole minutes, so the fraction survives the shift unchanged (no precision lost).
  const fraction = frac !== undefined && /[1-9]/.test(frac) ? frac.replace(/0+$/, '') : '';
  return `${base}${fraction}Z`;
}

/**
 * Validates an ISO 8601 instant and returns it in UTC for an unquoted OData literal:
 * `2023-09-25T11:25:00+02:00` becomes `2023-09-25T09:25:00Z`. Throws a RangeError otherwise.
 */
export function toODataInstant(value: string | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('expected a valid Date, got an invalid Date');
    return toODataInstant(value.toISOString());
  }
  const out = typeof value === 'string' ? parseInstant(value) : undefined;
  if (out === undefined) {
    throw new RangeError(
      `expected an ISO 8601 instant with an offset, like 2023-09-25T09:25:00Z, got ${JSON.stringify(String(value).slice(0, 64))}`,
    );
  }
  return out;
}

export interface InstantRange {
  gt?: string | Date | undefined;
  gte?: string | Date | undefined;
  lt?: string | Date | undefined;
  lte?: string | Date | undefined;
}

const RANGE_OPS = [
  ['gt', 'gt'],
  ['gte', 'ge'],
  ['lt', 'lt'],
  ['lte', 'le'],
] as const;

/** `startDateTime ge 2023-09-25T09:25:00Z and startDateTime lt ...`, in gt/ge/lt/le order; `''` when empty. */
export function startDateTimeFilter(range: InstantRange, property = 'startDateTime'): string {
  const clauses: string[] = [];
  for (const [key, op] of RANGE_OPS) {
    const v = range[key];
    if (v !== undefined && v !== null) clauses.push(`${property} ${op} ${toODataInstant(v)}`);
  }
  return clauses.join(' and ');
}

/** `participants_v2/any(p:p/id eq '<id>')`, the id escaped as an OData string literal. */
export function participantFilter(participantId: string): string {
  if (participantId.length === 0) throw new RangeError('expected a non-empty participant id, got ""');
  return `participants_v2/any(p:p/id eq ${odataString(participantId)})`;
}

export interface CallRecordFilterInput {
  startDateTime?: InstantRange | undefined;
  participantId?: string | undefined;
}

/** The callRecords `$filter` expression, or undefined when the input filters nothing. */
export function callRecordsFilter(input: CallRecordFilterInput): string | undefined {
  const parts: string[] = [];
  if (input.startDateTime) {
    const range = startDateTimeFilter(input.startDateTime);
    if (range !== '') parts.push(range);
  }
  if (input.participantId !== undefined) parts.push(participantFilter(input.participantId));
  return parts.length === 0 ? undefined : parts.join(' and ');
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new RangeError(`expected an OData ${what} name (letters, digits, underscore), got ${JSON.stringify(name.slice(0, 64))}`);
  }
  return name;
}

/** `$select` value: property names checked and de-duplicated in first-seen order. */
export function selectOption(fields: Iterable<string>): string {
  const seen = new Set<string>();
  for (const f of fields) seen.add(checkIdentifier(f, 'property'));
  return [...seen].join(',');
}

/** Nested options of one expanded navigation property. */
export interface ExpandOptions {
  select?: Iterable<string>;
  expand?: ExpandSpec;
}

/** Navigation property name to `true` (plain) or nested options: `{ sessions: { expand: { segments: true } } }`. */
export type ExpandSpec = Readonly<Record<string, true | ExpandOptions>>;

/** `$expand` value, e.g. `sessions($expand=segments)` or `sessions($select=id,modalities;$expand=segments)`. */
export function expandOption(spec: ExpandSpec): string {
  const items: string[] = [];
  for (const [name, opts] of Object.entries(spec)) {
    checkIdentifier(name, 'navigation property');
    if (opts === true) {
      items.push(name);
      continue;
    }
    const nested: string[] = [];
    if (opts.select) {
      const sel = selectOption(opts.select);
      if (sel !== '') nested.push(`$select=${sel}`);
    }
    if (opts.expand) {
      const exp = expandOption(opts.expand);
      if (exp !== '') nested.push(`$expand=${exp}`);
    }
    items.push(nested.length === 0 ? name : `${name}(${nested.join(';')})`);
  }
  return items.join(',');
}

function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/%(24|2C|3A|2F|40)/g, (s) => decodeURIComponent(s));
}

/** Encoded query values by value: an operation naming 100 calls encodes the same `$select` 100 times. */
const encodedValues = new Map<string, string>();
const MAX_ENCODED_VALUES = 512;

/** Percent-encodes a query value, keeping the characters OData expressions read better with. */
function encodeQueryValue(value: string): string {
  if (value.length > 1024) return percentEncode(value);
  let encoded = encodedValues.get(value);
  if (encoded === undefined) {
    encoded = percentEncode(value);
    // Filters vary with callers' arguments: the memo is dropped whole when full rather than kept in order.
    if (encodedValues.size >= MAX_ENCODED_VALUES) encodedValues.clear();
    encodedValues.set(value, encoded);
  }
  return encoded;
}

/**
 * Assembles `?k=v&...` from query options, skipping undefined and empty values; keys keep their `$`.
 * Returns `''` when nothing remains.
 */
export function buildQuery(options: Readonly<Record<string, string | number | undefined>>): string {
  const parts: string[] = [];
  for (const [key, raw] of Object.entries(options)) {
    if (raw === undefined || raw === '') continue;
    if (!/^\$?[A-Za-z][A-Za-z0-9_]*$/.test(key)) throw new RangeError(`expected a query option name, got ${JSON.stringify(key)}`);
    parts.push(`${key}=${encodeQueryValue(String(raw))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
