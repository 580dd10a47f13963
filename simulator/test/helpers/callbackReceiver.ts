/**
 * A loopback HTTP receiver for call notifications, as a bot would run it: it validates each POST's bearer
 * token against the simulator's published callback OpenID configuration (iss, aud, tid, signature and
 * lifetime), answers 202 (401 when the token is bad, or a scripted status), and records what arrived.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { fetch } from 'undici';
import type { TestSimulator } from './testSimulator.js';

export type Rec = Record<string, unknown>;

export interface ReceivedNotification {
  changeType: string;
  resourceUrl: string;
  resourceData: unknown;
  /** The token's claims. */
  claims: JWTPayload;
  /** The protected header's kid. */
  kid: string | undefined;
  contentType: string | undefined;
}

export interface CallbackReceiver {
  /** `http://127.0.0.1:PORT/callback` (any path on the receiver works). */
  url: string;
  /** Valid notifications in arrival order. */
  received: ReceivedNotification[];
  /** Requests refused with 401, with the reason. */
  refused: string[];
  /** Statuses to answer the next valid POSTs with instead of 202, one per POST. */
  answerNext(...statuses: number[]): void;
  /** Resolves once `predicate` holds over the received notifications; rejects after `timeoutMs`. */
  waitFor(predicate: (received: readonly ReceivedNotification[]) => boolean, timeoutMs?: number): Promise<ReceivedNotification[]>;
  /** Notifications about one call (its resourceUrl starts with `/communications/calls/{id}`). */
  forCall(callId: string): ReceivedNotification[];
  close(): Promise<void>;
}

/**
 * Starts a receiver that accepts tokens for `audience` (the app's client id) in the simulator's tenant; with
 * `tls` it listens on https (the simulator trusts certificates from its own CA for callbacks).
 */
export async function startCallbackReceiver(
  sim: TestSimulator,
  audience: string,
  tls?: { certPem: string; keyPem: string },
): Promise<CallbackReceiver> {
  const config = (await (await sim.client.fetch(sim.callbackOpenIdConfigurationUrl)).json()) as { issuer: string; jwks_uri: string };
  const jwks = createRemoteJWKSet(new URL(config.jwks_uri), {
    [customFetch]: (url, options) =>
      fetch(url, {
        method: options.method,
        redirect: options.redirect,
        signal: options.signal,
        headers: Object.fromEntries(options.headers),
        dispatcher: sim.client.agent,
      }) as unknown as ReturnType<typeof globalThis.fetch>,
  });
  const received: ReceivedNotification[] = [];
  const refused: string[] = [];
  const scripted: number[] = [];
  const waiters = new Set<() => void>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const verify = token
        ? jwtVerify(token, jwks, { issuer: config.issuer, audience, algorithms: ['RS256'] })
        : Promise.reject(new Error('no bearer token'));
      verify
        .then(({ payload, protectedHeader }) => {
          if (payload['tid'] !== sim.tenantId) throw new Error(`tid ${String(payload['tid'])}`);
          const status = scripted.shift() ?? 202;
          if (status >= 200 && status < 300) {
            const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { '@odata.type': string; value: Rec[] };
            if (envelope['@odata.type'] !== '#microsoft.graph.commsNotifications') throw new Error('not a commsNotifications envelope');
            for (const n of envelope.value) {
              received.push({
                changeType: n['changeType'] as string,
                resourceUrl: n['resourceUrl'] as string,
                resourceData: n['resourceData'],
                claims: payload,
                kid: protectedHeader.kid,
                contentType: req.headers['content-type'],
              });
            }
            for (const wake of waiters) wake();
          }
          res.writeHead(status).end();
        })
        .catch((err: unknown) => {
          refused.push(err instanceof Error ? err.message : String(err));
          res.writeHead(401).end();
        });
    });
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, onRequest) : createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/callback`,
    received,
    refused,
    answerNext: (...statuses) => scripted.push(...statuses),
    waitFor(predicate, timeoutMs = 5000) {
      if (predicate(received)) return Promise.resolve([...received]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; received ${JSON.stringify(received.map((r) => [r.changeType, r.resourceUrl]))}`));
        }, timeoutMs);
        const check = (): void => {
          if (!predicate(received)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve([...received]);
        };
        waiters.add(check);
      });
    },
    forCall: (callId) => received.filter((r) => r.resourceUrl.startsWith(`/communications/calls/${callId}`)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The call-level `state` of a notification, if any. */
export function stateOf(n: ReceivedNotification): unknown {
  return Array.isArray(n.resourceData) ? undefined : (n.resourceData as Rec | undefined)?.['state'];
}
