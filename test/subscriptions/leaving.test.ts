import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import type { GraphCall } from '../../src/graph/types.js';
import { liveChannels, type EventBus, type LiveCallEvent } from '../../src/live/events.js';
import { createMemoryBus } from '../../src/live/memoryBus.js';
import { createLogger } from '../../src/observability/logger.js';
import { callUpdates, incomingCalls } from '../../src/subscriptions/callStreams.js';

/** A real in-process bus that also counts the listeners subscribed and not yet released. */
function countingBus(): { bus: EventBus; listening(): number } {
  const bus = createMemoryBus(createLogger('silent'));
  let active = 0;
  const counted: EventBus = {
    ...bus,
    subscribe: ((channel: string, listener: (event: never) => void) => {
      const off = bus.subscribe(channel, listener as (event: LiveCallEvent) => void);
      active += 1;
      let released = false;
      return () => {
        if (!released) active -= 1;
        released = true;
        off();
      };
    }) as EventBus['subscribe'],
  };
  return { bus: counted, listening: () => active };
}

const CALL: GraphCall = { id: 'c1', state: 'established' };

function contextWith(bus: EventBus): GatewayContext {
  return {
    live: { bus, store: { get: () => Promise.resolve({ call: CALL, sequence: 1, terminated: false }) } },
  } as unknown as GatewayContext;
}

/** Settles `promise` within `ms`, or says it did not. */
const within = <T>(promise: Promise<T>, ms = 500): Promise<T | 'still waiting'> =>
  Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms))]);

describe('a subscriber that leaves a quiet stream', () => {
  it('callUpdated: releases its listener at once, not at the call’s next change', async () => {
    const { bus, listening } = countingBus();
    const events = await callUpdates(contextWith(bus), 'c1', () => Promise.resolve(CALL));
    expect((await events.next()).value).toEqual(CALL);
    const waiting = events.next();
    expect(listening()).toBe(1);
    expect(await within(events.return(undefined))).toEqual({ done: true, value: undefined });
    expect(await within(waiting)).toEqual({ done: true, value: undefined });
    expect(listening()).toBe(0);
  });

  it('incomingCall: listens from the moment of subscribing, and releases at once when left', async () => {
    const { bus, listening } = countingBus();
    const events = incomingCalls(contextWith(bus));
    expect(listening()).toBe(1);
    // A call arriving before the first read is not lost.
    await bus.publish(liveChannels.incoming, { type: 'call', callId: 'c2', sequence: 1, call: { id: 'c2' }, change: 'created' } as never);
    expect((await events.next()).value).toEqual({ id: 'c2' });
    const waiting = events.next();
    expect(await within(events.return(undefined))).toEqual({ done: true, value: undefined });
    expect(await within(waiting)).toEqual({ done: true, value: undefined });
    expect(listening()).toBe(0);
  });
});
