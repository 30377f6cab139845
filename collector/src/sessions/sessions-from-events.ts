import type { SessionSnapshot, StreamEvent } from './types.js';

/** Default session timeout: a gap longer than this (in event time) starts a new session. */
export const SESSION_GAP_MS = 30 * 60_000;

/**
 * Batch sessionization, the definition itself: dedupe by (site, id), group by (site, visitor), sort
 * by event time, split where the gap exceeds `gapMs`. Used as the reference in tests, to recover
 * state after a restart, to reconcile very late events, and for raw-event edges of stats ranges.
 * Sessions come out sorted by (site, visitor, start).
 */
export function sessionsFromEvents(events: Iterable<StreamEvent>, gapMs = SESSION_GAP_MS): SessionSnapshot[] {
  const seen = new Set<string>();
  const byVisitor = new Map<string, StreamEvent[]>();
  for (const event of events) {
    const idKey = `${event.site}\u0000${event.id}`;
    if (seen.has(idKey)) continue;
    seen.add(idKey);
    const visitorKey = `${event.site}\u0000${event.visitor}`;
    let list = byVisitor.get(visitorKey);
    if (!list) byVisitor.set(visitorKey, (list = []));
    list.push(event);
  }
  const sessions: SessionSnapshot[] = [];
  for (const key of [...byVisitor.keys()].sort()) {
    const list = byVisitor.get(key)!.sort((a, b) => a.ts - b.ts);
    let current: Accumulator | null = null;
    for (const event of list) {
      if (!current || event.ts - current.end > gapMs) {
        if (current) sessions.push(toSnapshot(current));
        current = { site: event.site, visitor: event.visitor, start: event.ts, end: event.ts,
          entry: null, entryTs: 0, exit: null, exitTs: 0, pageviews: 0, events: 0 };
      }
      current.end = event.ts;
      if (event.type === 'pageview') {
        if (current.entry === null || isBefore(event.ts, event.path, current.entryTs, current.entry)) {
          current.entry = event.path;
          current.entryTs = event.ts;
        }
        if (current.exit === null || isBefore(current.exitTs, current.exit, event.ts, event.path)) {
          current.exit = event.path;
          current.exitTs = event.ts;
        }
        current.pageviews++;
      } else if (event.type === 'event') {
        current.events++;
      }
    }
    if (current) sessions.push(toSnapshot(current));
  }
  return sessions;
}

interface Accumulator {
  site: string; visitor: string; start: number; end: number;
  entry: string | null; entryTs: number; exit: string | null; exitTs: number;
  pageviews: number; events: number;
}

function toSnapshot(acc: Accumulator): SessionSnapshot {
  return makeSnapshot(acc.site, acc.visitor, acc.start, acc.end, acc.entry, acc.exit, acc.pageviews, acc.events);
}

/** Builds a snapshot with its derived fields (duration, bounce). */
export function makeSnapshot(
  site: string, visitor: string, start: number, end: number,
  entry: string | null, exit: string | null, pageviews: number, events: number,
): SessionSnapshot {
  return {
    site, visitor, start, end, entry, exit, pageviews, events,
    durationMs: end - start, bounce: pageviews === 1 && events === 0,
  };
}

/** Order of pageviews used for entry/exit: by time, ties by path (deterministic whatever the arrival). */
export function isBefore(tsA: number, pathA: string, tsB: number, pathB: string): boolean {
  return tsA < tsB || (tsA === tsB && pathA < pathB);
}
