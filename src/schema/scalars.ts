/**
 * The custom scalars: `DateTime` (RFC 3339 date-time with offset) and `Duration` (ISO 8601 duration).
 * Outputs are Graph's strings as Graph sent them; inputs are validated, and DateTime inputs normalized to UTC.
 */
import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 date-time with offset and returns it in UTC (`Z`), keeping the fractional seconds as given;
 * returns undefined for anything else (no bare dates, no missing offset, no impossible calendar dates).
 */
export function normalizeDateTime(value: string): string | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const fraction = m[7];
  const offsetSign = m[9] === '-' ? -1 : 1;
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;

  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const utc = new Date(date.getTime() - offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000);
  if (utc.getUTCFullYear() < 0 || utc.getUTCFullYear() > 9999) return undefined;
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}` +
    `T${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}` +
    `${fraction === undefined ? '' : `.${fraction}`}Z`
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DURATION =
  /^-?P(?!$)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?W)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?$/;

/** True for an ISO 8601 duration such as `PT0.02S`, `P1DT2H` or `-PT5M`. */
export function isDuration(value: string): boolean {
  return DURATION.test(value);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

function stringLiteral(scalar: string, node: ValueNode): string {
  if (node.kind !== Kind.STRING) {
    throw new GraphQLError(`${scalar} must be a string literal, got ${print(node)}`, { nodes: node });
  }
  return node.value;
}

function parseDateTime(value: unknown, node?: ValueNode): string {
  const normalized = typeof value === 'string' ? normalizeDateTime(value) : undefined;
  if (normalized === undefined) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 date-time with an offset, such as 2023-09-25T09:28:38Z; got ${describe(value)}`,
      node === undefined ? {} : { nodes: node },
    );
  }
  return normalized;
}

function parseDuration(value: unknown, node?: ValueNode): string {
  if (typeof value !== 'string' || !isDuration(value)) {
    throw new GraphQLError(
      `Duration must be an ISO 8601 duration, such as PT0.02S; got ${describe(value)}`,
      node === undefined ? {} : { nodes: node },
    );
  }
  return value;
}

function serializeString(scalar: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (scalar === 'DateTime' && value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  throw new GraphQLError(`${scalar} cannot represent ${describe(value)}: Graph sends it as a string`);
}

export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  serialize: (value) => serializeString('DateTime', value),
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (node) => parseDateTime(stringLiteral('DateTime', node), node),
});

export const DurationScalar = new GraphQLScalarType<string, string>({
  name: 'Duration',
  serialize: (value) => serializeString('Duration', value),
  parseValue: (value) => parseDuration(value),
  parseLiteral: (node) => parseDuration(stringLiteral('Duration', node), node),
});
