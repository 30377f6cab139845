import type { WireEvent } from '../beacon/wire-event.js';
import type { EventQueue, QueueBounds } from './event-queue.js';

/** The queue where IndexedDB is missing or refuses to open: same bounds, lives as long as the page. */
export function createMemoryQueue(bounds: QueueBounds): EventQueue {
  const events = new Map<string, WireEvent>(); // insertion order = capture order, oldest first
  let dropped = 0;
  const drop = (id: string) => {
    events.delete(id);
    dropped++;
  };
  return {
    persistent: false,
    async put(batch) {
      for (const event of batch) events.set(event.id, event);
      for (const id of events.keys()) if (events.size > bounds.maxEvents) drop(id);
    },
    async peek(limit) {
      for (const event of events.values()) if (event.ts < bounds.now() - bounds.maxAgeMs) drop(event.id);
      return [...events.values()].slice(0, limit);
    },
    async remove(ids) {
      ids.forEach((id) => events.delete(id));
    },
    count: async () => events.size,
    dropped: async () => dropped,
    async addDropped(delta) {
      dropped = Math.max(0, dropped + delta);
    },
    async clear() {
      events.clear();
    },
    close() {},
  };
}
