/**
 * Delivery of call notifications to callback URLs, at least once as Graph does: one queue per call (so a
 * call's notifications leave in order unless shuffled), signed POSTs, retries with exponential backoff on
 * non-2xx, refused connections and timeouts, optional duplicates, shuffles, drops and delays, and a
 * bounded delivery log tests can read and wait on. `stop()` ends delivery.
 */
import type { SigningKey } from '../identity/signingKey.js';
import { seededRandom } from '../random.js';
import type { Random } from '../random.js';
import type { CallbackSink, CallbackTarget } from '../types.js';
import { WebhookPoster } from '../webhookPost.js';
import { signCallbackToken } from './signing.js';
import { RetryWaits } from '../retryWaits.js';

export interface CallbackDeliveryOptions {
  /** Deliver every second notification twice. */
  duplicate: boolean;
  /** Hold each notification up to `shuffleWindowMs` and swap it with the call's next one. */
  shuffle: boolean;
  shuffleWindowMs: number;
  /** Probability that a delivery attempt is dropped (never sent, then retried). */
  dropP: number;
  /** Delay before every delivery attempt. */
  delayMs: number;
  /** Attempts per notification, the first included. */
  maxAttempts: number;
  /** Backoff before retry n is `retryBaseMs * 2^(n-1)`. */
  retryBaseMs: number;
  timeoutMs: number;
  /** `loopback`: POST only to loopback hosts, log others as skipped. `any`: POST anywhere. */
  deliverTo: 'loopback' | 'any';
  seed: number;
  /** Delivery log entries kept. */
  logCapacity: number;
  /** Notifications queued per call; beyond it the oldest is dropped (logged as `overflow`). */
  queueCapacity: number;
  /** PEM CAs trusted for https callback URLs besides the system's (the simulator's own CA). */
  extraCaPem?: readonly string[];
}

/** The delivery behaviours a test may switch at run time. */
export interface CallbackBehaviour {
  duplicate: boolean;
  shuffle: boolean;
  dropP: number;
  delayMs: number;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dropped' | 'skipped' | 'overflow';

/** One delivery attempt, as the control surface shows it. */
export interface CallbackDelivery {
  /** ISO-8601 instant of the attempt. */
  time: string;
  callId: string;
  url: string;
  /** Sequence number of the notification (a duplicate shares it). */
  notificationId: number;
  /** True for the second copy of a duplicated notification. */
  duplicate: boolean;
  /** 1 for the first attempt, higher for retries. */
  attempt: number;
  /** HTTP status of the answer; 0 when none came. */
  status: number;
  outcome: DeliveryOutcome;
  error?: string;
  /** The commsNotifications envelope sent. */
  body: unknown;
}

interface Item {
  target: CallbackTarget;
  id: number;
  duplicate: boolean;
  body: string;
}

interface CallQueue {
  items: Item[];
  running: boolean;
  held?: { items: Item[]; timer: ReturnType<typeof setTimeout> };
}

interface Waiter {
  predicate: (log: readonly CallbackDelivery[]) => boolean;
  resolve: (log: CallbackDelivery[]) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class CallbackNotifier implements CallbackSink {
  private readonly queues = new Map<string, CallQueue>();
  private readonly log: CallbackDelivery[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly waits = new RetryWaits();
  private readonly pumps = new Set<Promise<void>>();
  private readonly poster: WebhookPoster;
  private random: Random;
  private sequence = 0;
  private stopped = false;
  private readonly options: CallbackDeliveryOptions;

  constructor(
    private readonly key: SigningKey,
    options: CallbackDeliveryOptions,
  ) {
    this.options = { ...options };
    this.random = seededRandom(options.seed);
    this.poster = new WebhookPoster(options.deliverTo, options.extraCaPem ?? []);
  }

  notify(target: CallbackTarget, notification: Record<string, unknown>): void {
    if (this.stopped) return;
    const id = ++this.sequence;
    const body = JSON.stringify({ '@odata.type': '#microsoft.graph.commsNotifications', value: [notification] });
    const items: Item[] = [{ target, id, duplicate: false, body }];
    if (this.options.duplicate && id % 2 === 0) items.push({ target, id, duplicate: true, body });
    let queue = this.queues.get(target.callId);
    if (!queue) {
      queue = { items: [], running: false };
      this.queues.set(target.callId, queue);
    }
    if (!this.options.shuffle) this.enqueue(queue, items);
    else if (queue.held) {
      // A partner arrived within the window: it overtakes the held notification.
      const held = queue.held;
      clearTimeout(held.timer);
      delete queue.held;
      this.enqueue(queue, [...items, ...held.items]);
    } else {
      const q = queue;
      const timer = setTimeout(() => {
        if (q.held?.timer !== timer) return;
        delete q.held;
        this.enqueue(q, items);
      }, this.options.shuffleWindowMs);
      timer.unref?.();
      queue.held = { items, timer };
      return;
    }
  }

  behaviour(): CallbackBehaviour {
    const { duplicate, shuffle, dropP, delayMs } = this.options;
    return { duplicate, shuffle, dropP, delayMs };
  }

  /** Switches behaviours for notifications from now on (validated by the caller); restarts the drop sequence. */
  configure(change: Partial<CallbackBehaviour>): CallbackBehaviour {
    Object.assign(this.options, change);
    this.random = seededRandom(this.options.seed);
    return this.behaviour();
  }

  /** Delivery attempts, oldest first (bounded). */
  deliveries(): CallbackDelivery[] {
    return this.log.map((e) => ({ ...e }));
  }

  /** Resolves with the log once `predicate` holds for it; rejects after `timeoutMs`. */
  waitFor(predicate: (log: readonly CallbackDelivery[]) => boolean, timeoutMs: number): Promise<CallbackDelivery[]> {
    if (predicate(this.log)) return Promise.resolve(this.deliveries());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`No matching callback delivery within ${timeoutMs} ms; ${this.log.length} attempts logged.`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Clears the log and restarts the drop sequence; queued notifications still go out. */
  reset(): void {
    this.log.length = 0;
    this.random = seededRandom(this.options.seed);
  }

  /** Idempotent: stops delivery (queued and held notifications are discarded, attempts in flight aborted). */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      for (const queue of this.queues.values()) {
        if (queue.held) clearTimeout(queue.held.timer);
        queue.items.length = 0;
      }
      this.waits.wakeAll();
      this.poster.close();
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('The simulator stopped before a matching callback delivery.'));
      }
      this.waiters.clear();
    }
    await Promise.allSettled([...this.pumps]);
    this.queues.clear();
  }

  private enqueue(queue: CallQueue, items: readonly Item[]): void {
    if (this.stopped) return;
    for (const item of items) {
      if (queue.items.length >= this.options.queueCapacity) {
        const oldest = queue.items.shift();
        if (oldest) this.record(oldest, 0, 0, 'overflow', 'the call has too many undelivered notifications');
      }
      queue.items.push(item);
    }
    if (queue.running) return;
    queue.running = true;
    const pump = this.drain(queue).finally(() => {
      queue.running = false;
      this.pumps.delete(pump);
      const callId = items[0]?.target.callId;
      if (callId !== undefined && queue.items.length === 0 && !queue.held && this.queues.get(callId) === queue) this.queues.delete(callId);
    });
    this.pumps.add(pump);
  }

  private async drain(queue: CallQueue): Promise<void> {
    for (let item = queue.items.shift(); item !== undefined && !this.stopped; item = queue.items.shift()) {
      await this.deliver(item);
    }
  }

  private async deliver(item: Item): Promise<void> {
    const url = new URL(item.target.callbackUri);
    if (!this.poster.reachable(url)) {
      this.record(item, 1, 0, 'skipped', `not a loopback host (callbackDeliverTo is 'loopback'): ${url.hostname}`);
      return;
    }
    for (let attempt = 1; attempt <= this.options.maxAttempts && !this.stopped; attempt++) {
      if (this.options.delayMs > 0) await this.waits.sleep(this.options.delayMs);
      if (this.stopped) return;
      if (this.random() < this.options.dropP) {
        this.record(item, attempt, 0, 'dropped');
      } else {
        try {
          const status = await this.post(url, item);
          const ok = status >= 200 && status < 300;
          this.record(item, attempt, status, ok ? 'delivered' : 'failed');
          if (ok) return;
        } catch (err) {
          if (this.stopped) return;
          this.record(item, attempt, 0, 'failed', err instanceof Error ? err.message : String(err));
        }
      }
      if (attempt < this.options.maxAttempts) await this.waits.sleep(this.options.retryBaseMs * 2 ** (attempt - 1));
    }
  }

  private async post(url: URL, item: Item): Promise<number> {
    const token = await signCallbackToken(this.key, item.target.audience, item.target.tenantId);
    const answer = await this.poster.post(url, item.body, 'application/json', this.options.timeoutMs, { Authorization: `Bearer ${token}` });
    return answer.status;
  }

  private record(item: Item, attempt: number, status: number, outcome: DeliveryOutcome, error?: string): void {
    this.log.push({
      time: new Date().toISOString(),
      callId: item.target.callId,
      url: item.target.callbackUri,
      notificationId: item.id,
      duplicate: item.duplicate,
      attempt,
      status,
      outcome,
      ...(error !== undefined ? { error } : {}),
      body: JSON.parse(item.body) as unknown,
    });
    if (this.log.length > this.options.logCapacity) this.log.splice(0, this.log.length - this.options.logCapacity);
    for (const waiter of this.waiters) {
      if (!waiter.predicate(this.log)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(this.deliveries());
    }
  }
}
