/**
 * The event streams behind the Subscription fields: a call's state, then each change the gateway applied from
 * Graph's notifications, in order and once each; and the calls arriving for the application.
 */
import type { GatewayContext } from '../context.js';
import type { GraphCall } from '../graph/types.js';
import { liveChannels, type LiveCallEvent } from '../live/events.js';

/** Events a slow subscriber may have waiting before its stream ends with an error instead of growing without bound. */
export const MAX_PENDING_EVENTS = 256;

/** A bounded queue from the bus's listener to a subscriber's async iteration. */
export class EventQueue<T = LiveCallEvent> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private overflowed = false;
  private closed = false;

  /** Ends `drain` at once, even while it waits for the next event. */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  push(event: T): void {
    if (this.items.length >= MAX_PENDING_EVENTS) this.overflowed = true;
    else this.items.push(event);
    this.wake?.();
  }

  async *drain(): AsyncGenerator<T, void, undefined> {
    while (!this.closed) {
      if (this.overflowed) throw new Error(`subscriber fell ${MAX_PENDING_EVENTS} events behind`);
      const next = this.items.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

/**
 * Makes a subscriber's leaving (`return`, as graphql-ws calls it on `complete` or a closed socket) stop the stream's
 * listener (`unsubscribe`) and end the queue it fills at once. A generator waiting for its next event runs its
 * `finally` only after that event, so a subscriber that left a quiet call would hold its listener until the call
 * changed again.
 */
export function releasedOnReturn<T>(events: AsyncGenerator<T>, queue: EventQueue<unknown>, unsubscribe: () => void): AsyncGenerator<T> {
  const finish = events.return.bind(events);
  events.return = (value) => {
    unsubscribe();
    queue.close();
    return finish(value);
  };
  return events;
}

const isEnded = (call: GraphCall): boolean => String(call.state ?? '').toLowerCase() === 'terminated';

/**
 * The call now, then after each change. Listens before it reads the current state, so no change between the two
 * is lost; a change already contained in the state read is skipped by its sequence number.
 */
export async function callUpdates(
  context: GatewayContext,
  id: string,
  initial: () => Promise<GraphCall>,
): Promise<AsyncGenerator<GraphCall>> {
  const queue = new EventQueue();
  const unsubscribe = context.live.bus.subscribe(liveChannels.call(id), (event) => queue.push(event));
  try {
    const known = await context.live.store.get(id);
    const first = known?.call ?? (await initial());
    return releasedOnReturn(stream(first, known?.sequence ?? 0, queue, unsubscribe), queue, unsubscribe);
  } catch (error) {
    unsubscribe();
    throw error;
  }
}

async function* stream(first: GraphCall, after: number, queue: EventQueue, unsubscribe: () => void): AsyncGenerator<GraphCall> {
  try {
    yield first;
    if (isEnded(first)) return;
    let last = after;
    for await (const event of queue.drain()) {
      if (event.sequence <= last) continue;
      last = event.sequence;
      yield event.call;
      if (isEnded(event.call) || (event.type === 'call' && event.change === 'deleted')) return;
    }
  } finally {
    unsubscribe();
  }
}

/** Each incoming call from the moment of subscribing (not of the first read). */
export function incomingCalls(context: GatewayContext): AsyncGenerator<GraphCall> {
  const queue = new EventQueue();
  const unsubscribe = context.live.bus.subscribe(liveChannels.incoming, (event) => queue.push(event));
  return releasedOnReturn(incoming(queue, unsubscribe), queue, unsubscribe);
}

async function* incoming(queue: EventQueue, unsubscribe: () => void): AsyncGenerator<GraphCall> {
  try {
    for await (const event of queue.drain()) yield event.call;
  } finally {
    unsubscribe();
  }
}
