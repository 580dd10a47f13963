import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from '../../src/http/readBody.js';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A server whose first request's body read (limit 16 bytes) settles the returned promise. */
async function firstRead(): Promise<{ port: number; outcome: Promise<Buffer> }> {
  let settle!: (p: Promise<Buffer>) => void;
  const outcome = new Promise<Promise<Buffer>>((resolve) => (settle = resolve));
  server = http.createServer((req, res) => {
    const read = readBody(req, 16);
    settle(read);
    read
      .then(
        () => res.end('ok'),
        () => res.writeHead(413).end(),
      )
      .catch(() => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, outcome: outcome.then((p) => p) };
}

function raw(port: number, text: string, end = true): net.Socket {
  const socket = net.connect(port, '127.0.0.1', () => (end ? socket.end(text) : socket.write(text)));
  socket.on('error', () => undefined);
  return socket;
}

describe('readBody', () => {
  it('returns a body within the limit', async () => {
    const { port, outcome } = await firstRead();
    raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
    expect((await outcome).toString()).toBe('hello');
  });

  it('refuses a declared length over the limit before reading it', async () => {
    const { port, outcome } = await firstRead();
    raw(port, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n${'x'.repeat(17)}`);
    await expect(outcome).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('refuses a streamed body once it passes the limit', async () => {
    const { port, outcome } = await firstRead();
    raw(port, `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n${'x'.repeat(32)}\r\n0\r\n\r\n`);
    await expect(outcome).rejects.toMatchObject({ limit: 16 });
  });

  it('rejects, rather than staying pending, when the client hangs up mid-body', async () => {
    const { port, outcome } = await firstRead();
    const socket = raw(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', false);
    setTimeout(() => socket.destroy(), 50);
    // Node reports it as an 'aborted' error or a close before the end; either way the read settles.
    await expect(outcome).rejects.toThrow(/aborted|closed the request before its body ended/);
  });
});
