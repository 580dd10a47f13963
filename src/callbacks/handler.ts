/**
 * `POST /callbacks/calls`: where Graph delivers a call's notifications. The checks run cheapest first and a
 * refused request changes nothing:
 *
 *   405 not POST · 503 draining · 429 over the rate bound (Retry-After) · 415 not JSON · 413 body too large ·
 *   401 no valid Graph token (WWW-Authenticate: Bearer) · 503 signing keys unavailable · 400 not a
 *   commsNotifications envelope · 202 accepted
 *
 * The answer goes out once the token is verified and the body parsed; the notifications are applied after it
 * (Graph asks bots not to block), in arrival order. One log line per request, never with the token.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { CallbackSettings } from '../config/callbacks.js';
import { BodyTooLargeError, readBody } from '../http/readBody.js';
import { sendJson } from '../http/respond.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { ApplyOutcome, LiveCalls } from './liveCalls.js';
import { NotAnEnvelopeError, parseNotifications, type ParsedNotification } from './notifications.js';
import { createTokenBucket } from './tokenBucket.js';
import type { CallbackTokenVerifier } from './tokenVerifier.js';

export interface CallbackHandlerOptions {
  /** Undefined when no OpenID configuration is known: every callback is then refused with 401. */
  verifier: CallbackTokenVerifier | undefined;
  liveCalls: LiveCalls;
  settings: Pick<CallbackSettings, 'maxBodyBytes' | 'ratePerSecond' | 'rateBurst'>;
  logger: Logger;
  metrics: GatewayMetrics | undefined;
  /** False while the gateway drains: callbacks get 503. */
  accepting: () => boolean;
}

export interface CallbackHandler {
  handle: http.RequestListener;
  /** Resolves once every accepted callback has been applied. */
  idle(): Promise<void>;
}

export type CallbackOutcome =
  | 'accepted'
  | 'unauthenticated'
  | 'bad_request'
  | 'too_large'
  | 'rate_limited'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'unavailable';

const WAIT_FOR_KEYS_SECONDS = 30;

export function createCallbackHandler(options: CallbackHandlerOptions): CallbackHandler {
  const { verifier, liveCalls, settings, metrics } = options;
  const logger = options.logger.child({ component: 'callbacks' });
  const bucket = createTokenBucket(settings.ratePerSecond, settings.rateBurst);
  const pending = new Set<Promise<void>>();

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, requestId: string) {
    const refuse = (outcome: CallbackOutcome, status: number, message: string, headers: Record<string, string> = {}) => {
      req.resume();
      sendJson(res, status, { error: message }, headers);
      metrics?.recordCallback(outcome);
      logger.warn({ requestId, outcome, status }, 'callback refused');
    };
    if (req.method !== 'POST') return refuse('method_not_allowed', 405, 'the callback endpoint takes POST only', { allow: 'POST' });
    if (!options.accepting()) return refuse('unavailable', 503, 'the gateway is shutting down', { connection: 'close' });
    const admitted = bucket.take();
    if (!admitted.ok) {
      return refuse('rate_limited', 429, 'too many callback requests', { 'retry-after': String(admitted.retryAfterSeconds) });
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return refuse('unsupported_media_type', 415, 'callbacks must have Content-Type: application/json');
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > settings.maxBodyBytes) {
      return refuse('too_large', 413, `callback bodies are limited to ${settings.maxBodyBytes} bytes`, { connection: 'close' });
    }

    const authorization = req.headers.authorization;
    const verdict = verifier
      ? await verifier.verify(authorization)
      : ({ ok: false, kind: 'unauthenticated', reason: 'no OpenID configuration is known to verify callback tokens' } as const);
    if (!verdict.ok) {
      if (verdict.kind === 'unavailable') {
        return refuse('unavailable', 503, 'the callback token cannot be verified now: the signing keys are unavailable', {
          'retry-after': String(WAIT_FOR_KEYS_SECONDS),
        });
      }
      const challenge = authorization ? 'Bearer error="invalid_token"' : 'Bearer';
      logger.debug({ requestId, reason: verdict.reason }, 'callback token refused');
      return refuse('unauthenticated', 401, `the callback token is not valid: ${verdict.reason}`, { 'www-authenticate': challenge });
    }

    let notifications: ParsedNotification[];
    try {
      const raw = await readBody(req, settings.maxBodyBytes);
      notifications = parseNotifications(JSON.parse(raw.toString('utf8')));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return refuse('too_large', 413, `callback bodies are limited to ${settings.maxBodyBytes} bytes`, { connection: 'close' });
      }
      if (error instanceof SyntaxError) return refuse('bad_request', 400, 'the body is not valid JSON');
      if (error instanceof NotAnEnvelopeError) return refuse('bad_request', 400, error.message);
      throw error;
    }
    res.writeHead(202, { 'content-length': '0' }).end();
    metrics?.recordCallback('accepted');
    const applying = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const outcomes = await liveCalls.apply(notifications);
      const counts = countOutcomes(outcomes);
      for (const [result, count] of Object.entries(counts)) metrics?.recordNotifications(result, count);
      logger.info({ requestId, outcome: 'accepted', status: 202, notifications: notifications.length, ...counts }, 'callback accepted');
    });
    pending.add(applying);
    applying
      .catch((error: unknown) => logger.error({ requestId, err: error }, 'callback notifications could not be applied'))
      .finally(() => pending.delete(applying));
  }

  return {
    handle(req, res) {
      const requestId = acceptedRequestId(req.headers['x-request-id']) ?? randomUUID();
      res.setHeader('x-request-id', requestId);
      serve(req, res, requestId).catch((error: unknown) => {
        logger.error({ requestId, err: error }, 'callback request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'Unexpected error.' });
        else res.destroy();
      });
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

function countOutcomes(outcomes: readonly ApplyOutcome[]): Record<ApplyOutcome, number> {
  const counts: Record<ApplyOutcome, number> = { applied: 0, duplicate: 0, stale: 0, ignored: 0 };
  for (const outcome of outcomes) counts[outcome] += 1;
  return counts;
}

function acceptedRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(value) ? value : undefined;
}
