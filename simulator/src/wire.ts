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
