/**
 * `POST /callbacks/callRecords` and `POST /callbacks/callRecords/lifecycle`: where Graph delivers change
 * notifications on call records and lifecycle events (CALLS-LIVE.md 3). Checks run cheapest first; a refused
 * request changes nothing:
 *
 *   validation handshake (`?validationToken=`): 200 text/plain with the decoded token, at once ·
 *   405 not POST · 503 draining · 429 over the rate bound · 415 not JSON · 413 too large · 400 not a
 *   `{"value": [...]}` envelope · 403 no notification carries the subscription's clientState · 202 accepted
 *
 * Graph wants an answer within 3 s: the 202 goes out once the body is checked, and the notices are published on
 * the bus after it. Notifications carry ids only; every replica fetches what its own subscribers selected.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { BodyTooLargeError, readBody } from '../http/readBody.js';
import { sendJson } from '../http/respond.js';
import type { CallRecordNotice } from '../live/events.js';
import type { Logger } from '../observability/logger.js';

export interface NotificationEndpointOptions {
  maxBodyBytes: number;
  /** False while the gateway drains: notifications get 503 (Graph retries them). */
  accepting: () => boolean;
  /** Takes one request from the rate bound, or says when to retry. */
  admit: () => { ok: true } | { ok: false; retryAfterSeconds: number };
  /** The clientState the current subscription carries; `refresh` rereads it from where the owner keeps it. */
  clientState: (refresh: boolean) => Promise<string | undefined>;
  /** Publishes accepted notices (to every replica). */
  publish: (notices: CallRecordNotice[]) => Promise<void>;
  logger: Logger;
}

/** Longest validation token echoed (Graph's are about 150 characters). */
const MAX_VALIDATION_TOKEN = 2048;
const RECORD_TYPE = '#microsoft.graph.callrecord';
const RESOURCE = /^\/?communications\/callRecords\/([^/?]+)$/i;

export function createNotificationEndpoint(options: NotificationEndpointOptions): {
  notifications: http.RequestListener;
  lifecycle: http.RequestListener;
} {
  const logger = options.logger.child({ component: 'callRecordNotifications' });
  const pending = new Set<Promise<void>>();

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, kind: 'notifications' | 'lifecycle'): Promise<void> {
    const refuse = (status: number, message: string, headers: Record<string, string> = {}): void => {
      req.resume();
      sendJson(res, status, { error: message }, headers);
      logger.warn({ kind, status }, 'call-record notification refused');
    };
    if (req.method !== 'POST') return refuse(405, 'this endpoint takes POST only', { allow: 'POST' });
    const token = new URL(req.url ?? '/', 'http://gateway').searchParams.get('validationToken');
    if (token !== null) {
      req.resume();
      if (token.length === 0 || token.length > MAX_VALIDATION_TOKEN) return refuse(400, 'the validationToken is empty or too long');
      // Plain text, never sniffed as HTML: the token is echoed exactly, decoded, as Graph requires.
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(token),
      });
      res.end(token);
      logger.info({ kind }, 'subscription validation answered');
      return;
    }
    if (!options.accepting()) return refuse(503, 'the gateway is shutting down', { connection: 'close' });
    const admitted = options.admit();
    if (!admitted.ok) return refuse(429, 'too many notification requests', { 'retry-after': String(admitted.retryAfterSeconds) });
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return refuse(415, 'notifications must have Content-Type: application/json');
    let items: unknown[];
    try {
      const body = JSON.parse((await readBody(req, options.maxBodyBytes)).toString('utf8')) as unknown;
      const value = typeof body === 'object' && body !== null ? (body as { value?: unknown }).value : undefined;
      if (!Array.isArray(value)) return refuse(400, 'the body must be a {"value": [...]} envelope of notifications');
      items = value;
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return refuse(413, `bodies are limited to ${options.maxBodyBytes} bytes`, { connection: 'close' });
      if (error instanceof SyntaxError) return refuse(400, 'the body is not valid JSON');
      throw error;
    }
    let expected = await options.clientState(false);
    const carries = (item: unknown): boolean => sameSecret(field(item, 'clientState'), expected);
    // A miss may mean a replica has not seen the owner's subscription yet: read it again once before refusing.
    if (!items.some(carries)) expected = await options.clientState(true);
    const genuine = items.filter(carries);
    if (genuine.length === 0) return refuse(403, 'no notification carries the clientState of the subscription');
    const notices = genuine.flatMap((item) => (kind === 'lifecycle' ? lifecycleNotice(item) : recordNotice(item)));
    res.writeHead(202, { 'content-length': '0' }).end();
    logger.info({ kind, notices: notices.length, refused: items.length - genuine.length }, 'call-record notifications accepted');
    const publishing = options
      .publish(notices)
      .catch((error: unknown) => logger.error({ err: error }, 'call-record notices could not be published'));
    pending.add(publishing);
    void publishing.finally(() => pending.delete(publishing));
  }

  const handler =
    (kind: 'notifications' | 'lifecycle'): http.RequestListener =>
    (req, res) => {
      serve(req, res, kind).catch((error: unknown) => {
        logger.error({ err: error }, 'call-record notification request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'Unexpected error.' });
        else res.destroy();
      });
    };
  return { notifications: handler('notifications'), lifecycle: handler('lifecycle') };
}

/** Constant-time comparison of a received clientState with the expected one (digests, so lengths never leak). */
function sameSecret(received: unknown, expected: string | undefined): boolean {
  if (typeof received !== 'string' || expected === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(received), digest(expected));
}

function field(item: unknown, key: string): unknown {
  return typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : undefined;
}

/** A record notification: ids only; `@odata.type` in either case (`#Microsoft.Graph.callrecord` / `callRecord`). */
function recordNotice(item: unknown): CallRecordNotice[] {
  const changeType = field(item, 'changeType');
  if (changeType !== 'created' && changeType !== 'updated') return [];
  const data = field(item, 'resourceData');
  const odataType = field(data, '@odata.type');
  if (odataType !== undefined && (typeof odataType !== 'string' || odataType.toLowerCase() !== RECORD_TYPE)) return [];
  const fromData = field(data, 'id');
  const fromResource = RESOURCE.exec(String(field(item, 'resource') ?? ''))?.[1];
  const id = typeof fromData === 'string' && fromData !== '' ? fromData : fromResource;
  return id === undefined ? [] : [{ type: 'callRecord', id, changeType }];
}

function lifecycleNotice(item: unknown): CallRecordNotice[] {
  const subscriptionId = field(item, 'subscriptionId');
  const lifecycleEvent = field(item, 'lifecycleEvent');
  if (typeof subscriptionId !== 'string' || typeof lifecycleEvent !== 'string') return [];
  return [{ type: 'callRecordLifecycle', subscriptionId, lifecycleEvent }];
}
