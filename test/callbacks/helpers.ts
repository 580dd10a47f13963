import { expect, vi } from 'vitest';
import type { EventBus, LiveCallEvent } from '../../src/live/events.js';

/** A Graph `commsNotifications` envelope. */
export const envelope = (...value: unknown[]) => ({ '@odata.type': '#microsoft.graph.commsNotifications', value });

/** A notification about the call itself, as Graph sends it. */
export function callNotification(callId: string, data: Record<string, unknown>, changeType = 'updated') {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType,
    resourceUrl: `/communications/calls/${callId}`,
    resourceData: { '@odata.type': '#microsoft.graph.call', '@odata.id': `/communications/calls/${callId}`, ...data },
  };
}

export function rosterNotification(callId: string, participants: Array<Record<string, unknown>>) {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'updated',
    resourceUrl: `/communications/calls/${callId}/participants`,
    resourceData: participants.map((p) => ({ '@odata.type': '#microsoft.graph.participant', ...p })),
  };
}

export function operationNotification(callId: string, operationId: string, data: Record<string, unknown>) {
  return {
    '@odata.type': '#microsoft.graph.commsNotification',
    changeType: 'deleted',
    resourceUrl: `/communications/calls/${callId}/operations/${operationId}`,
    resourceData: { '@odata.type': '#microsoft.graph.playPromptOperation', ...data },
  };
}

/** Every event published on a channel from now on. */
export function recordEvents(bus: EventBus, channel: string) {
  const events: LiveCallEvent[] = [];
  const stop = bus.subscribe(channel, (event) => events.push(event));
  return {
    events,
    stop,
    /** Waits until at least `count` events have arrived. */
    async until(count: number): Promise<LiveCallEvent[]> {
      await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(count), { timeout: 5_000, interval: 5 });
      return events;
    },
  };
}
