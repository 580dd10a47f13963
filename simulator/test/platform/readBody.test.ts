import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from '../../src/readBody.js';

const LIMIT = 8;
const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * Sends `request` (raw HTTP/1.1) to a server that reads its body with an 8-byte cap and answers 413 on
 * BodyTooLargeError. Returns the read's outcome and, once the connection closes, the status line sent back.
 */
async function send(request: string, options: { hangUpAfterMs?: number } = {}) {
  const server = createServer();
  servers.push(server);
  const outcome = new Promise<{ body: string } | { error: unknown }>((resolve) =>
    server.once('request', (req: IncomingMessage, res: ServerResponse) => {
      readBody(req, LIMIT).then(
        (bytes) => {
          resolve({ body: bytes.toString() });
          res.end();
        },
        (error: unknown) => {
          resolve({ error });
          if (error instanceof BodyTooLargeError) res.writeHead(413, { connection: 'close' }).end();
          else res.destroy();
        },
      );
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  socket.setEncoding('utf8');
  const reply = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
  socket.write(request);
  if (options.hangUpAfterMs !== undefined) setTimeout(() => socket.destroy(), options.hangUpAfterMs);

  return { outcome: await outcome, statusLine: () => reply };
}

describe("the simulator's body reader", () => {
  it('returns a body within the cap', async () => {
    const { outcome } = await send('POST / HTTP/1.1\r\nHost: sim\r\nContent-Length: 8\r\nConnection: close\r\n\r\n12345678');
    expect(outcome).toEqual({ body: '12345678' });
  });

  it('refuses a declared Content-Length over the cap without waiting for the body', async () => {
    const { outcome, statusLine } = await send('POST / HTTP/1.1\r\nHost: sim\r\nContent-Length: 9\r\n\r\n');
    expect(outcome).toEqual({ error: expect.objectContaining({ name: 'BodyTooLargeError', limit: LIMIT }) });
    expect(await statusLine()).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('refuses a chunked body as soon as it passes the cap, and can still answer', async () => {
    const { outcome, statusLine } = await send(
      'POST / HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n5\r\n67890\r\n',
    );
    expect(outcome).toEqual({ error: expect.any(BodyTooLargeError) });
    expect(await statusLine()).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('rejects rather than stays pending when the client goes away mid-body', async () => {
    const { outcome } = await send('POST / HTTP/1.1\r\nHost: sim\r\nContent-Length: 8\r\n\r\n123', { hangUpAfterMs: 20 });
    expect(outcome).toEqual({ error: expect.any(Error) });
    expect((outcome as { error: Error }).error).not.toBeInstanceOf(BodyTooLargeError);
  });
});
