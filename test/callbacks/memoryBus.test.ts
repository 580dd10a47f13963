import { describe, expect, it } from 'vitest';
import type { LiveCallEvent } from '../../src/live/events.js';
import { createMemoryBus } from '../../src/live/memoryBus.js';
import { createLogger } from '../../src/observability/logger.js';

const event = (sequence: number): LiveCallEvent => ({ type: 'call', callId: 'c1', sequence, change: 'updated', call: { id: 'c1' } });

describe('the in-process event bus', () => {
  it("delivers each event to the channel's listeners, in publish order", async () => {
    const bus = createMemoryBus(createLogger('silent'));
    const seen: Array<[string, number]> = [];
    bus.subscribe('a', (e) => seen.push(['first', e.sequence]));
    bus.subscribe('a', (e) => seen.push(['second', e.sequence]));
    bus.subscribe('b', (e) => seen.push(['other channel', e.sequence]));
    await bus.publish('a', event(1));
    await bus.publish('a', event(2));
    expect(seen).toEqual([
      ['first', 1],
      ['second', 1],
      ['first', 2],
      ['second', 2],
    ]);
  });

  it('keeps delivering to the others when a listener throws', async () => {
    const bus = createMemoryBus(createLogger('silent'));
    const seen: number[] = [];
    bus.subscribe('a', () => {
      throw new Error('listener bug');
    });
    bus.subscribe('a', (e) => seen.push(e.sequence));
    await expect(bus.publish('a', event(1))).resolves.toBeUndefined();
    expect(seen).toEqual([1]);
  });

  it('stops delivering after unsubscribe and after close', async () => {
    const bus = createMemoryBus(createLogger('silent'));
    const seen: number[] = [];
    const unsubscribe = bus.subscribe('a', (e) => seen.push(e.sequence));
    await bus.publish('a', event(1));
    unsubscribe();
    await bus.publish('a', event(2));
    bus.subscribe('a', (e) => seen.push(e.sequence * 10));
    await bus.close();
    await bus.publish('a', event(3));
    expect(seen).toEqual([1]);
  });
});
