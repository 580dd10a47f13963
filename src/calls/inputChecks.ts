import { badUserInput } from '../errors/index.js';

/**
 * The checks every call input shares: each refuses with BAD_USER_INPUT naming the input field at fault and
 * saying what was expected and what arrived.
 */

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function checkGuid(value: string, field: string): void {
  if (!GUID.test(value))
    throw badUserInput(
      `${field} must be a GUID like 8b081ef6-4792-4def-b2c9-c363a1bf41d5, got ${JSON.stringify(value.slice(0, 64))}`,
      field,
    );
}

export function checkLength(value: string, min: number, max: number, field: string): void {
  if (value.length < min || value.length > max)
    throw badUserInput(`${field} must be ${min} to ${max} characters, got ${value.length}`, field);
}

export function checkHttpsUrl(value: string, field: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || value.length > 2048 || url.username || url.password) {
    throw badUserInput(`${field} must be an https URL without credentials, got ${JSON.stringify(value.slice(0, 80))}`, field);
  }
}

/** An integer within bounds, when given. */
export function checkOptionalInt(value: number | null | undefined, min: number, max: number, field: string): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max)
    throw badUserInput(`${field} must be between ${min} and ${max}, got ${value}`, field);
}

/** A list's length within bounds. */
export function checkCount(list: readonly unknown[], min: number, max: number, field: string, noun: string): void {
  if (list.length < min || list.length > max) throw badUserInput(`${field} must hold ${min} to ${max} ${noun}, got ${list.length}`, field);
}

/** An enum input that must not be the sentinel (or another value Graph would refuse in a request). */
export function checkNotSentinel(value: string, field: string, refused: readonly string[] = ['unknownFutureValue']): void {
  if (refused.includes(value)) throw badUserInput(`${field} cannot be ${sentinelName(value)} in a request`, field);
}

function sentinelName(wire: string): string {
  return wire.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
