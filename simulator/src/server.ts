/**
 * The HTTPS transport: listening, writing JSON, and stopping with every socket closed (keep-alive ones included).
 */
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SimResponse } from './types.js';
import { toJsonText } from './wire.js';

export interface ListenOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  onRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export interface SimulatorServer {
  port: number;
  /** Idempotent: stops listening and destroys every open socket. */
  stop(): Promise<void>;
}

type ServerState = { kind: 'running' } | { kind: 'stopping'; done: Promise<void> } | { kind: 'stopped' };

export async function listen(options: ListenOptions): Promise<SimulatorServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ cert: options.certPem, key: options.keyPem, keepAliveTimeout: 5_000 }, (req, res) => {
    options.onRequest(req, res).catch((err: unknown) => {
      // The handler answers its own errors; this only guards against a failure while writing.
      if (!res.headersSent)
        sendJson(res, { status: 500, body: { error: { code: 'generalException', message: 'An unexpected error occurred.' } } });
      else res.destroy(err instanceof Error ? err : undefined);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A client aborting the handshake is not the server's problem.
  server.on('tlsClientError', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let state: ServerState = { kind: 'running' };
  return {
    port: (server.address() as AddressInfo).port,
    stop() {
      if (state.kind === 'stopped') return Promise.resolve();
      if (state.kind === 'stopping') return state.done;
      const done = new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(() => {
        state = { kind: 'stopped' };
      });
      state = { kind: 'stopping', done };
      return done;
    },
  };
}

/** Writes a response; bodies are serialised as JSON (the Content-Type comes with `response.headers`). */
export function sendJson(res: ServerResponse, response: SimResponse, extraHeaders: Record<string, string> = {}): void {
  const payload = response.body === undefined ? undefined : Buffer.from(toJsonText(response.body));
  const headers: Record<string, string | number> = { ...extraHeaders, ...(response.headers ?? {}) };
  if (payload !== undefined) {
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-Length'] = payload.length;
  } else if (response.status !== 204 && response.status !== 304) {
    headers['Content-Length'] = 0;
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Header values as one string each, names lower-case. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}
