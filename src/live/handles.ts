import type { EventBus, LiveCallEvent, LiveHandles } from './events.js';

/** The live-call bus and store of one gateway process: events published here reach this process's subscribers. */
export function createLiveHandles(): LiveHandles {
  const listeners = new Map<string, Set<(event: LiveCallEvent) => void>>();
  const bus: EventBus = {
    publish(channel, event) {
      for (const listener of [...(listeners.get(channel) ?? [])]) {
        try {
          listener(event);
        } catch {
          // One subscriber's failure must not keep the event from the others.
        }
      }
      return Promise.resolve();
    },
    subscribe(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(channel);
      };
    },
    close() {
      listeners.clear();
      return Promise.resolve();
    },
  };
  return { bus, store: { get: () => undefined } };
}
