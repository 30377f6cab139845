import type { WireEvent } from '../beacon/wire-event.js';
import type { EventQueue, QueueBounds } from './event-queue.js';

// Plain IndexedDB with two promise helpers (the `idb` wrapper cost ~1 KiB gzip on every path).
// Awaiting a request's promise continues in a microtask, while its transaction is still active.
const request = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });

/**
 * The IndexedDB queue, one database per site, shared by every tab of the site (the sender is
 * elected with Web Locks, so rows are never sent twice at once). Stores `events` (pending events
 * only, already scrubbed, keyed by id, indexed by `ts`) and `meta` (`dropped`: events dropped by
 * the bounds and not yet reported); nothing else about the visitor is stored. Rejects when
 * IndexedDB is unavailable; the caller falls back to the memory queue.
 */
export async function openIdbQueue(site: string, bounds: QueueBounds): Promise<EventQueue> {
  const open = indexedDB.open(`wisp:${site}`, 1);
  open.onupgradeneeded = () => {
    const database = open.result;
    database.createObjectStore('events', { keyPath: 'id' }).createIndex('ts', 'ts');
    database.createObjectStore('meta');
  };
  const db = await request(open);
  // A version-1 database without our stores (made by someone else): fall back to memory.
  if (!db.objectStoreNames.contains('meta')) {
    db.close();
    throw new Error('foreign database');
  }

  /**
   * One readwrite transaction: stores `events`, then deletes the oldest rows while `shouldDrop`
   * says so and adds them to the dropped counter; resolves once the transaction has committed.
   * Transactions on a store run one at a time, so concurrent puts (from this tab or others) never
   * over-drop.
   */
  const write = async (events: WireEvent[], shouldDrop: (event: WireEvent, position: number, count: number) => boolean) => {
    const tx = db.transaction(['events', 'meta'], 'readwrite');
    const committed = done(tx);
    const store = tx.objectStore('events');
    events.forEach((event) => store.put(event));
    const count = await request(store.count());
    let removed = 0;
    const cursors = store.index('ts').openCursor();
    for (let cursor = await request(cursors); cursor && shouldDrop(cursor.value, removed, count); removed++) {
      cursor.delete();
      const next = request(cursors);
      cursor.continue();
      cursor = await next;
    }
    if (removed) {
      const meta = tx.objectStore('meta');
      meta.put(((await request(meta.get('dropped'))) ?? 0) + removed, 'dropped');
    }
    await committed;
  };
  /** One transaction on one store; resolves with `run`'s request result once it has committed. */
  const run = async <T>(name: 'events' | 'meta', mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>) => {
    const tx = db.transaction(name, mode);
    const committed = done(tx);
    const result = request(act(tx.objectStore(name)));
    await committed;
    return result;
  };
  const dropped = async () => ((await run('meta', 'readonly', (meta) => meta.get('dropped'))) as number | undefined) ?? 0;

  return {
    persistent: true,
    put: (events) => write(events, (_, position, count) => count - position > bounds.maxEvents),
    async peek(limit) {
      const cutoff = bounds.now() - bounds.maxAgeMs;
      await write([], (event) => event.ts < cutoff);
      return run('events', 'readonly', (store) => store.index('ts').getAll(null, limit));
    },
    async remove(ids) {
      await run('events', 'readwrite', (store) => {
        ids.forEach((id) => store.delete(id));
        return store.count();
      });
    },
    count: () => run('events', 'readonly', (store) => store.count()),
    dropped,
    async addDropped(delta) {
      const tx = db.transaction('meta', 'readwrite');
      const committed = done(tx);
      const meta = tx.objectStore('meta');
      meta.put(Math.max(0, ((await request(meta.get('dropped'))) ?? 0) + delta), 'dropped');
      await committed;
    },
    async clear() {
      const tx = db.transaction(['events', 'meta'], 'readwrite');
      const committed = done(tx);
      tx.objectStore('events').clear();
      tx.objectStore('meta').clear();
      await committed;
    },
    close: () => db.close(),
  };
}
