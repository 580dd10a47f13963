/**
 * The in-process EventBus: listeners of this process only. `publish` calls each listener of the channel
 * synchronously, in subscription order, before its promise resolves, so events reach a listener in publish
 * order. A listener that throws is logged and skipped; the others still get the event.
 */
import type { Logger } from '../observability/logger.js';
import { typedBus, type EventBus, type LiveEvent, type UntypedEventBus } from './events.js';

type Listener = (event: LiveEvent) => void;

export function createMemoryBus(logger: Logger): EventBus {
  return typedBus(createLocalBus(logger));
}

/** The same, untyped by channel: the Redis bus delivers through it whatever arrives. */
export function createLocalBus(logger: Logger): UntypedEventBus {
  const channels = new Map<string, Set<Listener>>();
  let closed = false;

  return {
    publish(channel, event) {
      const listeners = channels.get(channel);
      // A copy: a listener may unsubscribe itself (or another) while the event is delivered.
      for (const listener of listeners ? [...listeners] : []) {
        try {
          listener(event);
        } catch (error) {
          logger.error({ err: error, channel, event: 'callId' in event ? event.callId : event.type }, 'a live-event listener threw');
        }
      }
      return Promise.resolve();
    },
    subscribe(channel, listener) {
      if (closed) return () => {};
      // Wrapped, so the same function subscribed twice is two subscriptions, each removed by its own unsubscribe.
      const entry: Listener = (event) => listener(event);
      let listeners = channels.get(channel);
      if (!listeners) channels.set(channel, (listeners = new Set()));
      listeners.add(entry);
      return () => {
        const current = channels.get(channel);
        if (!current) return;
        current.delete(entry);
        if (current.size === 0) channels.delete(channel);
      };
    },
    close() {
      closed = true;
      channels.clear();
      return Promise.resolve();
    },
  };
}
