// Minute windows' distinct sets have a memory budget: past it the oldest minutes leave early (never
// the last hour, never the parts of an hour whose page sets are still to be built), and ranges with an
// edge in a dropped minute read that edge as raw events. Every answer stays exact, across a restore too.
import { expect, test } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import { sessionsFromEvents, type SessionSnapshot, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { statsDirect, statsViaRollups, statsViaView } from './stats-helpers.js';

const T0 = Date.UTC(2026, 10, 20, 6);

function pageview(i: number, ts: number): StreamEvent {
  return { site: 's', visitor: `v${(i * 7919) % 3_000}`, id: `e${i}`, type: 'pageview', path: `/p${(i * 13) % 40}`, ts, name: null };
}

/** Three hours of traffic from T0, an event every 2 s. */
function threeHours(): { events: StreamEvent[]; sessions: SessionSnapshot[] } {
  const events = Array.from({ length: (3 * HOUR_MS) / 2_000 }, (_, i) => pageview(i, T0 + i * 2_000));
  return { events, sessions: sessionsFromEvents(events) };
}

function filled(clock: () => number, minuteSetsBudgetBytes: number, { events, sessions }: ReturnType<typeof threeHours>): Rollups {
  const rollups = new Rollups({ clock, coveredFrom: T0 - DAY_MS, minuteSetsBudgetBytes });
  rollups.addEvents(events);
  rollups.applySessionChanges(sessions.map((session) => ({ kind: 'open' as const, session })));
  return rollups;
}

const RANGES: [number, number][] = [
  [T0, T0 + 3 * HOUR_MS], // whole hours
  [T0 + 7 * MINUTE_MS + 5_000, T0 + 2 * HOUR_MS + 31 * MINUTE_MS], // both edges inside minutes, the first dropped
  [T0 + 50 * MINUTE_MS, T0 + 70 * MINUTE_MS], // only dropped minutes
  [T0 + 2 * HOUR_MS + 10 * MINUTE_MS, T0 + 2 * HOUR_MS + 40 * MINUTE_MS], // only kept minutes
];

function expectExact(rollups: Rollups, data: ReturnType<typeof threeHours>): void {
  for (const [from, to] of RANGES) {
    const direct = statsDirect('s', data.events, data.sessions, from, to);
    expect(statsViaRollups(rollups, 's', data.events, data.sessions, from, to)).toEqual(direct);
    expect(statsViaView(rollups, 's', data.events, data.sessions, from, to)).toEqual(direct);
  }
}

/** The three hours in rollups over a 1-byte budget, pruned once the closed hours' page sets are built. */
async function overBudget() {
  const data = threeHours();
  let now = T0 + 3 * HOUR_MS + 20 * MINUTE_MS;
  const rollups = filled(() => now, 1, data);
  rollups.prune();
  await rollups.jobsIdle();
  now += MINUTE_MS; // the closed hours' page sets are built now: their minutes may go
  rollups.prune();
  await rollups.jobsIdle();
  return { data, rollups, now };
}

test('over the budget the oldest minutes leave early, never the last hour, and answers stay exact', async () => {
  const { data, rollups, now } = await overBudget();

  const lastHour = Math.floor((now - HOUR_MS) / MINUTE_MS) * MINUTE_MS;
  expect(rollups.minutesFrom).toBe(lastHour);
  expect(rollups.window('s', MINUTE_MS, lastHour - MINUTE_MS)).toBeUndefined();
  expect(rollups.window('s', MINUTE_MS, lastHour)).toBeDefined();
  expect(rollups.floors()[MINUTE_MS]).toBe(lastHour);
  expect(rollups.memory().minuteSets).toBeGreaterThan(0);
  expectExact(rollups, data);
});

test('the minutes of an hour whose page sets are not built yet stay, whatever the budget', () => {
  const data = threeHours();
  let now = T0 + 3 * HOUR_MS + 20 * MINUTE_MS;
  const rollups = filled(() => now, 1, data);
  // The prune that closes the third hour queues its build; until that build ran, its minutes are its parts.
  now = T0 + 3 * HOUR_MS + 21 * MINUTE_MS;
  const lastHourStart = T0 + 2 * HOUR_MS;
  expect(rollups.window('s', HOUR_MS, lastHourStart)!.pageVisitorsDeferred).toBe(true);
  rollups.prune();
  expect(rollups.minutesFrom).toBeLessThanOrEqual(lastHourStart);
  expect(rollups.window('s', MINUTE_MS, lastHourStart)).toBeDefined();
  expectExact(rollups, data);
});

test('under the budget nothing leaves before the retention', async () => {
  const data = threeHours();
  const now = T0 + 3 * HOUR_MS + 20 * MINUTE_MS;
  const rollups = filled(() => now, 1 << 30, data);
  rollups.prune();
  await rollups.jobsIdle();
  expect(rollups.minutesFrom).toBe(-Infinity);
  expect(rollups.window('s', MINUTE_MS, T0)).toBeDefined();
  expect(rollups.floors()[MINUTE_MS]).toBeLessThanOrEqual(T0);
});

test('a snapshot keeps minutesFrom: after a restore dropped minutes are read as raw edges, not as empty windows', async () => {
  const { data, rollups: source, now } = await overBudget();
  expect(source.minutesFrom).toBeGreaterThan(T0);

  const snapshot = decodeSnapshot(encodeSnapshot({
    coveredFrom: source.coveredFrom, minutesFrom: source.minutesFrom, takenAt: now, replayFrom: now, ids: [], pendingLate: [], windows: source.entries(),
  }));
  expect(snapshot.minutesFrom).toBe(source.minutesFrom);
  const restored = new Rollups({ clock: () => now, minuteSetsBudgetBytes: 1 });
  restored.restore(snapshot.coveredFrom, snapshot.windows, snapshot.minutesFrom);
  expect(restored.minutesFrom).toBe(source.minutesFrom);
  expectExact(restored, data);

  // Without it the dropped minutes would read as minutes with no traffic.
  const forgetful = new Rollups({ clock: () => now, minuteSetsBudgetBytes: 1 });
  forgetful.restore(snapshot.coveredFrom, decodeSnapshot(encodeSnapshot({ ...snapshot, minutesFrom: undefined })).windows);
  const [from, to] = RANGES[2]!;
  expect(statsViaRollups(forgetful, 's', data.events, data.sessions, from, to)).not.toEqual(statsDirect('s', data.events, data.sessions, from, to));
});

test('a snapshot with no minutes dropped reads back as none dropped', () => {
  const now = T0;
  const snapshot = decodeSnapshot(encodeSnapshot({ coveredFrom: T0, minutesFrom: -Infinity, takenAt: now, replayFrom: now, ids: [], pendingLate: [], windows: [] }));
  expect(snapshot.minutesFrom).toBe(-Infinity);
});
