import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import { sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { statsDirect, statsViaRollups, statsViaView } from './stats-helpers.js';

const DAY0 = Date.UTC(2026, 10, 20);

/** 3,000 pageviews over one UTC day: 400 visitors, 30 pages, each visitor on a few pages at a few hours. */
function dayOfEvents(): StreamEvent[] {
  return Array.from({ length: 3000 }, (_, i): StreamEvent => ({
    site: 's', visitor: `v${(i * 7) % 400}`, id: `e${i}`, type: 'pageview', path: `/p${(i * 13) % 30}`,
    ts: DAY0 + ((i * 7919) % 1440) * MINUTE_MS + (i % 60) * 1000, name: null,
  }));
}

describe('day windows: page visitor sets built from the hours', () => {
  it('keep no page sets while the day fills, and answer whole days exactly once built', () => {
    let now = DAY0 + 10 * HOUR_MS;
    const rollups = new Rollups({ clock: () => now, coveredFrom: DAY0 - DAY_MS });
    const events = dayOfEvents();
    rollups.addEvents(events.filter((e) => e.ts < now));
    const filling = rollups.memory();
    expect(filling.hourSets).toBeGreaterThan(0);
    expect(filling.daySets).toBeLessThan(filling.hourSets / 10);
    now = DAY0 + DAY_MS + 3 * HOUR_MS;
    rollups.addEvents(events.filter((e) => e.ts >= DAY0 + 10 * HOUR_MS));
    const sessions = sessionsFromEvents(events);
    rollups.applySessionChanges(sessions.map((session) => ({ kind: 'open' as const, session })));
    // The whole day's cover is its day window: page visitors exact, by query and by the cached view.
    const expected = statsDirect('s', events, sessions, DAY0, DAY0 + DAY_MS);
    expect(expected.pages[0]!.visitors).toBeGreaterThan(1);
    expect(statsViaRollups(rollups, 's', events, sessions, DAY0, DAY0 + DAY_MS)).toEqual(expected);
    expect(statsViaView(rollups, 's', events, sessions, DAY0 - DAY_MS, DAY0 + DAY_MS + HOUR_MS)).toEqual(
      statsDirect('s', events, sessions, DAY0 - DAY_MS, DAY0 + DAY_MS + HOUR_MS),
    );
  });

  it('a snapshot taken while the day fills restores to the same answers; after its hours are gone the day is not used', () => {
    let now = DAY0 + 20 * HOUR_MS;
    const rollups = new Rollups({ clock: () => now, coveredFrom: DAY0 - DAY_MS });
    const events = dayOfEvents().filter((e) => e.ts < now);
    const sessions = sessionsFromEvents(events);
    rollups.addEvents(events);
    rollups.applySessionChanges(sessions.map((session) => ({ kind: 'open' as const, session })));
    const bytes = encodeSnapshot({ coveredFrom: DAY0 - DAY_MS, takenAt: now, replayFrom: now, ids: [], pendingLate: [], windows: rollups.entries() });
    const saved = decodeSnapshot(bytes);
    now = DAY0 + DAY_MS + HOUR_MS;
    const restored = new Rollups({ clock: () => now });
    restored.restore(saved.coveredFrom, saved.windows);
    expect(statsViaRollups(restored, 's', events, sessions, DAY0, DAY0 + DAY_MS)).toEqual(statsDirect('s', events, sessions, DAY0, DAY0 + DAY_MS));
    // Restarted once the hour windows of that day fell out of retention: the day cannot be built, so it is not covered.
    now = DAY0 + 60 * DAY_MS;
    const late = new Rollups({ clock: () => now, retentionMs: { [HOUR_MS]: 40 * DAY_MS } });
    late.restore(saved.coveredFrom, decodeSnapshot(bytes).windows);
    expect(late.coveredFrom).toBe(DAY0 + DAY_MS);
  });
});
