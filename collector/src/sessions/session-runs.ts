import { isBefore, makeSnapshot } from './sessions-from-events.js';
import type { SessionSnapshot, StreamEvent } from './types.js';

interface Run {
  site: string; visitor: string; start: number; end: number;
  entry: string | null; entryTs: number; exit: string | null; exitTs: number;
  pageviews: number; events: number;
}

/**
 * `sessionsFromEvents` for event streams already in event-time order (a rebuild reading the store
 * slice by slice): one open run per visitor, emitted when a gap ends it or `closeIdle` proves no
 * later event can extend it. Memory is bounded by the visitors active in the last gap. Input must
 * be deduplicated (stored events are).
 */
export class SessionRuns {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly gapMs: number) {}

  /** Adds events (ts-sorted, and not before any event pushed earlier); returns the sessions they ended. */
  push(events: Iterable<StreamEvent>): SessionSnapshot[] {
    const ended: SessionSnapshot[] = [];
    for (const event of events) {
      const key = `${event.site}\u0000${event.visitor}`;
      let run = this.runs.get(key);
      if (run && event.ts - run.end > this.gapMs) {
        ended.push(snapshotOf(run));
        run = undefined;
      }
      if (!run) {
        run = { site: event.site, visitor: event.visitor, start: event.ts, end: event.ts, entry: null, entryTs: 0, exit: null, exitTs: 0, pageviews: 0, events: 0 };
        this.runs.set(key, run);
      }
      run.end = event.ts;
      if (event.type === 'pageview') {
        if (run.entry === null || isBefore(event.ts, event.path, run.entryTs, run.entry)) {
          run.entry = event.path;
          run.entryTs = event.ts;
        }
        if (run.exit === null || isBefore(run.exitTs, run.exit, event.ts, event.path)) {
          run.exit = event.path;
          run.exitTs = event.ts;
        }
        run.pageviews++;
      } else if (event.type === 'event') {
        run.events++;
      }
    }
    return ended;
  }

  /** Ends the runs no event at or after `nextTs` can extend (end + gap < nextTs). */
  closeIdle(nextTs: number): SessionSnapshot[] {
    const ended: SessionSnapshot[] = [];
    for (const [key, run] of this.runs) {
      if (run.end + this.gapMs < nextTs) {
        ended.push(snapshotOf(run));
        this.runs.delete(key);
      }
    }
    return ended;
  }

  /** Ends every run (the input is over). */
  finish(): SessionSnapshot[] {
    return this.closeIdle(Infinity);
  }
}

function snapshotOf(run: Run): SessionSnapshot {
  return makeSnapshot(run.site, run.visitor, run.start, run.end, run.entry, run.exit, run.pageviews, run.events);
}
