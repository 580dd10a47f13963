/**
 * Counts what a server process receives from Graph, at its HTTP client: requests and response body
 * bytes, through undici's diagnostics channels (the product's Graph client uses undici, so nothing in
 * the product changes). It can also record the requests of one operation, bodies and timing included,
 * for the simulator-alone replay.
 */
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

export interface RecordedRequest {
  method: string;
  /** Path and query, version included: `/v1.0/communications/...`. */
  path: string;
  /** Request headers except authorization and the per-request ids. */
  headers: Record<string, string>;
  body?: string;
  startMs: number;
  endMs: number;
  status: number;
}

export interface GraphCounters {
  requests: number;
  bytes: number;
}

interface Tracked {
  method: string;
  path: string;
  headers: Record<string, string>;
  chunks: Buffer[];
  startMs: number;
  status: number;
}

interface UndiciRequest {
  origin?: unknown;
  method?: string;
  path?: string;
  headers?: unknown;
}

const SKIPPED_HEADERS = new Set(['authorization', 'client-request-id', 'host', 'content-length']);

function headerRecord(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: unknown, v: unknown): void => {
    const name = String(k).toLowerCase();
    if (!SKIPPED_HEADERS.has(name)) out[name] = String(v);
  };
  if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) put(raw[i], raw[i + 1]);
  else if (typeof raw === 'string') {
    for (const line of raw.split('\r\n')) {
      const at = line.indexOf(':');
      if (at > 0) put(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
  }
  return out;
}

/** Starts counting requests to `origin` under `/v1.0/` or `/beta/` (token requests are not Graph). */
export function instrumentGraphClient(origin: string): {
  counters(): GraphCounters;
  reset(): void;
  startRecording(): void;
  stopRecording(): RecordedRequest[];
} {
  const tracked = new WeakMap<object, Tracked>();
  let counters: GraphCounters = { requests: 0, bytes: 0 };
  let recording: RecordedRequest[] | undefined;

  diagnostics.subscribe('undici:request:create', (message) => {
    const { request } = message as { request: UndiciRequest };
    if (String(request.origin).replace(/\/$/, '') !== origin) return;
    const path = request.path ?? '';
    if (!/^\/(v1\.0|beta)\//.test(path)) return;
    counters.requests += 1;
    tracked.set(request, {
      method: request.method ?? 'GET',
      path,
      headers: headerRecord(request.headers),
      chunks: [],
      startMs: performance.now(),
      status: 0,
    });
  });
  diagnostics.subscribe('undici:request:bodyChunkSent', (message) => {
    const { request, chunk } = message as { request: object; chunk: Uint8Array | string };
    const t = tracked.get(request);
    if (t && recording) t.chunks.push(Buffer.from(chunk));
  });
  diagnostics.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: object; response: { statusCode: number } };
    const t = tracked.get(request);
    if (t) t.status = response.statusCode;
  });
  diagnostics.subscribe('undici:request:bodyChunkReceived', (message) => {
    const { request, chunk } = message as { request: object; chunk: Uint8Array };
    if (tracked.has(request)) counters.bytes += chunk.byteLength;
  });
  diagnostics.subscribe('undici:request:trailers', (message) => {
    const { request } = message as { request: object };
    const t = tracked.get(request);
    if (!t || !recording) return;
    recording.push({
      method: t.method,
      path: t.path,
      headers: t.headers,
      ...(t.chunks.length > 0 ? { body: Buffer.concat(t.chunks).toString('utf8') } : {}),
      startMs: t.startMs,
      endMs: performance.now(),
      status: t.status,
    });
  });

  // The operation's own span, for the record: when the server got the request and finished answering.
  diagnostics.subscribe('http.server.request.start', () => {
    if (recording)
      recording.push({
        method: 'SERVER',
        path: 'request start',
        headers: {},
        startMs: performance.now(),
        endMs: performance.now(),
        status: 0,
      });
  });
  diagnostics.subscribe('http.server.response.finish', () => {
    if (recording)
      recording.push({
        method: 'SERVER',
        path: 'response finish',
        headers: {},
        startMs: performance.now(),
        endMs: performance.now(),
        status: 0,
      });
  });

  return {
    counters: () => ({ ...counters }),
    reset: () => {
      counters = { requests: 0, bytes: 0 };
    },
    startRecording: () => {
      recording = [];
    },
    stopRecording: () => {
      const out = recording ?? [];
      recording = undefined;
      return out;
    },
  };
}
