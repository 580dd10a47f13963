/**
 * Graph change-notification subscriptions for call records (CALLS-LIVE.md 3; REFERENCE.md 8.2):
 * `POST/GET/PATCH/DELETE /subscriptions` and `POST /subscriptions/{id}/reauthorize`, with the validation
 * handshake on create (the notification URL, and the lifecycle URL when given, must echo `validationToken` as
 * text/plain with 200 within 10 s), the 4,230-minute maximum, expiry, and the notifications themselves: ids only,
 * `@odata.type` spelled `#Microsoft.Graph.callrecord` as the docs show it, `clientState`, sent at least once.
 *
 * Lifecycle events: for call records Graph sends only `reauthorizationRequired` (CALLS-LIVE.md 0.4); a lost
 * subscription simply stops existing (404). The control surface can still send `subscriptionRemoved` and
 * `missed` to test a receiver's handling of every documented event.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { forbidden } from '../resources/errors.js';
import { Permission } from '../resources/roles.js';
import type { CallRecordChangeSink, Route, SimRequest, SimResponse } from '../types.js';
import { GraphHttpError } from '../types.js';
import type { WebhookPoster } from '../webhookPost.js';
import { RetryWaits } from '../retryWaits.js';

/** The longest a call-record subscription may live (Graph docs: subscription resource, Teams callRecord). */
export const MAX_EXPIRATION_MINUTES = 4230;
/** How long Graph waits for the validation echo. */
export const VALIDATION_TIMEOUT_MS = 10_000;
const MAX_CLIENT_STATE = 128;
const CHANGE_TYPES = ['created', 'updated'];
const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export interface StoredSubscription {
  id: string;
  appId: string;
  tenantId: string;
  resource: string;
  changeTypes: readonly string[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationMs: number;
  /** Participant ids of the resource's `$filter`; undefined: every record. */
  participants?: ReadonlySet<string>;
}

export type WebhookKind = 'validation' | 'notification' | 'lifecycle';

/** One POST to a receiver, for the control surface. */
export interface WebhookDelivery {
  time: string;
  kind: WebhookKind;
  subscriptionId: string | null;
  url: string;
  attempt: number;
  /** 0 when no answer came. */
  status: number;
  outcome: 'delivered' | 'failed' | 'skipped';
  error?: string;
  body: unknown;
}

export interface SubscriptionDeliveryOptions {
  maxAttempts: number;
  retryBaseMs: number;
  timeoutMs: number;
  /** Read at send time: the callback behaviour's `duplicate` makes every notification go twice (at least once). */
  duplicate: () => boolean;
  logCapacity: number;
}

export class ChangeSubscriptions implements CallRecordChangeSink {
  private readonly byId = new Map<string, StoredSubscription>();
  private readonly log: WebhookDelivery[] = [];
  private readonly waits = new RetryWaits();
  private readonly sends = new Set<Promise<void>>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private stopped = false;

  constructor(
    private readonly poster: WebhookPoster,
    private readonly options: SubscriptionDeliveryOptions,
  ) {
    // Graph deletes an expired subscription; a renewal after that is a 404.
    this.sweeper = setInterval(() => this.sweep(), 500);
    this.sweeper.unref?.();
  }

  routes(): Route[] {
    const route = (method: Route['method'], pattern: string, name: string, handle: Route['handle']): Route => ({
      method,
      pattern,
      name,
      // Listing and deleting one's own subscriptions needs no particular role; creating one on call records does.
      anyOfRoles: [],
      throttleKeys: () => ['subscriptions'],
      handle,
    });
    return [
      route('POST', '/subscriptions', 'subscriptions.create', (req) => this.create(req)),
      route('GET', '/subscriptions', 'subscriptions.list', (req) => ({
        status: 200,
        body: {
          '@odata.context': `${req.baseUrl}/$metadata#subscriptions`,
          value: [...this.byId.values()].filter((s) => s.appId === req.app.appId).map(render),
        },
      })),
      route('GET', '/subscriptions/{id}', 'subscriptions.get', (req, params) => ({
        status: 200,
        body: { '@odata.context': `${req.baseUrl}/$metadata#subscriptions/$entity`, ...render(this.own(req, params['id'])) },
      })),
      route('PATCH', '/subscriptions/{id}', 'subscriptions.update', (req, params) => this.renew(req, params['id'])),
      route('DELETE', '/subscriptions/{id}', 'subscriptions.delete', (req, params) => {
        this.byId.delete(this.own(req, params['id']).id);
        return { status: 204 };
      }),
      route('POST', '/subscriptions/{id}/reauthorize', 'subscriptions.reauthorize', (req, params) => {
        this.own(req, params['id']);
        return { status: 204 };
      }),
    ];
  }

  /** A record appeared (`created`) or got a later version (`updated`): notify every subscription that asked for it. */
  recordChanged(id: string, change: 'created' | 'updated', participantIds: ReadonlySet<string>): void {
    for (const sub of this.byId.values()) {
      // `updated` covers the first sighting too (CALLS-LIVE.md 3).
      if (!sub.changeTypes.includes(change) && !(change === 'created' && sub.changeTypes.includes('updated'))) continue;
      if (sub.participants && ![...sub.participants].some((p) => participantIds.has(p))) continue;
      const changeType = sub.changeTypes.includes(change) ? change : 'updated';
      const notification = {
        subscriptionId: sub.id,
        clientState: sub.clientState,
        changeType,
        resource: `communications/callRecords/${id}`,
        subscriptionExpirationDateTime: new Date(sub.expirationMs).toISOString(),
        resourceData: { '@odata.type': '#Microsoft.Graph.callrecord', '@odata.id': `communications/callRecords/${id}`, id },
        tenantId: sub.tenantId,
      };
      const copies = this.options.duplicate() ? 2 : 1;
      for (let i = 0; i < copies; i++) this.deliver('notification', sub.id, sub.notificationUrl, { value: [notification] });
    }
  }

  /** The subscriptions now, for the control surface (clientState included). */
  list(): Record<string, unknown>[] {
    this.sweep();
    return [...this.byId.values()].map((s) => ({ ...render(s), clientState: s.clientState, appId: s.appId }));
  }

  /** Forgets a subscription without telling anyone, as when Graph loses one; false if unknown. */
  drop(id: string): boolean {
    return this.byId.delete(id);
  }

  /** Moves a subscription's expiry (a test shortens it to see renewal); returns the subscription. */
  setExpiration(id: string, expirationDateTime: string): Record<string, unknown> {
    const sub = this.byId.get(id) ?? notFound(id);
    const ms = Date.parse(expirationDateTime);
    if (!Number.isFinite(ms))
      throw new GraphHttpError(400, 'BadRequest', `expirationDateTime must be an ISO-8601 instant, got '${expirationDateTime}'.`);
    sub.expirationMs = ms;
    return render(sub);
  }

  /** Sends a lifecycle event to the subscription's lifecycle URL (404 if none or unknown). */
  sendLifecycle(id: string, event: string): void {
    const sub = this.byId.get(id) ?? notFound(id);
    if (!(LIFECYCLE_EVENTS as readonly string[]).includes(event)) {
      throw new GraphHttpError(400, 'BadRequest', `lifecycleEvent must be one of ${LIFECYCLE_EVENTS.join(', ')}, got '${event}'.`);
    }
    if (sub.lifecycleNotificationUrl === null)
      throw new GraphHttpError(409, 'Conflict', `Subscription '${id}' has no lifecycleNotificationUrl.`);
    this.deliver('lifecycle', sub.id, sub.lifecycleNotificationUrl, {
      value: [
        {
          subscriptionId: sub.id,
          subscriptionExpirationDateTime: new Date(sub.expirationMs).toISOString(),
          tenantId: sub.tenantId,
          clientState: sub.clientState,
          lifecycleEvent: event,
        },
      ],
    });
    if (event === 'subscriptionRemoved') this.byId.delete(sub.id);
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map((e) => ({ ...e }));
  }

  reset(): void {
    this.byId.clear();
    this.log.length = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    this.waits.wakeAll();
    this.poster.close();
    await Promise.allSettled([...this.sends]);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, sub] of this.byId) if (sub.expirationMs <= now) this.byId.delete(id);
  }

  private own(req: SimRequest, id: string | undefined): StoredSubscription {
    this.sweep();
    const sub = id === undefined ? undefined : this.byId.get(id);
    if (!sub || sub.appId !== req.app.appId) notFound(id ?? '');
    return sub;
  }

  private async create(req: SimRequest): Promise<SimResponse> {
    const body = isObject(req.body) ? req.body : invalidRequest('The request body must be a subscription object.');
    const resource = requiredString(body, 'resource');
    const participants = parseResource(resource);
    if (!req.app.roles.includes(Permission.CallRecordsRead)) {
      throw forbidden(`Subscriptions on '${resource}' need the application permission ${Permission.CallRecordsRead}.`);
    }
    const changeTypes = requiredString(body, 'changeType')
      .split(',')
      .map((c) => c.trim());
    if (changeTypes.length === 0 || changeTypes.some((c) => !CHANGE_TYPES.includes(c))) {
      invalidRequest(`changeType for call records must be 'created', 'updated' or 'created,updated', got '${String(body['changeType'])}'.`);
    }
    const notificationUrl = receiverUrl(body['notificationUrl'], 'notificationUrl');
    const lifecycleNotificationUrl =
      body['lifecycleNotificationUrl'] === undefined || body['lifecycleNotificationUrl'] === null
        ? null
        : receiverUrl(body['lifecycleNotificationUrl'], 'lifecycleNotificationUrl');
    const expirationMs = expiration(body['expirationDateTime']);
    const clientState = body['clientState'] === undefined || body['clientState'] === null ? null : requiredString(body, 'clientState');
    if (clientState !== null && clientState.length > MAX_CLIENT_STATE) {
      invalidRequest(`clientState must be at most ${MAX_CLIENT_STATE} characters, got ${clientState.length}.`);
    }
    await this.validate(notificationUrl);
    if (lifecycleNotificationUrl !== null) await this.validate(lifecycleNotificationUrl);
    const sub: StoredSubscription = {
      id: randomUUID(),
      appId: req.app.appId,
      tenantId: req.app.tenantId,
      resource,
      changeTypes,
      notificationUrl,
      lifecycleNotificationUrl,
      clientState,
      expirationMs,
      ...(participants ? { participants } : {}),
    };
    this.byId.set(sub.id, sub);
    return {
      status: 201,
      headers: { Location: `${req.baseUrl}/subscriptions/${sub.id}` },
      body: { '@odata.context': `${req.baseUrl}/$metadata#subscriptions/$entity`, ...render(sub), clientState },
    };
  }

  private renew(req: SimRequest, id: string | undefined): SimResponse {
    const sub = this.own(req, id);
    const body = isObject(req.body) ? req.body : invalidRequest('The request body must be {"expirationDateTime": "..."}.');
    for (const key of Object.keys(body)) {
      if (key !== 'expirationDateTime' && key !== 'notificationUrl') invalidRequest(`'${key}' cannot be changed on a subscription.`);
    }
    sub.expirationMs = expiration(body['expirationDateTime']);
    return { status: 200, body: { '@odata.context': `${req.baseUrl}/$metadata#subscriptions/$entity`, ...render(sub) } };
  }

  /** Graph's handshake: POST `?validationToken=...` (text/plain); the URL-decoded token must come back, 200, text/plain. */
  private async validate(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()} ${randomBytes(6).toString('base64url')}`;
    const target = new URL(url);
    target.searchParams.set('validationToken', token);
    let ok = false;
    let detail = '';
    try {
      const answer = await this.poster.post(target, '', 'text/plain; charset=utf-8', VALIDATION_TIMEOUT_MS);
      ok = answer.status === 200 && answer.contentType.toLowerCase().startsWith('text/plain') && answer.body === token;
      detail = ok ? '' : `answered ${answer.status} ${answer.contentType || 'without a content type'}`;
      this.record('validation', null, url, 1, answer.status, ok ? 'delivered' : 'failed', { validationToken: token }, detail || undefined);
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
      this.record('validation', null, url, 1, 0, 'failed', { validationToken: token }, detail);
    }
    if (!ok) {
      throw new GraphHttpError(
        400,
        'ValidationError',
        `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request (${url}: ${detail}).`,
      );
    }
  }

  /** Sends in the background, retrying with backoff on a non-2xx answer or no answer, as Graph does. */
  private deliver(kind: WebhookKind, subscriptionId: string, url: string, payload: unknown): void {
    if (this.stopped) return;
    const body = JSON.stringify(payload);
    const send = (async () => {
      const target = new URL(url);
      if (!this.poster.reachable(target)) {
        this.record(kind, subscriptionId, url, 1, 0, 'skipped', payload, `not a loopback host: ${target.hostname}`);
        return;
      }
      for (let attempt = 1; attempt <= this.options.maxAttempts && !this.stopped; attempt++) {
        try {
          const answer = await this.poster.post(target, body, 'application/json; charset=utf-8', this.options.timeoutMs);
          const ok = answer.status >= 200 && answer.status < 300;
          this.record(kind, subscriptionId, url, attempt, answer.status, ok ? 'delivered' : 'failed', payload);
          if (ok) return;
        } catch (error) {
          if (this.stopped) return;
          this.record(kind, subscriptionId, url, attempt, 0, 'failed', payload, error instanceof Error ? error.message : String(error));
        }
        if (attempt < this.options.maxAttempts) await this.waits.sleep(this.options.retryBaseMs * 2 ** (attempt - 1));
      }
    })();
    this.sends.add(send);
    void send.finally(() => this.sends.delete(send));
  }

  private record(
    kind: WebhookKind,
    subscriptionId: string | null,
    url: string,
    attempt: number,
    status: number,
    outcome: WebhookDelivery['outcome'],
    body: unknown,
    error?: string,
  ): void {
    this.log.push({
      time: new Date().toISOString(),
      kind,
      subscriptionId,
      url,
      attempt,
      status,
      outcome,
      ...(error ? { error } : {}),
      body,
    });
    if (this.log.length > this.options.logCapacity) this.log.splice(0, this.log.length - this.options.logCapacity);
  }
}

/** The subscription as Graph returns it (without `clientState`, which Graph echoes only on create). */
function render(sub: StoredSubscription): Record<string, unknown> {
  return {
    id: sub.id,
    resource: sub.resource,
    applicationId: sub.appId,
    changeType: sub.changeTypes.join(','),
    clientState: null,
    notificationUrl: sub.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
    expirationDateTime: new Date(sub.expirationMs).toISOString(),
    creatorId: sub.appId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  };
}

const PARTICIPANT_CLAUSE = /^participants\/any\((\w+):\s*\1\/id\s+eq\s+'([^']+)'\)$/i;

/**
 * `/communications/callRecords`, with or without the leading slash, optionally filtered by participant:
 * `?$filter=participants/any(p:p/id eq '<id>')`, several joined with ` or ` (REFERENCE.md 8.2). Returns the
 * participant ids of the filter, or undefined for every record.
 */
function parseResource(resource: string): ReadonlySet<string> | undefined {
  const [path, query] = resource.split('?', 2) as [string, string | undefined];
  if (path.replace(/^\/+/, '').toLowerCase() !== 'communications/callrecords') {
    invalidRequest(`This simulator serves subscriptions on '/communications/callRecords' only, got '${resource}'.`);
  }
  if (query === undefined) return undefined;
  const params = new URLSearchParams(query);
  const filter = params.get('$filter');
  if (filter === null || [...params.keys()].some((k) => k !== '$filter')) {
    invalidRequest(`The only query option on a call-record subscription is $filter on participants, got '${query}'.`);
  }
  const ids = new Set<string>();
  for (const clause of filter.split(/\s+or\s+/i)) {
    const m = PARTICIPANT_CLAUSE.exec(clause.trim());
    if (!m?.[2]) invalidRequest(`Unsupported filter '${filter}': use participants/any(p:p/id eq '<id>'), joined with 'or'.`);
    ids.add(m[2]);
  }
  return ids;
}

function receiverUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') invalidRequest(`${name} is required and must be an https URL.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    invalidRequest(`${name} must be an absolute https URL, got '${value}'.`);
  }
  // Graph demands https; http on loopback is the simulator's allowance for test receivers.
  const loopbackHttp = url.protocol === 'http:' && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) invalidRequest(`${name} must be an https URL, got '${value}'.`);
  return value;
}

function expiration(value: unknown): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) invalidRequest(`expirationDateTime must be an ISO-8601 instant, got ${JSON.stringify(value) ?? 'nothing'}.`);
  const now = Date.now();
  if (ms <= now) invalidRequest('Subscription expiration must be in the future.');
  if (ms > now + MAX_EXPIRATION_MINUTES * 60_000) {
    invalidRequest(`Subscription expiration can only be ${MAX_EXPIRATION_MINUTES} minutes in the future for call records.`);
  }
  return ms;
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') invalidRequest(`${key} is required and must be a non-empty string.`);
  return value;
}

function invalidRequest(message: string): never {
  throw new GraphHttpError(400, 'InvalidRequest', message);
}

function notFound(id: string): never {
  throw new GraphHttpError(404, 'ResourceNotFound', `The subscription '${id}' was not found.`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
