import { HOUR_MS } from '../rollups/window-sizes.js';
import type { RollupSnapshot, SnapshotWindow } from '../rollups/rollup-snapshot.js';
import { diffSessions } from '../sessions/diff-sessions.js';
import { SessionRuns } from '../sessions/session-runs.js';
import { sessionsFromEvents } from '../sessions/sessions-from-events.js';
import type { SessionSnapshot, StreamEvent } from '../sessions/types.js';
import { receiptFingerprint } from './receipt-log.js';
import type { StreamPipeline } from './stream-pipeline.js';

/** Store reads recovery needs (rows mapped with `fromStoredEvent`). */
export interface RecoveryReader {
  /** Stored events with ts >= sinceMs, every site. */
  eventsSince(sinceMs: number): Promise<StreamEvent[]>;
  /** Every stored event of these visitors of `site`, any event time. */
  eventsOfVisitors(site: string, visitors: string[]): Promise<StreamEvent[]>;
  /** Stored events with from <= ts < to, every site: with it a rebuild reads one day at a time. */
  eventsByTime?(from: number, to: number): Promise<StreamEvent[]>;
  /** Stored events received at or after sinceMs: needed to start from a snapshot. */
  eventsReceivedSince?(sinceMs: number): Promise<StreamEvent[]>;
}

export interface RecoveryReport {
  mode: 'snapshot' | 'rebuild';
  /** Snapshot: stored events it did not hold, replayed. Rebuild: events read. */
  events: number;
}

/** Visitors per eventsOfVisitors call (an IN list). */
const VISITOR_CHUNK = 2000;
const FAR_FUTURE = Number.MAX_SAFE_INTEGER;

/**
 * Startup: windows from the snapshot plus the stored events it does not hold (when given, covering
 * `from`, and the reader can find them), else rebuilt from stored events since `from`; then the
 * sessions that may still grow and the recent events. Exact either way: replayed events land in
 * their windows and their sessions' changes are applied as for late events.
 */
export async function recoverPipeline(
  pipeline: StreamPipeline, reader: RecoveryReader, options: { from: number; snapshot?: RollupSnapshot & { windows: SnapshotWindow[] } | null },
): Promise<RecoveryReport> {
  const { snapshot } = options;
  let report: RecoveryReport;
  if (snapshot && reader.eventsReceivedSince && snapshot.coveredFrom <= options.from) {
    pipeline.rollups.restore(snapshot.coveredFrom, snapshot.windows, snapshot.minutesFrom);
    const received = await reader.eventsReceivedSince(snapshot.replayFrom);
    const held = new Set(snapshot.ids);
    const replay = received.filter((e) => !held.has(receiptFingerprint(e)));
    pipeline.receipts.add(received);
    pipeline.rollups.addEvents(replay);
    await applySessionDiffs(pipeline, reader, [...replay, ...snapshot.pendingLate]);
    report = { mode: 'snapshot', events: replay.length };
  } else if (reader.eventsByTime) {
    report = { mode: 'rebuild', events: await rebuildByDay(pipeline, reader.eventsByTime, options.from) };
  } else {
    const events = await reader.eventsSince(options.from - pipeline.sessionizer.gapMs);
    pipeline.recover(events, options.from);
    return { mode: 'rebuild', events: events.length };
  }
  await resumeLive(pipeline, reader);
  return report;
}

/**
 * The sessions that may still grow (a visitor's event at or after liveHorizon()) and the recent
 * events. With reads by time, the read reaches back until every such session's start is known (no
 * event within the gap before it could be missing); else all events of those visitors are read.
 */
async function resumeLive(pipeline: StreamPipeline, reader: RecoveryReader): Promise<void> {
  const horizon = pipeline.liveHorizon();
  const gap = pipeline.sessionizer.gapMs;
  if (!reader.eventsByTime) {
    const recent = await reader.eventsSince(horizon);
    pipeline.resume(recent, horizon, await eventsOfVisitorsIn(reader, recent));
    return;
  }
  let start = horizon - gap;
  const events = await reader.eventsSince(start);
  for (;;) {
    const active = new Set(events.filter((e) => e.ts >= horizon).map((e) => `${e.site}\u0000${e.visitor}`));
    const open = sessionsFromEvents(events, gap).filter((s) => active.has(`${s.site}\u0000${s.visitor}`) && s.end >= horizon);
    // A session starting within the gap after the read's start may have earlier events.
    if (!open.some((s) => s.start - gap < start)) {
      pipeline.resume(events, start, events.filter((e) => active.has(`${e.site}\u0000${e.visitor}`)));
      return;
    }
    const step = Math.max(HOUR_MS, horizon - start);
    for (const event of await reader.eventsByTime(start - step, start)) events.push(event);
    start -= step;
  }
}

/**
 * Read size of a rebuild: a quarter day of events at a time (at 10M events a month that is ~80k
 * events, ~25 MB of objects, where a whole day's read made the heap grow by ~100 MB, kept as RSS).
 */
const REBUILD_SLICE_MS = 6 * HOUR_MS;

/**
 * Windows from `from` on, read a slice at a time (memory bounded by a slice of events); settled
 * windows are packed after each slice (Rollups.prune), so the hash tables never pile up either.
 */
async function rebuildByDay(pipeline: StreamPipeline, eventsByTime: (from: number, to: number) => Promise<StreamEvent[]>, from: number): Promise<number> {
  const { rollups, sessionizer, receipts } = pipeline;
  rollups.restore(from, []);
  const runs = new SessionRuns(sessionizer.gapMs);
  const addSessions = (sessions: SessionSnapshot[]) =>
    rollups.applySessionChanges(sessions.filter((s) => s.start >= from).map((session) => ({ kind: 'open' as const, session })));
  const now = pipeline.clock();
  const recentReceipt = now - receipts.keepMs - 1000;
  let read = 0;
  for (let a = from - sessionizer.gapMs, b = from; a < FAR_FUTURE; a = b, b = b > now ? FAR_FUTURE : b + REBUILD_SLICE_MS) {
    const events = (await eventsByTime(a, b)).sort((x, y) => x.ts - y.ts);
    read += events.length;
    rollups.addEvents(a >= from ? events : events.filter((e) => e.ts >= from));
    addSessions([...runs.push(events), ...runs.closeIdle(b)]);
    receipts.add(events.filter((e) => (e.receivedAt ?? -Infinity) >= recentReceipt));
    rollups.prune('now');
  }
  addSessions(runs.finish());
  return read;
}

/**
 * Applies the session changes of events the windows hold without their sessions (replayed after a
 * snapshot, or late events pending when it was taken): before = sessions of the visitors' stored
 * events without them, after = with them.
 */
async function applySessionDiffs(pipeline: StreamPipeline, reader: RecoveryReader, events: StreamEvent[]): Promise<void> {
  if (events.length === 0) return;
  const excluded = new Set(events.map((e) => `${e.site}\u0000${e.id}`));
  const stored = await eventsOfVisitorsIn(reader, events);
  const before = sessionsFromEvents(stored.filter((e) => !excluded.has(`${e.site}\u0000${e.id}`)), pipeline.sessionizer.gapMs);
  pipeline.rollups.applySessionChanges(diffSessions(before, sessionsFromEvents(stored, pipeline.sessionizer.gapMs)));
}

/** Every stored event of the (site, visitor) pairs seen in `events`, read in chunks. */
async function eventsOfVisitorsIn(reader: RecoveryReader, events: StreamEvent[]): Promise<StreamEvent[]> {
  const bySite = new Map<string, Set<string>>();
  for (const event of events) {
    let visitors = bySite.get(event.site);
    if (!visitors) bySite.set(event.site, (visitors = new Set()));
    visitors.add(event.visitor);
  }
  const out: StreamEvent[] = [];
  for (const [site, visitors] of bySite) {
    const list = [...visitors];
    for (let i = 0; i < list.length; i += VISITOR_CHUNK) {
      for (const event of await reader.eventsOfVisitors(site, list.slice(i, i + VISITOR_CHUNK))) out.push(event);
    }
  }
  return out;
}
