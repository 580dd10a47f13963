/**
 * The types the handler chain shares: the mutable per-request context, the raw response, and
 * `compose`, which turns an ordered handler array into one function. Modelled on the Graph SDK's
 * middleware chain: each handler gets the context and `next`, and may call `next` zero, one or more times.
 */
import type { GraphMethod } from './client.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body as text, read within the attempt's timeout. */
  bodyText: string;
}

export interface GraphContext {
  readonly method: GraphMethod;
  /** Absolute URL; the host guard checks it before anything is sent. */
  readonly url: URL;
  /** Path after the version prefix, query included: what logs and errors show. */
  readonly path: string;
  /** Outgoing headers; the auth stage adds Authorization here, and nothing ever logs them. */
  readonly headers: Headers;
  readonly body: string | undefined;
  readonly idempotent: boolean;
  /** Epoch ms; no attempt or wait may end after it. */
  readonly deadline: number | undefined;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Attempts allowed for this request (retry stage). */
  readonly maxAttempts: number;
  /** Set by the requestId stage. */
  clientRequestId: string;
  /** 1-based, set by the retry stage. */
  attempt: number;
  /** Set by the timeout stage: the caller's signal, the attempt timeout and the deadline together. */
  attemptSignal: AbortSignal | undefined;
  /** Ask the fetch stage for a connection of its own (a retry after 503). */
  freshConnection: boolean;
  /** Set by the retry-budget stage: takes one retry from the shared budget, false when it is spent. */
  retryPermit: (() => boolean) | undefined;
}

export type Next = (ctx: GraphContext) => Promise<RawResponse>;
export type Handler = (ctx: GraphContext, next: Next) => Promise<RawResponse>;

/** Optional stages are written `cond && stage(...)`; falsy entries are skipped. */
export function compose(handlers: ReadonlyArray<Handler | false | null | undefined>): Next {
  const stages = handlers.filter((h): h is Handler => typeof h === 'function');
  const run = (index: number, ctx: GraphContext): Promise<RawResponse> => {
    const stage = stages[index];
    if (stage === undefined) return Promise.reject(new Error('the Graph handler chain ended without a fetch stage'));
    return stage(ctx, (c) => run(index + 1, c));
  };
  return (ctx) => run(0, ctx);
}

/** Abort reason of the per-attempt timeout. */
export class AttemptTimeoutReason extends Error {
  constructor(readonly ms: number) {
    super(`attempt timed out after ${ms} ms`);
    this.name = 'AttemptTimeoutReason';
  }
}

/** Abort reason when the operation's deadline is reached during an attempt. */
export class DeadlineReason extends Error {
  constructor() {
    super('operation deadline reached');
    this.name = 'DeadlineReason';
  }
}

/** Injectable time, so tests can drive waits without wall-clock sleeps. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1), for jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  random: () => Math.random(),
};

/** Counters for tests and benchmarks. */
export interface GraphClientStats {
  /** HTTP requests put on the wire (each attempt counts). */
  httpRequests: number;
  /** Waits taken by the retry stage before another attempt. */
  retries: number;
  /** `$batch` POSTs issued by the transport (their own retries not counted again). */
  batchRequests: number;
  /** Items per `$batch` POST, in send order. */
  batchSizes: number[];
  /** Flushes of a single item, sent as a plain GET. */
  singleGets: number;
  /** Batch items re-queued after an item-level 429/503/504. */
  itemRetries: number;
  /** Requests that ended in GraphOutcomeUnknownError. */
  outcomeUnknown: number;
  /** Retries (request or `$batch` item) not taken because the retry budget was spent. */
  retriesDenied: number;
  /** Requests the open circuit failed at once, without sending them. */
  circuitRejections: number;
}

export function emptyStats(): GraphClientStats {
  return { httpRequests: 0, retries: 0, batchRequests: 0, batchSizes: [], singleGets: 0, itemRetries: 0, outcomeUnknown: 0, retriesDenied: 0, circuitRejections: 0 };
}

/** Rejects with the signal's reason if it aborts before `promise` settles. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
