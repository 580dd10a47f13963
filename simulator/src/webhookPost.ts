/**
 * One POST to a webhook as Graph sends them, for call callbacks (signed: the caller adds the Authorization header)
 * and change notifications (no Authorization: the receiver checks `clientState`): a deadline, only loopback hosts
 * unless told otherwise, and the answer's status, content type and body (the validation handshake reads it).
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface WebhookAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Largest answer body read (a validation echo is short). */
const MAX_ANSWER_BYTES = 64 * 1024;
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

export class WebhookPoster {
  private readonly httpAgent = new HttpAgent({ keepAlive: false });
  private readonly httpsAgent: HttpsAgent;
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly deliverTo: 'loopback' | 'any',
    extraCaPem: readonly string[] = [],
  ) {
    this.httpsAgent = new HttpsAgent({ keepAlive: false, ca: [...rootCertificates, ...extraCaPem] });
  }

  /** Whether a URL may be reached at all (`callbackDeliverTo: 'loopback'` keeps tests off the internet). */
  reachable(url: URL): boolean {
    return this.deliverTo === 'any' || LOOPBACK.test(url.hostname);
  }

  /** Rejects on a refused connection, a timeout or an unreachable host. */
  async post(
    url: URL,
    body: string,
    contentType: string,
    timeoutMs: number,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<WebhookAnswer> {
    if (!this.reachable(url)) throw new Error(`not a loopback host (callbackDeliverTo is 'loopback'): ${url.hostname}`);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const https = url.protocol === 'https:';
    try {
      return await new Promise<WebhookAnswer>((resolve, reject) => {
        const req = (https ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            agent: https ? this.httpsAgent : this.httpAgent,
            signal: controller.signal,
            timeout: timeoutMs,
            headers: { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
            });
            res.once('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                contentType: String(res.headers['content-type'] ?? ''),
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.once('error', reject);
          },
        );
        req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.once('error', reject);
        req.end(body);
      });
    } finally {
      this.inFlight.delete(controller);
    }
  }

  /** Aborts what is in flight and closes the connections. */
  close(): void {
    for (const controller of this.inFlight) controller.abort();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
