// Minute windows are kept 6 h; once settled (2 min after their end) their distinct sets are packed
// like hours' (2-4 bytes a member), and every answer stays exact, late events included.
import { expect, test } from 'vitest';
import { DAY_MS, MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import { sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { statsDirect, statsViaRollups } from './stats-helpers.js';

const T0 = Date.UTC(2026, 10, 20, 10);
/** The events' ten minutes. */
const M0 = T0 + 20 * MINUTE_MS;

function pageview(i: number, ts: number): StreamEvent {
  return { site: 's', visitor: `v${(i * 7919) % 20_000}`, id: `e${i}`, type: 'pageview', path: `/p${(i * 13) % 20}`, ts, name: null };
}

test('settled minute windows are packed, smaller, and answer exactly; a late event unpacks one set and is counted', async () => {
  let now = M0 + 11 * MINUTE_MS; // none settled yet
  const rollups = new Rollups({ clock: () => now, coveredFrom: T0 - DAY_MS });
  const events = Array.from({ length: 60_000 }, (_, i) => pageview(i, M0 + (i % 10) * MINUTE_MS + (i % 50) * 1000));
  rollups.addEvents(events);
  rollups.applySessionChanges(sessionsFromEvents(events).map((session) => ({ kind: 'open' as const, session })));
  const before = rollups.memory().minuteSets;
  const last = rollups.window('s', MINUTE_MS, M0 + 9 * MINUTE_MS)!;
  now = M0 + 11 * MINUTE_MS + 30_000; // the first nine minutes settled (ended 2 min ago or more), the last not yet
  rollups.prune();
  await rollups.jobsIdle();
  const settled = rollups.window('s', MINUTE_MS, M0)!;
  expect(settled.visitors.isPacked).toBe(true);
  expect([...settled.pageVisitors.values()].every((set) => set.isPacked)).toBe(true);
  expect(last.visitors.isPacked).toBe(false);
  expect(rollups.memory().minuteSets).toBeLessThan(before);

  const late = pageview(99_999, M0 + 5_000); // a new visitor, into a packed minute
  late.visitor = 'late-visitor';
  const all = [...events, late];
  rollups.addEvents([late]);
  rollups.applySessionChanges(sessionsFromEvents([late]).map((session) => ({ kind: 'open' as const, session })));
  const sessions = sessionsFromEvents(all);
  for (const [from, to] of [[M0, M0 + MINUTE_MS], [M0, M0 + 7 * MINUTE_MS + 30_000], [T0, now]] as const) {
    expect(statsViaRollups(rollups, 's', all, sessions, from, to)).toEqual(statsDirect('s', all, sessions, from, to));
  }
});
