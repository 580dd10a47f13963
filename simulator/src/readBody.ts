/**
 * The simulator's request body reader, capped in bytes. It is its own: the simulator imports nothing of the
 * gateway it stands in for.
 */
import type { IncomingMessage } from 'node:http';

/** The body, declared or as received, is larger than the cap. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';

  constructor(readonly limit: number) {
    super(`request body must be at most ${limit} bytes`);
  }
}

/**
 * The whole body of `req`. Past `limit` bytes (by Content-Length, or once that many have arrived) it rejects
 * with BodyTooLargeError at once and lets the rest flow by unread, so a 413 can still be written; a client
 * that goes away mid-body rejects it too, so no read is left pending.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      outcome();
    };
    const refuse = (): void =>
      settle(() => {
        req.resume(); // discard what is still coming
        reject(new BodyTooLargeError(limit));
      });

    function onData(chunk: Buffer): void {
      received += chunk.length;
      if (received > limit) refuse();
      else chunks.push(chunk);
    }
    function onEnd(): void {
      settle(() => resolve(Buffer.concat(chunks, received)));
    }
    function onError(err: Error): void {
      settle(() => reject(err));
    }
    function onClose(): void {
      settle(() => reject(new Error('the client went away before the request body ended')));
    }

    if (Number(req.headers['content-length']) > limit) {
      refuse();
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
