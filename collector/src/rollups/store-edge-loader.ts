import { SESSION_GAP_MS, sessionsFromEvents } from '../sessions/sessions-from-events.js';
import type { StreamEvent } from '../sessions/types.js';
import type { EdgeLoader } from './range-stats.js';
import { HOUR_MS } from './window-sizes.js';

/** The raw reads an edge needs (plain SELECTs on the events table, mapped with `fromStoredEvent`). */
export interface RawEventReader {
  /** Events of `site` with from <= ts < to. */
  eventsInRange(site: string, from: number, to: number): Promise<StreamEvent[]>;
  /**
   * Events of `site` in `read` of the visitors with an event in `edge`. Optional, and much smaller
   * than `eventsInRange` over the same read under heavy traffic: only the edge's visitors.
   */
  eventsOfEdgeVisitors?(site: string, edge: { from: number; to: number }, read: { from: number; to: number }): Promise<StreamEvent[]>;
}

/**
 * Edge loader over the store, by event time only (time ranges are cheap for the store, lists of
 * visitors are full scans). Sessions starting in [from, to) are those whose start has no event of
 * the same visitor in the 30 minutes before it, so reading from `from - 30 min` finds them; each is
 * read on until an event is followed by a gap over 30 minutes (the read grows while one may go on).
 * Only the visitors seen in the edge matter, so the reads are narrowed to them when the store can.
 */
export function storeEdgeLoader(reader: RawEventReader, gapMs = SESSION_GAP_MS): EdgeLoader {
  return async (site, from, to) => {
    const read = (a: number, b: number) =>
      reader.eventsOfEdgeVisitors ? reader.eventsOfEdgeVisitors(site, { from, to }, { from: a, to: b }) : reader.eventsInRange(site, a, b);
    const near = await read(from - gapMs, to + gapMs);
    let end = to + gapMs;
    for (;;) {
      const sessions = sessionsFromEvents(near, gapMs).filter((s) => s.start >= from && s.start < to);
      // A session whose last event read is within the gap of the read's end may go on after it.
      if (!sessions.some((s) => s.end + gapMs >= end)) {
        return { events: near.filter((e) => e.ts >= from && e.ts < to), sessions };
      }
      const step = Math.max(HOUR_MS, end - from);
      for (const event of await read(end, end + step)) near.push(event);
      end += step;
    }
  };
}
