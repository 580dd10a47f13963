/**
 * A tiny stand-in for Graph on 127.0.0.1:0, scripted per test: each request gets the reply the test's
 * function returns, or its connection dropped, or no answer at all.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { GraphClientConfig, TokenProvider } from '../../src/graph/index.js';

export interface Seen {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's port: a different one means a different connection. */
  remotePort: number;
}

export type Reply =
  /** A Buffer body is sent as it is (e.g. already compressed), with only the reply's own headers. */
  | { status: number; headers?: Record<string, string>; body?: unknown; delayMs?: number }
  | 'drop'
  | 'hang'
  /** Status line and headers, then a body that never finishes. */
  | 'stall-body';

export interface FakeGraph {
  origin: string;
  seen: Seen[];
  close(): Promise<void>;
}

export async function startFakeGraph(respond: (seen: Seen, index: number) => Reply | Promise<Reply>): Promise<FakeGraph> {
  const seen: Seen[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: req.socket.remotePort ?? 0,
      };
      seen.push(entry);
      void Promise.resolve(respond(entry, seen.length - 1)).then((reply) => {
        if (reply === 'hang') return;
        if (reply === 'stall-body') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"id":');
          return;
        }
        if (reply === 'drop') {
          req.socket.destroy();
          return;
        }
        const send = (): void => {
          const headers: Record<string, string> = { ...reply.headers };
          let payload: string | Buffer = '';
          if (Buffer.isBuffer(reply.body)) payload = reply.body;
          else if (reply.body !== undefined) {
            payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
            headers['content-type'] ??= typeof reply.body === 'string' ? 'text/html' : 'application/json';
          }
          res.writeHead(reply.status, headers).end(payload);
        };
        if (reply.delayMs) {
          const t = setTimeout(() => {
            timers.delete(t);
            send();
          }, reply.delayMs);
          timers.add(t);
        } else send();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Config for a fake Graph at `origin`, with fast backoff; tests override what they examine. */
export function testConfig(origin: string, overrides: Partial<GraphClientConfig> = {}): GraphClientConfig {
  return {
    graphOrigin: origin,
    authorityHost: origin,
    tenantId: 'contoso.onmicrosoft.com',
    clientId: '11111111-1111-1111-1111-111111111111',
    credential: { clientSecret: 'not-used' },
    ...overrides,
    limits: { retryBaseDelayMs: 1, retryMaxDelayMs: 60_000, ...overrides.limits },
  };
}

/** Hands out `tok-1`, `tok-2`, ... and remembers whether each call forced a refresh. */
export function countingTokens(): TokenProvider & { calls: boolean[] } {
  const calls: boolean[] = [];
  return {
    calls,
    getToken: ({ forceRefresh }) => {
      calls.push(forceRefresh);
      return Promise.resolve(`tok-${calls.length}`);
    },
  };
}

/**
 * Virtual time for retry waits: `sleep` records the wait and moves the clock instead of waiting, so a
 * Retry-After of 2.128 s costs nothing in a test. Starts on a whole second, so HTTP dates are exact.
 */
export function virtualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)): {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  waits: number[];
} {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: (ms) => {
      waits.push(ms);
      t += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
  };
}

export const ok = (body: unknown = {}, headers: Record<string, string> = {}): Reply => ({ status: 200, body, headers });

export function graphErrorBody(code: string, message: string, requestId = 'req-abc'): unknown {
  return { error: { code, message, innerError: { 'request-id': requestId, date: '2026-01-05T09:00:00', 'client-request-id': 'x' } } };
}

/** For a test file: what `track` is given (fakes, clients) is closed after each test, last first. */
export function closedAfterEach(): <T extends { close(): Promise<void> }>(thing: T) => T {
  const started: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) await s.close();
  });
  return (thing) => {
    started.push(thing);
    return thing;
  };
}
