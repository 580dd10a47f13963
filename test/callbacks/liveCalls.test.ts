import { afterEach, describe, expect, it } from 'vitest';
import { createLiveCalls, type LiveCalls } from '../../src/callbacks/liveCalls.js';
import { parseNotifications } from '../../src/callbacks/notifications.js';
import { liveChannels, type LiveCallEvent } from '../../src/live/events.js';
import { createMemoryBus } from '../../src/live/memoryBus.js';
import { createLogger } from '../../src/observability/logger.js';
import { callNotification, operationNotification } from './helpers.js';

const logger = createLogger('silent');
let live: LiveCalls | undefined;

afterEach(() => live?.close());

function follow(options: { maxOperationsPerCall?: number } = {}) {
  const bus = createMemoryBus(logger);
  const calls = createLiveCalls({
    bus,
    logger,
    maxCalls: 10,
    maxOperationsPerCall: options.maxOperationsPerCall ?? 10,
    endedRetentionMs: 60_000,
  });
  live = calls;
  const events: LiveCallEvent[] = [];
  bus.subscribe(liveChannels.call('c1'), (e) => events.push(e));
  return { events, apply: (...notifications: unknown[]) => calls.apply(parseNotifications({ value: notifications })), calls };
}

describe('live calls', () => {
  it('orders an operation by its status: running after completed is stale, a repeated completion a duplicate', async () => {
    const { apply, events } = follow();
    expect(
      await apply(
        operationNotification('c1', 'op1', { status: 'running' }),
        operationNotification('c1', 'op1', { status: 'completed' }),
        operationNotification('c1', 'op1', { status: 'running' }),
        operationNotification('c1', 'op1', { status: 'completed' }),
      ),
    ).toEqual(['applied', 'applied', 'stale', 'duplicate']);
    expect(events.map((e) => (e.type === 'operation' ? e.operation.status : e.type))).toEqual(['running', 'completed']);
  });

  it('remembers at most maxOperationsPerCall operations, the most recently changed', async () => {
    const { apply, calls } = follow({ maxOperationsPerCall: 2 });
    await apply(...['a', 'b', 'c'].map((id) => operationNotification('c1', id, { status: 'completed' })));
    expect((await calls.get('c1'))?.call.operations?.map((o) => o.id)).toEqual(['b', 'c']);
  });

  it('merges only the properties Graph sent, replacing resultInfo whole, and leaves earlier events as they were', async () => {
    const { apply, events } = follow();
    await apply(
      callNotification('c1', { state: 'established', subject: 'standup', resultInfo: { code: 0, message: 'ok' } }),
      callNotification('c1', { state: 'terminated', resultInfo: { code: '200', subcode: '5001' } }, 'deleted'),
    );
    expect(events[0]?.call).toMatchObject({ state: 'established', resultInfo: { code: 0, message: 'ok' } });
    expect(events[1]?.call).toMatchObject({ state: 'terminated', subject: 'standup', resultInfo: { code: '200', subcode: '5001' } });
    expect(events[1]?.call.resultInfo).not.toHaveProperty('message');
  });

  it('publishes an incoming call on the incoming channel too, with the same event', async () => {
    const bus = createMemoryBus(logger);
    live = createLiveCalls({ bus, logger, maxCalls: 10, maxOperationsPerCall: 10, endedRetentionMs: 60_000 });
    const incoming: LiveCallEvent[] = [];
    bus.subscribe(liveChannels.incoming, (e) => incoming.push(e));
    live.apply(
      parseNotifications({
        value: [callNotification('c2', { state: 'incoming' }, 'created'), callNotification('c2', { state: 'establishing' })],
      }),
    );
    expect(incoming).toMatchObject([{ callId: 'c2', sequence: 1, change: 'created' }]);
  });
});
