import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badUserInput } from '../errors/index.js';

/**
 * Where the next record after an edge lives in Graph: the relative URL of the Graph page holding it
 * (the first page's URL, or an `@odata.nextLink` made relative after the host check), the page size
 * that page was requested with, and the record's index in it. `path: null` means nothing follows.
 */
export interface CursorPosition {
  path: string | null;
  pageSize: number;
  index: number;
}

interface CursorPayload extends CursorPosition {
  v: 1;
  /** Digest of the filter the cursor was made for. */
  f: string;
}

const MAX_CURSOR_LENGTH = 4096;
/** The Graph pages a `callRecords` cursor may name; other connections pass their own pattern to `decode`. */
const ALLOWED_PATH = /^\/communications\/callRecords\?[^#\s]*$/;

/** Signs and checks paging cursors. Cursors are opaque to callers and useless with another filter. */
export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update('comms-graphql cursor v1\0').update(secret).digest();
  }

  /** A stable digest of a filter (any JSON value), so a cursor can be bound to it. */
  static filterDigest(filter: unknown): string {
    return createHash('sha256')
      .update(stableJson(filter ?? null))
      .digest('base64url')
      .slice(0, 22);
  }

  encode(position: CursorPosition, filterDigest: string): string {
    const payload: CursorPayload = { v: 1, f: filterDigest, ...position };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /**
   * Returns the position, or throws BAD_USER_INPUT for a forged, corrupted or foreign cursor. `allowedPath` is
   * what the connection's Graph pages look like (default: the call-record list).
   */
  decode(cursor: string, filterDigest: string, allowedPath: RegExp = ALLOWED_PATH): CursorPosition {
    const invalid = (why: string) => badUserInput(`after is not a valid cursor from this connection: ${why}`, 'after');
    if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw invalid('wrong length');
    const dot = cursor.indexOf('.');
    if (dot <= 0) throw invalid('malformed');
    const body = cursor.slice(0, dot);
    // Compare the signature as text: decoding base64url first would accept non-canonical spellings of it
    // (ignored padding, the unused low bits of its last character), so one cursor would have many forms.
    const given = Buffer.from(cursor.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.sign(body), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('signature mismatch');

    let payload: Partial<CursorPayload>;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<CursorPayload>;
    } catch {
      throw invalid('malformed');
    }
    if (payload.v !== 1) throw invalid('unsupported version');
    if (payload.f !== filterDigest) throw invalid('it was issued for a different filter');
    const { path, pageSize, index } = payload;
    const pathOk = path === null || (typeof path === 'string' && allowedPath.test(path));
    if (!pathOk || !Number.isInteger(pageSize) || !Number.isInteger(index) || (pageSize as number) < 1 || (index as number) < 0) {
      throw invalid('malformed');
    }
    return { path: path as string | null, pageSize: pageSize as number, index: index as number };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
