/**
 * The shared `$batch` transport. GET items from every concurrent caller wait in one queue for a short
 * coalescing window, then go out as `POST /$batch` requests of at most 20 items (Graph docs: JSON batching):
 * - identical GETs (same path and headers) in one flush are sent once and fanned out to every caller;
 * - a flush of a single item is sent as a plain GET;
 * - answers are matched by `id`, whatever their order;
 * - items answered 429/503/504 are re-queued on their own, after the largest item Retry-After of their
 *   batch, within the attempt limit and each caller's deadline (LESSONS 3);
 * - an outer failure goes through the handler chain's retry (the batch holds only GETs, so it is
 *   idempotent) and, when final, lands in every slot of that batch;
 * - a caller's abort or deadline settles its own slots at once without disturbing the others.
 * Every slot settles with a GraphResponse or an Error; the promise returned to a caller never rejects.
 */
import type { GraphRequest, GraphRequestOptions, GraphResponse } from './request.js';
import { GraphError, GraphTransportError, graphErrorFrom } from './errors.js';
import { recordBatchSize, RETRYABLE_STATUSES, type Clock, type GraphClientStats } from './request.js';
import { backoffDelay, parseRetryAfter } from './retryAfter.js';
import { trace, traceContext, withLinks, type SpanContext, type TraceContext } from '../observability/tracing.js';
import { headersFrom, headerValue } from './headers.js';

export interface BatchTransportOptions {
  maxItems: number;
  windowMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The shared retry budget: asked once per re-sent item; false when it is spent. Default: always. */
  retryPermit?: () => boolean;
  /**
   * Tells the budget how many items a `$batch` sends for the first time: Graph weighs each item like a
   * request, so each earns its share of retries as a request would. Default: ignored.
   */
  recordFirstSends?: (items: number) => void;
}

/** How the transport sends: the client's own handler chain (`request`). */
export type BatchSend = (req: GraphRequest, options: GraphRequestOptions) => Promise<GraphResponse>;

interface Slot {
  readonly req: GraphRequest;
  readonly key: string;
  readonly deadline: number | undefined;
  readonly caller: string | undefined;
  /** Sends so far (item-level). */
  attempts: number;
  /** Epoch ms before which the slot is not flushed. */
  notBefore: number;
  settled: boolean;
  /** The request currently carrying this slot, if any. */
  flight: InFlight | undefined;
  /** The trace context of the caller (its operation span), for the span of the request that carries the slot. */
  readonly trace: TraceContext;
  settle(value: GraphResponse | Error): void;
}

/** One outgoing request (a `$batch` or a plain GET) and the slots waiting on it. */
interface InFlight {
  readonly controller: AbortController;
  readonly slots: Slot[];
}

interface BatchItemResponse {
  id?: unknown;
  status?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** `notBefore` of an item never sent: due at the next flush, whatever triggers it. */
const FRESH = -Infinity;

function dedupeKey(req: GraphRequest): string {
  if (req.headers === undefined) return `${req.path}\n[]`;
  const headers = Object.entries(req.headers)
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${req.path}\n${JSON.stringify(headers)}`;
}

/**
 * A successful item's answer. Its headers become fetch `Headers` only when read: the gateway's readers take the
 * body, and one `$batch` answers up to 20 items (a `Headers` each was most of the transport's own cost per item).
 */
function itemResponse(item: BatchItemResponse & { status: number }, outer: GraphResponse): GraphResponse {
  let headers: Headers | undefined;
  return {
    status: item.status,
    get headers() {
      return (headers ??= headersFrom(item.headers));
    },
    body: item.body,
    clientRequestId: outer.clientRequestId,
    requestId: headerValue(item.headers, 'request-id') ?? outer.requestId,
  };
}

/**
 * Sends in the first caller's trace context, linked to the other callers' operations: a `$batch` shared by
 * concurrent operations is one span, found from each of them.
 */
function traced<T>(slots: readonly Slot[], send: () => Promise<T>): Promise<T> {
  const first = slots[0]?.trace ?? traceContext.active();
  const own = trace.getSpanContext(first)?.spanId;
  const others = new Map<string, SpanContext>();
  for (const slot of slots) {
    const spanContext = trace.getSpanContext(slot.trace);
    if (spanContext && spanContext.spanId !== own) others.set(spanContext.spanId, spanContext);
  }
  return traceContext.with(withLinks(first, [...others.values()]), send);
}

export class BatchTransport {
  private queue: Slot[] = [];
  /** The pending flush: an immediate when it is due now, else a timer. */
  private timer: { cancel(): void } | undefined;
  private timerAt = Infinity;
  /** When the open coalescing window flushes; undefined while no fresh item waits. */
  private windowFlushAt: number | undefined;
  private readonly inFlight = new Set<InFlight>();
  private closed = false;

  constructor(
    private readonly send: BatchSend,
    private readonly opts: BatchTransportOptions,
    private readonly clock: Clock,
    private readonly stats: GraphClientStats,
  ) {}

  enqueue<T>(reqs: readonly GraphRequest[], options: GraphRequestOptions = {}): Promise<Array<GraphResponse<T> | Error>> {
    const { signal, deadline, caller } = options;
    // One abort listener and one deadline timer for the call's items, not one of each per item (S2 sends 100).
    const slots: Slot[] = [];
    let unsettled = 0;
    let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      for (const slot of slots) slot.settle(signal?.reason as Error);
    };
    const release = (): void => {
      if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    const promises = reqs.map(
      (req) =>
        new Promise<GraphResponse<T> | Error>((resolve) => {
          if (this.closed) return resolve(new Error('the Graph client is closed'));
          if (req.method !== 'GET') {
            return resolve(new TypeError(`batch() carries GET requests only, got ${String(req.method)} ${req.path}`));
          }
          if (typeof req.path !== 'string' || !req.path.startsWith('/') || req.path.startsWith('//')) {
            return resolve(
              new TypeError(`path must be relative to the versioned Graph base and start with one "/", got ${JSON.stringify(req.path)}`),
            );
          }
          if (signal?.aborted) return resolve(signal.reason as Error);
          const slot: Slot = {
            req,
            key: dedupeKey(req),
            deadline,
            caller,
            attempts: 0,
            notBefore: this.openWindow(),
            settled: false,
            flight: undefined,
            trace: traceContext.active(),
            settle: (value) => {
              if (slot.settled) return;
              slot.settled = true;
              if (--unsettled === 0) release();
              resolve(value as GraphResponse<T> | Error);
              this.onSlotSettled(slot);
            },
          };
          slots.push(slot);
          this.queue.push(slot);
        }),
    );
    unsettled = slots.length;
    if (unsettled > 0) {
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadline !== undefined) {
        deadlineTimer = setTimeout(
          () => {
            for (const slot of slots) slot.settle(new GraphTransportError('deadline', '', 'GET', slot.req.path));
          },
          Math.max(0, deadline - this.clock.now()),
        );
      }
    }
    this.schedule();
    return Promise.all(promises);
  }

  /** Settles every waiting slot with an error and stops the timer; in-flight requests are aborted. */
  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.timer = undefined;
    const err = new Error('the Graph client is closed');
    for (const slot of this.queue) slot.settle(err);
    this.queue = [];
    for (const flight of [...this.inFlight]) {
      for (const slot of flight.slots) slot.settle(err);
      flight.controller.abort(err);
    }
  }

  /**
   * Fresh items join the open coalescing window, or open one that the next flush closes: however slow
   * the event loop, items enqueued before a flush go out in it.
   */
  private openWindow(): number {
    this.windowFlushAt ??= this.clock.now() + this.opts.windowMs;
    return FRESH;
  }

  private schedule(): void {
    this.queue = this.queue.filter((s) => !s.settled);
    if (this.closed || this.queue.length === 0) return;
    const at = Math.min(...this.queue.map((s) => (s.notBefore === FRESH ? (this.windowFlushAt ?? 0) : s.notBefore)));
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    const fire = (): void => {
      const due = this.timerAt;
      this.timer = undefined;
      this.timerAt = Infinity;
      this.flush(due);
    };
    // A flush due now runs on the next turn of the event loop, after the I/O callbacks that may add to it: Node
    // rounds a 0 ms timeout up to 1 ms, and that millisecond was most of the gateway's own latency on one call.
    const delay = at - this.clock.now();
    if (delay <= 0) {
      const immediate = setImmediate(fire);
      this.timer = { cancel: () => clearImmediate(immediate) };
    } else {
      const timeout = setTimeout(fire, delay);
      this.timer = { cancel: () => clearTimeout(timeout) };
    }
  }

  /** Aborts an in-flight request once nobody waits for it any more. */
  private onSlotSettled(slot: Slot): void {
    const flight = slot.flight;
    slot.flight = undefined;
    if (flight && this.inFlight.has(flight) && flight.slots.every((s) => s.settled)) {
      this.inFlight.delete(flight);
      flight.controller.abort(new Error('every caller of this Graph request has gone'));
    }
  }

  /** Sends every slot due by `due` (the timer's target: timers may fire a little before the clock says). */
  private flush(due: number): void {
    const now = Math.max(this.clock.now(), due);
    this.windowFlushAt = undefined;
    const ready: Slot[] = [];
    const waiting: Slot[] = [];
    for (const slot of this.queue) {
      if (slot.settled) continue;
      (slot.notBefore <= now ? ready : waiting).push(slot);
    }
    this.queue = waiting;

    const groups = new Map<string, Slot[]>();
    for (const slot of ready) {
      const group = groups.get(slot.key);
      if (group) group.push(slot);
      else groups.set(slot.key, [slot]);
    }
    const keys = [...groups.values()];
    for (let i = 0; i < keys.length; i += this.opts.maxItems) {
      const chunk = keys.slice(i, i + this.opts.maxItems);
      if (chunk.length === 1 && chunk[0]) void this.sendSingle(chunk[0]);
      else void this.sendBatch(chunk);
    }
    this.schedule();
  }

  private track(slots: Slot[]): InFlight {
    const flight: InFlight = { controller: new AbortController(), slots };
    this.inFlight.add(flight);
    for (const slot of slots) {
      slot.attempts += 1;
      slot.flight = flight;
    }
    return flight;
  }

  private callOptions(slots: readonly Slot[], flight: InFlight): GraphRequestOptions {
    // The shared request lives as long as its most patient caller; the others leave at their own deadline.
    const deadline = slots.some((s) => s.deadline === undefined) ? undefined : Math.max(...slots.map((s) => s.deadline ?? 0));
    // The throttling budget queues a shared request under its first caller's turn.
    const caller = slots[0]?.caller;
    return { signal: flight.controller.signal, deadline, idempotent: true, ...(caller !== undefined && { caller }) };
  }

  private async sendSingle(slots: Slot[]): Promise<void> {
    const first = slots[0];
    if (!first) return;
    this.stats.singleGets += 1;
    const flight = this.track(slots);
    const options = { ...this.callOptions(slots, flight), maxAttempts: Math.max(1, this.opts.maxAttempts - first.attempts + 1) };
    let outcome: GraphResponse | Error;
    try {
      outcome = await traced(slots, () => this.send(first.req, options));
    } catch (err) {
      outcome = err instanceof Error ? err : new Error(String(err));
    }
    this.inFlight.delete(flight);
    for (const slot of slots) slot.settle(outcome);
  }

  private async sendBatch(chunk: Slot[][]): Promise<void> {
    const all = chunk.flat();
    this.opts.recordFirstSends?.(chunk.filter((slots) => slots.every((s) => s.attempts === 0)).length);
    const flight = this.track(all);
    this.stats.batchRequests += 1;
    recordBatchSize(this.stats, chunk.length);
    const requests = chunk.map((slots, i) => {
      const req = slots[0]?.req;
      return { id: String(i + 1), method: 'GET', url: req?.path ?? '/', ...(req?.headers ? { headers: req.headers } : {}) };
    });

    let outer: GraphResponse;
    try {
      outer = await traced(all, () => this.send({ method: 'POST', path: '/$batch', body: { requests } }, this.callOptions(all, flight)));
    } catch (err) {
      this.inFlight.delete(flight);
      const error = err instanceof Error ? err : new Error(String(err));
      for (const slot of all) slot.settle(error);
      return;
    }
    this.inFlight.delete(flight);

    const byId = new Map<string, BatchItemResponse>();
    const responses = (outer.body as { responses?: unknown } | undefined)?.responses;
    if (Array.isArray(responses)) {
      for (const item of responses as BatchItemResponse[]) {
        if (typeof item === 'object' && item !== null && typeof item.id === 'string') byId.set(item.id, item);
      }
    }

    const now = this.clock.now();
    const retry: Array<{ slots: Slot[]; error: GraphError; retryAfterMs: number | undefined }> = [];
    chunk.forEach((slots, i) => {
      const id = String(i + 1);
      const path = slots[0]?.req.path ?? '';
      const item = byId.get(id);
      if (!item || typeof item.status !== 'number') {
        const error = new GraphError({
          status: 502,
          code: 'batchItemMissing',
          message: `the $batch response carried no answer for item ${id} (GET ${path.split('?')[0] ?? ''})`,
          clientRequestId: outer.clientRequestId,
          method: 'GET',
          path,
          requestId: outer.requestId,
        });
        for (const slot of slots) slot.settle(error);
        return;
      }
      if (item.status >= 200 && item.status < 300) {
        for (const slot of slots) slot.settle(itemResponse(item as BatchItemResponse & { status: number }, outer));
        return;
      }
      const headers = headersFrom(item.headers);
      const retryAfterMs = parseRetryAfter(headers.get('retry-after'), now);
      const error = graphErrorFrom({
        status: item.status,
        headers,
        body: item.body,
        clientRequestId: outer.clientRequestId,
        method: 'GET',
        path,
        retryAfterMs,
      });
      if (RETRYABLE_STATUSES.has(item.status)) retry.push({ slots, error, retryAfterMs });
      else for (const slot of slots) slot.settle(error);
    });
    if (retry.length === 0) return;

    // One wait for the whole group: the largest Retry-After among them, else backoff.
    const attempt = Math.max(...retry.flatMap((r) => r.slots.map((s) => s.attempts)));
    const hinted = retry.map((r) => r.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    const wait =
      hinted.length > 0 ? Math.max(...hinted) : backoffDelay(attempt, this.opts.baseDelayMs, this.opts.maxDelayMs, this.clock.random);
    for (const { slots, error } of retry) {
      let requeued = false;
      // The budget is asked last and once per item, so it pays only for a retry that would be taken.
      let permit: boolean | undefined;
      for (const slot of slots) {
        const allowed =
          slot.attempts < this.opts.maxAttempts &&
          wait <= this.opts.maxDelayMs &&
          (slot.deadline === undefined || now + wait < slot.deadline);
        if (allowed && !this.closed && permit === undefined) {
          permit = this.opts.retryPermit?.() ?? true;
          if (!permit) this.stats.retriesDenied += 1;
        }
        if (!allowed || this.closed || permit === false) {
          slot.settle(error);
          continue;
        }
        slot.notBefore = now + wait;
        this.queue.push(slot);
        requeued = true;
      }
      if (requeued) this.stats.itemRetries += 1;
    }
    this.schedule();
  }
}
