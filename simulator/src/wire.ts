/** Wire details every Graph response shares: headers, ids and Graph's date format. */
import { randomUUID } from 'node:crypto';

/** The Content-Type Graph sends with JSON bodies. */
export const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Graph's diagnostic header; support asks for it alongside request-id. */
const AGS_DIAGNOSTIC = JSON.stringify({
  ServerInfo: { DataCenter: 'Simulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'SIM-LOCAL', ADSiteName: 'LOC' },
});

export function newGuid(): string {
  return randomUUID();
}

/** `yyyy-mm-ddThh:mm:ss`, the form of `innerError.date`. */
export function graphDate(at: Date = new Date()): string {
  return at.toISOString().slice(0, 19);
}

/** Correlation headers of one Graph response (top-level or `$batch` item). */
export interface Correlation {
  requestId: string;
  /** Echoed when the caller sent one. */
  clientRequestId?: string;
}

export function correlationHeaders(correlation: Correlation): Record<string, string> {
  return {
    'request-id': correlation.requestId,
    ...(correlation.clientRequestId !== undefined ? { 'client-request-id': correlation.clientRequestId } : {}),
    'x-ms-ags-diagnostic': AGS_DIAGNOSTIC,
  };
}

/**
 * An `Edm.Decimal` sent as Graph sends it with `IEEE754Compatible=false`: a JSON number with its exact digits
 * (`0.00`, `12.3456789012345678`), which `JSON.stringify` cannot write from a JS number. Stored as text, it is
 * written through a marker that `toJsonText` replaces with the bare digits.
 */
export class JsonDecimal {
  constructor(readonly digits: string) {
    if (!DECIMAL.test(digits)) throw new RangeError(`a decimal must look like -12.345, got ${JSON.stringify(digits)}`);
  }

  toJSON(): string {
    return `${DECIMAL_MARK}${this.digits}${DECIMAL_MARK}`;
  }
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
/** A NUL, which JSON.stringify writes as `\u0000`; no generated string holds one. */
const DECIMAL_MARK = '\u0000';
const MARKED_DECIMAL = /"\\u0000(-?\d+(?:\.\d+)?)\\u0000"/g;

/** JSON text of a response body, decimals written as bare numbers with their exact digits. */
export function toJsonText(body: unknown): string {
  return JSON.stringify(body).replace(MARKED_DECIMAL, '$1');
}
