/**
 * Graph's report rows mark a date-time that does not apply (a failed call's end, a successful call's failure) with
 * `0001-01-01T00:00:00Z` (CALLS-LIVE.md 4.2). A caller gets null there, not a date two thousand years ago.
 */
const NO_DATE_TIME = /^0001-01-01T00:00:00(?:\.0+)?(?:Z|[+-]00:00)?$/i;

export function reportDateTime(value: string | null | undefined): string | null {
  return typeof value === 'string' && !NO_DATE_TIME.test(value) ? value : null;
}
