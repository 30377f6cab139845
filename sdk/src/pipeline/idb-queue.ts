import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase } from 'idb';
import type { WireEvent } from '../beacon/wire-event.js';
import type { EventQueue, QueueBounds } from './event-queue.js';

interface QueueSchema extends DBSchema {
  /** Pending events only, already scrubbed: nothing else about the visitor is stored. */
  events: { key: string; value: WireEvent; indexes: { ts: number } };
  /** One number: events dropped by the bounds and not yet reported. */
  meta: { key: 'dropped'; value: number };
}

/**
 * The IndexedDB queue, one database per site, shared by every tab of the site (the sender is
 * elected with Web Locks, so rows are never sent twice at once). Rejects when IndexedDB is
 * unavailable; the caller falls back to the memory queue.
 */
export async function openIdbQueue(site: string, bounds: QueueBounds): Promise<EventQueue> {
  const db: IDBPDatabase<QueueSchema> = await openDB<QueueSchema>(`wisp:${site}`, 1, {
    upgrade(database) {
      database.createObjectStore('events', { keyPath: 'id' }).createIndex('ts', 'ts');
      database.createObjectStore('meta');
    },
  });
  // A version-1 database without our stores (made by someone else): fall back to memory.
  if (!db.objectStoreNames.contains('meta')) {
    db.close();
    throw new Error('foreign database');
  }

  /**
   * One readwrite transaction: stores `events`, then deletes the oldest rows while `shouldDrop`
   * says so and adds them to the dropped counter. Transactions on a store run one at a time, so
   * concurrent puts (from this tab or others) never over-drop.
   */
  const write = async (events: WireEvent[], shouldDrop: (event: WireEvent, position: number, count: number) => boolean) => {
    const tx = db.transaction(['events', 'meta'], 'readwrite');
    const store = tx.objectStore('events');
    await Promise.all(events.map((event) => store.put(event)));
    const count = await store.count();
    let removed = 0;
    let cursor = await store.index('ts').openCursor();
    while (cursor && shouldDrop(cursor.value, removed, count)) {
      await cursor.delete();
      removed++;
      cursor = await cursor.continue();
    }
    if (removed) {
      const meta = tx.objectStore('meta');
      await meta.put(((await meta.get('dropped')) ?? 0) + removed, 'dropped');
    }
    await tx.done;
  };

  return {
    persistent: true,
    put: (events) => write(events, (_, position, count) => count - position > bounds.maxEvents),
    async peek(limit) {
      const cutoff = bounds.now() - bounds.maxAgeMs;
      await write([], (event) => event.ts < cutoff);
      return db.getAllFromIndex('events', 'ts', null, limit);
    },
    async remove(ids) {
      const tx = db.transaction('events', 'readwrite');
      await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
    },
    count: () => db.count('events'),
    dropped: async () => (await db.get('meta', 'dropped')) ?? 0,
    async addDropped(delta) {
      const tx = db.transaction('meta', 'readwrite');
      const left = Math.max(0, ((await tx.store.get('dropped')) ?? 0) + delta);
      await Promise.all([tx.store.put(left, 'dropped'), tx.done]);
    },
    async clear() {
      const tx = db.transaction(['events', 'meta'], 'readwrite');
      await Promise.all([tx.objectStore('events').clear(), tx.objectStore('meta').clear(), tx.done]);
    },
    close: () => db.close(),
  };
}
