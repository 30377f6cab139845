import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import { sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { statsDirect, statsViaRollups, statsViaView } from './stats-helpers.js';

const DAY0 = Date.UTC(2026, 10, 20);
const FILLING = DAY0 + 10 * HOUR_MS + 30 * MINUTE_MS;

/** 3,000 pageviews over one UTC day: 400 visitors, 30 pages, each visitor on a few pages at a few hours. */
function dayOfEvents(): StreamEvent[] {
  return Array.from({ length: 3000 }, (_, i): StreamEvent => ({
    site: 's', visitor: `v${(i * 7) % 400}`, id: `e${i}`, type: 'pageview', path: `/p${(i * 13) % 30}`,
    ts: DAY0 + ((i * 7919) % 1440) * MINUTE_MS + (i % 60) * 1000, name: null,
  }));
}

function rollupsAt(clock: () => number, events: StreamEvent[]): Rollups {
  const rollups = new Rollups({ clock, coveredFrom: DAY0 - DAY_MS });
  rollups.addEvents(events);
  rollups.applySessionChanges(sessionsFromEvents(events).map((session) => ({ kind: 'open' as const, session })));
  return rollups;
}

describe('hour and day windows: page visitor sets built from their parts', () => {
  it('keep no page sets while they fill, and answer exactly once built (read, or closed and built in the background)', async () => {
    let now = FILLING;
    const events = dayOfEvents();
    const rollups = rollupsAt(() => now, events.filter((e) => e.ts < now));
    const hour = rollups.window('s', HOUR_MS, DAY0 + 10 * HOUR_MS)!;
    expect(hour.pageviews).toBeGreaterThan(0);
    expect(hour.pageVisitors.size).toBe(0);
    expect(rollups.window('s', DAY_MS, DAY0)!.pageVisitors.size).toBe(0);
    // Closed hours are built in the background (a slice at a time), before anyone reads them; the
    // settled ones are packed after their build.
    const closed = rollups.window('s', HOUR_MS, DAY0 + 9 * HOUR_MS)!;
    expect(closed.pageVisitorsDeferred).toBe(true);
    await rollups.jobsIdle();
    expect(closed.pageVisitorsDeferred).toBe(false);
    expect(closed.pageVisitors.size).toBeGreaterThan(0);
    expect(closed.visitors.isPacked).toBe(true);
    expect([...closed.pageVisitors.values()].every((set) => set.isPacked)).toBe(true);
    const memory = rollups.memory();
    expect(memory.daySets).toBeLessThan(memory.hourSets / 10);
    const sofar = events.filter((e) => e.ts < now);
    const sessions = sessionsFromEvents(sofar);
    expect(statsViaView(rollups, 's', sofar, sessions, DAY0, now)).toEqual(statsDirect('s', sofar, sessions, DAY0, now));
    // A range ending at the hour's end reads the filling hour window itself: built from its minutes.
    expect(statsViaRollups(rollups, 's', sofar, sessions, DAY0 + 10 * HOUR_MS, DAY0 + 11 * HOUR_MS)).toEqual(
      statsDirect('s', sofar, sessions, DAY0 + 10 * HOUR_MS, DAY0 + 11 * HOUR_MS),
    );
    expect(hour.pageVisitorsDeferred).toBe(false);

    now = DAY0 + DAY_MS + 3 * HOUR_MS;
    const all = rollupsAt(() => now, events);
    const allSessions = sessionsFromEvents(events);
    const expected = statsDirect('s', events, allSessions, DAY0, DAY0 + DAY_MS);
    expect(expected.pages[0]!.visitors).toBeGreaterThan(1);
    expect(statsViaRollups(all, 's', events, allSessions, DAY0, DAY0 + DAY_MS)).toEqual(expected);
    expect(statsViaView(all, 's', events, allSessions, DAY0 - DAY_MS, DAY0 + DAY_MS + HOUR_MS)).toEqual(
      statsDirect('s', events, allSessions, DAY0 - DAY_MS, DAY0 + DAY_MS + HOUR_MS),
    );
  });

  it('a snapshot taken while they fill restores to the same answers, also after their parts are gone', () => {
    let now = FILLING;
    const events = dayOfEvents().filter((e) => e.ts < now);
    const sessions = sessionsFromEvents(events);
    const rollups = rollupsAt(() => now, events);
    const bytes = encodeSnapshot({ coveredFrom: DAY0 - DAY_MS, takenAt: now, replayFrom: now, ids: [], pendingLate: [], windows: rollups.entries() });
    const ranges = [[DAY0 + 10 * HOUR_MS, DAY0 + 11 * HOUR_MS], [DAY0, DAY0 + DAY_MS]] as const;
    // Restarted a little later, 8 hours later (the minutes of 10:00 are gone), 60 days later (the day's hours are gone).
    for (const [later, hourRetention] of [[MINUTE_MS, 40 * DAY_MS], [8 * HOUR_MS, 40 * DAY_MS], [60 * DAY_MS, 40 * DAY_MS]]) {
      now = FILLING + later;
      const restored = new Rollups({ clock: () => now, retentionMs: { [HOUR_MS]: hourRetention } });
      restored.restore(DAY0 - DAY_MS, decodeSnapshot(bytes).windows);
      for (const [from, to] of ranges) {
        if (from < restored.floors()[to - from === DAY_MS ? DAY_MS : HOUR_MS]) continue;
        expect(statsViaRollups(restored, 's', events, sessions, from, to)).toEqual(statsDirect('s', events, sessions, from, to));
      }
    }
  });
});
