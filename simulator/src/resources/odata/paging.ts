import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../../types.js';
import { badRequest } from '../errors.js';

/** The `Prefer` header preferences the call-record endpoints understand. */
export interface Preferences {
  /** `odata.maxpagesize=n` when n is a positive integer; undefined otherwise (an invalid value is ignored). */
  maxPageSize?: number;
  omitNulls: boolean;
  includeUnknownEnumMembers: boolean;
}

export function parsePreferences(headers: Readonly<Record<string, string>>): Preferences {
  const prefs: Preferences = { omitNulls: false, includeUnknownEnumMembers: false };
  const header = headers['prefer'];
  if (!header) return prefs;
  for (const part of header.split(',')) {
    const [rawName = '', rawValue] = part.split('=', 2).map((s) => s.trim());
    const name = rawName.toLowerCase();
    const value = rawValue?.replace(/^"(.*)"$/, '$1');
    if (name === 'odata.maxpagesize' && value !== undefined && /^\d+$/.test(value) && Number(value) >= 1) {
      prefs.maxPageSize = Number(value);
    } else if (name === 'omit-values' && value?.toLowerCase() === 'nulls') {
      prefs.omitNulls = true;
    } else if (name === 'include-unknown-enum-members') {
      prefs.includeUnknownEnumMembers = true;
    }
  }
  return prefs;
}

/**
 * The page size for a collection: the client's `odata.maxpagesize` when it is within `max`, otherwise `max`
 * (a larger request is capped, since Graph documents the preference as "must be at most the maximum page size").
 * `applied` is the `Preference-Applied` value when the preference was honoured as asked.
 */
export function pageSize(prefs: Preferences, max: number): { size: number; applied?: string } {
  if (prefs.maxPageSize === undefined || prefs.maxPageSize > max) return { size: max };
  return { size: prefs.maxPageSize, applied: `odata.maxpagesize=${prefs.maxPageSize}` };
}

/** Builds the `Preference-Applied` header from the preferences that were honoured. */
export function preferenceApplied(values: readonly (string | undefined)[]): Record<string, string> {
  const applied = values.filter((v): v is string => v !== undefined);
  return applied.length ? { 'Preference-Applied': applied.join(', ') } : {};
}

/**
 * Opaque, signed continuation tokens. A token carries a position (a JSON value chosen by the collection) and a
 * digest of the query it was issued for (path and every query option except `$skiptoken`); it is signed with a
 * key derived from the simulator's seed. A token that was altered, or replayed against another query, is a 400.
 */
export class SkipTokens {
  private readonly key: Buffer;

  constructor(seed: number) {
    this.key = createHash('sha256').update(`comms-graphql simulator skiptoken ${seed}`).digest();
  }

  /** `target` is the request the token's link will make (its path and query without `$skiptoken`). */
  issue(target: QueryTarget, position: unknown): string {
    const body = Buffer.from(JSON.stringify({ q: queryDigest(target), p: position }), 'utf8');
    return `${body.toString('base64url')}.${this.sign(body).toString('base64url')}`;
  }

  /** The position a token was issued with, or undefined when the request has no `$skiptoken`. */
  read(req: SimRequest, token: string | undefined): unknown {
    if (token === undefined) return undefined;
    const invalid = badRequest(
      'The $skiptoken is invalid: it was altered or issued for a different query. Follow @odata.nextLink as returned.',
    );
    const [bodyPart, sigPart, ...rest] = token.split('.');
    if (!bodyPart || !sigPart || rest.length) throw invalid;
    const body = Buffer.from(bodyPart, 'base64url');
    // Compared as text: base64 decoding ignores stray trailing characters, the canonical encoding does not.
    const sig = Buffer.from(sigPart, 'utf8');
    const expected = Buffer.from(this.sign(body).toString('base64url'), 'utf8');
    if (body.toString('base64url') !== bodyPart || sig.length !== expected.length || !timingSafeEqual(sig, expected)) {
      throw invalid;
    }
    let parsed: { q?: unknown; p?: unknown };
    try {
      parsed = JSON.parse(body.toString('utf8')) as { q?: unknown; p?: unknown };
    } catch {
      throw invalid;
    }
    if (parsed.q !== queryDigest(req)) throw invalid;
    return parsed.p;
  }

  private sign(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 18);
  }
}

export type QueryTarget = Pick<SimRequest, 'path' | 'query'>;

function queryDigest(req: QueryTarget): string {
  const entries = [...req.query]
    .filter(([k]) => k.toLowerCase() !== '$skiptoken')
    .map(([k, v]) => `${k.toLowerCase()}=${v}`)
    .sort();
  return createHash('sha256')
    .update(`${req.path}\n${entries.join('&')}`)
    .digest('base64url')
    .slice(0, 16);
}

/** `rawQuery` without its `$skiptoken` parameters, raw parts kept as the client encoded them. */
function queryWithoutSkipToken(rawQuery: string): string[] {
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .filter((part) => {
      const name = part.split('=', 1)[0] ?? '';
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replaceAll('+', ' '));
      } catch {
        // keep the raw name
      }
      return decoded.toLowerCase() !== '$skiptoken';
    });
}

/** The absolute `@odata.nextLink`: the request's URL with every original option plus the new `$skiptoken`. */
export function nextLink(req: SimRequest, token: string, path: string = req.path, rawQuery: string = req.rawQuery): string {
  const parts = queryWithoutSkipToken(rawQuery);
  parts.push(`$skiptoken=${encodeURIComponent(token)}`);
  return `${req.baseUrl}${path}?${parts.join('&')}`;
}
