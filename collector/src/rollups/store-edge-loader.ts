import { SESSION_GAP_MS, sessionsFromEvents } from '../sessions/sessions-from-events.js';
import type { StreamEvent } from '../sessions/types.js';
import type { EdgeLoader } from './range-stats.js';

/** The two raw reads an edge needs (plain SELECTs on the events table, mapped with `fromStoredEvent`). */
export interface RawEventReader {
  /** Events of `site` with from <= ts < to. */
  eventsInRange(site: string, from: number, to: number): Promise<StreamEvent[]>;
  /** Every stored event of these visitors of `site`, any time (a visitor hash lives one salt day). */
  eventsOfVisitors(site: string, visitors: string[]): Promise<StreamEvent[]>;
}

/**
 * Edge loader over the store. Sessions starting in [from, to) are exactly those whose start has no
 * event of the same visitor in the 30 minutes before it, so the visitors seen in [from - 30 min, to)
 * are enough to find them; their whole event lists give the sessions' full extent.
 */
export function storeEdgeLoader(reader: RawEventReader, gapMs = SESSION_GAP_MS): EdgeLoader {
  return async (site, from, to) => {
    const near = await reader.eventsInRange(site, from - gapMs, to);
    const events = near.filter((e) => e.ts >= from);
    const visitors = [...new Set(events.map((e) => e.visitor))];
    const all = visitors.length > 0 ? await reader.eventsOfVisitors(site, visitors) : [];
    const sessions = sessionsFromEvents(all, gapMs).filter((s) => s.start >= from && s.start < to);
    return { events, sessions };
  };
}
