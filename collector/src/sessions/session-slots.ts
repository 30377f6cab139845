import { NO_SLOT, type SessionPool } from './session-pool.js';
import { isBefore, makeSnapshot } from './sessions-from-events.js';
import type { SessionSnapshot, StreamEvent } from './types.js';

/** Counts `event` into the session in `slot` (extends its span, entry/exit, counters). */
export function addEventToSlot(pool: SessionPool, slot: number, event: StreamEvent): void {
  pool.cover(slot, event.ts);
  if (event.type === 'pageview') {
    pool.pageviews[slot]!++;
    offerPageview(pool, slot, event.ts, event.path);
  } else if (event.type === 'event') {
    pool.events[slot]!++;
  }
}

/** Entry = first pageview, exit = last, by (ts, path), whatever the order they come in. */
export function offerPageview(pool: SessionPool, slot: number, ts: number, path: string): void {
  const entry = pool.paths.get(pool.entry[slot]!);
  if (entry === null || isBefore(ts, path, pool.entryTsOf(slot), entry)) pool.setEntry(slot, path, ts);
  const exit = pool.paths.get(pool.exit[slot]!);
  if (exit === null || isBefore(pool.exitTsOf(slot), exit, ts, path)) pool.setExit(slot, path, ts);
}

/** Folds the session in `next` (the one after `slot` in its visitor's list) into `slot` and unlinks it; the caller frees `next`. */
export function absorbNext(pool: SessionPool, slot: number, next: number): void {
  pool.cover(slot, pool.endOf(next));
  pool.pageviews[slot]! += pool.pageviews[next]!;
  pool.events[slot]! += pool.events[next]!;
  const entry = pool.paths.get(pool.entry[next]!);
  if (entry !== null) offerPageview(pool, slot, pool.entryTsOf(next), entry);
  const exit = pool.paths.get(pool.exit[next]!);
  if (exit !== null) offerPageview(pool, slot, pool.exitTsOf(next), exit);
  pool.next[slot] = pool.next[next]!;
  pool.next[next] = NO_SLOT;
}

/** The session in `slot` as an immutable snapshot. */
export function slotSnapshot(pool: SessionPool, slot: number): SessionSnapshot {
  return makeSnapshot(
    pool.sites[pool.site[slot]!]!, pool.visitorOf(slot), pool.start[slot]!, pool.endOf(slot),
    pool.paths.get(pool.entry[slot]!), pool.paths.get(pool.exit[slot]!), pool.pageviews[slot]!, pool.events[slot]!,
  );
}
