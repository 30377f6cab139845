import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateOf, DAY_MS, DistinctSet, emptyAggregate, HOUR_MS, MINUTE_MS, Rollups, type Aggregate, type WindowSizeMs } from '../../../collector/src/rollups/index.js';
import { PageSetBuild } from '../../../collector/src/rollups/deferred-pages.js';
import { WindowPack } from '../../../collector/src/rollups/pack-window.js';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import { SnapshotCapture } from '../../../collector/src/rollups/snapshot-capture.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';
import { statsDirect, statsViaRollups } from './stats-helpers.js';

const DAY0 = Date.UTC(2026, 10, 20);
/** Hours 0-3 of DAY0 hold the events; the clock stays inside the day (minutes of all four hours kept). */
const NOW = DAY0 + 5 * HOUR_MS + 30 * MINUTE_MS;

const pageSets = (window: Pick<Aggregate, 'pageVisitors'>) =>
  [...window.pageVisitors].map(([page, set]) => [page, [...set.toArray()].sort((a, b) => a - b)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));

/** Page sets by the definition: the window's raw events. */
function expectedPages(events: StreamEvent[], size: WindowSizeMs, start: number) {
  return pageSets(aggregateOf(events.filter((e) => e.ts >= start && e.ts < start + size)));
}

/**
 * Fills hour 1 of DAY0 with `visitors` visitors of 10 pageviews each (pages of 40), visitor v in minute
 * v % `minutes`, added a visitor at a time; returns the events.
 */
function fillHour1(rollups: Rollups, visitors: number, minutes: number): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (let v = 0; v < visitors; v++) {
    const run = Array.from({ length: 10 }, (_, k): StreamEvent => ({
      site: 's', visitor: `v${v}`, id: `a${v}-${k}`, type: 'pageview', path: `/p${(v + k * 7) % 40}`, ts: DAY0 + HOUR_MS + (v % minutes) * MINUTE_MS, name: null,
    }));
    events.push(...run);
    rollups.addEvents(run);
  }
  return events;
}

const eventArb = fc.record({
  visitor: fc.integer({ min: 0, max: 40 }),
  page: fc.integer({ min: 0, max: 6 }),
  hour: fc.integer({ min: 0, max: 3 }),
  minute: fc.integer({ min: 0, max: 4 }),
  type: fc.constantFrom<EventSpec['type']>('pageview', 'pageview', 'pageview', 'event'),
});

interface EventSpec {
  visitor: number;
  page: number;
  hour: number;
  minute: number;
  type: 'pageview' | 'event';
}

let id = 0;
function toEvent({ visitor, page, hour, minute, type }: EventSpec): StreamEvent {
  return {
    site: 's', visitor: `v${visitor}`, id: `e${id++}`, type, path: `/p${page}`,
    ts: DAY0 + hour * HOUR_MS + minute * MINUTE_MS + (visitor % 60) * 1000, name: type === 'event' ? 'signup' : null,
  };
}

describe('page visitor sets built a slice at a time', () => {
  it('equal the one-piece build and the raw events, with events and reads landing between every two steps (property)', () => {
    // Actions between steps: an event (into a part already read, one not read yet, or a new minute /
    // hour), or a read of one hour (builds it at once, while the day's build reads its minutes).
    const action = fc.oneof(eventArb.map((e) => ({ kind: 'event' as const, e })), fc.integer({ min: 0, max: 3 }).map((hour) => ({ kind: 'read' as const, hour })));
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }), fc.array(action, { maxLength: 80 }), fc.constantFrom<WindowSizeMs>(HOUR_MS, DAY_MS),
        fc.subarray([0, 1, 2, 3]), fc.integer({ min: 0, max: 3 }),
        (before, during, size, builtHours, hour) => {
          const start = size === DAY_MS ? DAY0 : DAY0 + hour * HOUR_MS;
          const rollups = new Rollups({ clock: () => NOW, coveredFrom: DAY0 - DAY_MS });
          const first = before.map(toEvent);
          rollups.addEvents(first);
          // Some hours built before (the day reads them), the others read through their minutes.
          for (const h of builtHours) rollups.query('s', DAY0 + h * HOUR_MS, DAY0 + (h + 1) * HOUR_MS);
          const window = rollups.window('s', size, start);
          if (!window?.pageVisitorsDeferred) return;
          const build = new PageSetBuild(window, 's', size, start, (site, s, t) => rollups.window(site, s, t), 1);
          const all = [...first];
          let steps = 0;
          let next = 0;
          while (!build.step(0)) {
            steps++;
            const step = during[next++ % Math.max(1, during.length)];
            if (step?.kind === 'event') {
              const event = toEvent(step.e);
              all.push(event);
              rollups.addEvents([event]);
            } else if (step?.kind === 'read') rollups.query('s', DAY0 + step.hour * HOUR_MS, DAY0 + (step.hour + 1) * HOUR_MS);
          }
          expect(window.pageVisitorsDeferred).toBe(false);
          expect(window.pageVisitorsBuilding).toBe(false);
          const expected = expectedPages(all, size, start);
          expect(pageSets(window)).toEqual(expected);
          // The one-piece build over the same events.
          const reference = new Rollups({ clock: () => NOW, coveredFrom: DAY0 - DAY_MS });
          reference.addEvents(all);
          const whole = reference.window('s', size, start)!;
          expect(new PageSetBuild(whole, 's', size, start, (site, s, t) => reference.window(site, s, t)).step()).toBe(true);
          expect(pageSets(whole)).toEqual(expected);
          // Events after the build keep it exact, as any window.
          const after = toEvent({ visitor: 99, page: 1, hour: size === DAY_MS ? 2 : hour, minute: 1, type: 'pageview' });
          rollups.addEvents([after]);
          expect(pageSets(window)).toEqual(expectedPages([...all, after], size, start));
          expect(steps).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a read waits for the background build, which yields to the event loop while events keep arriving', async () => {
    let now = DAY0 + 2 * HOUR_MS - 5 * MINUTE_MS;
    const reports: number[] = [];
    const rollups = new Rollups({ clock: () => now, coveredFrom: DAY0 - DAY_MS, sliceMs: 0, onWindowJob: (r) => r.job.kind === 'build' && reports.push(r.slices) });
    // 60,000 (page, visitor) pairs in hour 1: 6,000 visitors on 10 pages each, over its minutes.
    const events = fillHour1(rollups, 6000, 55);
    now = DAY0 + 2 * HOUR_MS + MINUTE_MS; // the hour closed: the next prune starts its build in the background
    rollups.prune();
    const hour = rollups.window('s', HOUR_MS, DAY0 + HOUR_MS)!;
    expect(hour.pageVisitorsDeferred).toBe(true);
    let turns = 0;
    let running = true;
    const arrive = () => {
      if (!running) return;
      const event: StreamEvent = { site: 's', visitor: `late${turns}`, id: `l${turns}`, type: 'pageview', path: `/p${turns % 50}`, ts: DAY0 + HOUR_MS + (turns % 60) * MINUTE_MS, name: null };
      turns++;
      events.push(event);
      rollups.addEvents([event]);
      setImmediate(arrive);
    };
    setImmediate(arrive);
    await rollups.pagesReady('s', DAY0 + HOUR_MS, DAY0 + 2 * HOUR_MS);
    running = false;
    expect(hour.pageVisitorsDeferred).toBe(false);
    expect(reports.length).toBe(1);
    expect(reports[0]).toBeGreaterThan(1);
    expect(turns).toBeGreaterThan(0);
    expect(pageSets(hour)).toEqual(expectedPages(events, HOUR_MS, DAY0 + HOUR_MS));
  });

  it('a snapshot captured while a build runs holds the window as at the instant (deferred) and restores exactly', async () => {
    let now = DAY0 + 2 * HOUR_MS + MINUTE_MS;
    const rollups = new Rollups({ clock: () => now, coveredFrom: DAY0 - DAY_MS, sliceMs: 0 });
    const events = fillHour1(rollups, 3000, 60);
    const hour = rollups.window('s', HOUR_MS, DAY0 + HOUR_MS)!;
    const header = { coveredFrom: DAY0 - DAY_MS, takenAt: now, replayFrom: now, ids: [], pendingLate: [] };
    const atTheInstant = encodeSnapshot({ ...header, windows: rollups.entries() });
    // The build (started by the prune at close) and the capture go on turn by turn; events keep landing.
    const capture = new SnapshotCapture(header, rollups.entries(), rollups);
    const built = rollups.pagesReady('s', DAY0 + HOUR_MS, DAY0 + 2 * HOUR_MS);
    expect(hour.pageVisitorsDeferred).toBe(true);
    let i = 0;
    while (!capture.step(Infinity, 1)) {
      await new Promise((resolve) => setImmediate(resolve));
      const event: StreamEvent = { site: 's', visitor: `late${i}`, id: `l${i}`, type: 'pageview', path: '/late', ts: DAY0 + HOUR_MS + (i % 60) * MINUTE_MS, name: null };
      i++;
      rollups.addEvents([event]);
    }
    await built;
    expect(hour.pageVisitorsDeferred).toBe(false);
    const captured = Buffer.concat(capture.finish());
    // Window by window as at the instant (the capture writes them in another order): the hour without page sets.
    const byKey = (bytes: Buffer) => new Map(decodeSnapshot(bytes).windows.map(({ site, sizeMs, start, window }) => [
      `${site}|${sizeMs}|${start}`, { pageviews: window.pageviews, visitors: [...window.visitors.toArray()].sort(), pages: pageSets(window) },
    ]));
    expect(byKey(captured)).toEqual(byKey(atTheInstant));
    expect(byKey(captured).get(`s|${HOUR_MS}|${DAY0 + HOUR_MS}`)?.pages).toEqual([]);
    // Restored later: the hour deferred again, built from its minutes, exact.
    now += 3 * HOUR_MS;
    const restored = new Rollups({ clock: () => now });
    restored.restore(DAY0 - DAY_MS, decodeSnapshot(captured).windows);
    // (No session changes were applied to these rollups: none expected.)
    expect(statsViaRollups(restored, 's', events, [], DAY0 + HOUR_MS, DAY0 + 2 * HOUR_MS)).toEqual(statsDirect('s', events, [], DAY0 + HOUR_MS, DAY0 + 2 * HOUR_MS));
    expect(restored.window('s', HOUR_MS, DAY0 + HOUR_MS)!.pageVisitors.size).toBe(40);
  });

  it('a window packed a slice at a time keeps every member, with members added between every two steps (property)', () => {
    const members = fc.array(fc.integer({ min: 1, max: 2 ** 32 - 1 }), { maxLength: 60 });
    fc.assert(
      fc.property(fc.array(members, { maxLength: 6 }), members, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 2 ** 32 - 1 })), { maxLength: 40 }), fc.integer({ min: 1, max: 30 }),
        (pages, visitors, adds, groupMembers) => {
          const sorted = (list: Iterable<number>) => [...list].sort((a, b) => a - b);
          const windowOf = () => {
            const window = emptyAggregate();
            window.visitors = DistinctSet.of(visitors);
            pages.forEach((list, i) => window.pageVisitors.set(`/p${i}`, DistinctSet.of(list)));
            return { window, sets: [window.visitors, ...window.pageVisitors.values()] };
          };
          // Alone: every set packed, the same members.
          const still = windowOf();
          const alone = new WindowPack(still.window, 's', HOUR_MS, DAY0, groupMembers);
          while (!alone.step(0));
          still.sets.forEach((set, i) => {
            expect(set.isPacked).toBe(true);
            expect(sorted(set.toArray())).toEqual(sorted(new Set([visitors, ...pages][i])));
          });
          // Packed again after a late member unpacked one set (the others are copied as sorted runs).
          const [which, fp] = adds[0] ?? [0, 7];
          still.sets[which % still.sets.length]!.addFingerprint(fp);
          const again = new WindowPack(still.window, 's', HOUR_MS, DAY0, groupMembers);
          while (!again.step(0));
          still.sets.forEach((set, i) => {
            expect(set.isPacked).toBe(true);
            const want = new Set([visitors, ...pages][i]);
            if (i === which % still.sets.length) want.add(fp);
            expect(sorted(set.toArray())).toEqual(sorted(want));
            for (const member of want) expect(set.has(member)).toBe(true);
          });
          // With members arriving between steps (late events): none lost (a set that grew while it was
          // sorted stays a table until the next prune).
          const { window, sets } = windowOf();
          const expected = [visitors, ...pages].map((list) => new Set(list));
          const pack = new WindowPack(window, 's', HOUR_MS, DAY0, groupMembers);
          let next = 0;
          while (!pack.step(0)) {
            const [which, fp] = adds[next++ % Math.max(1, adds.length)] ?? [0, 1];
            sets[which % sets.length]!.addFingerprint(fp);
            expected[which % sets.length]!.add(fp);
          }
          sets.forEach((set, i) => {
            expect(sorted(set.toArray())).toEqual(sorted(expected[i]!));
            for (const fp of expected[i]!) expect(set.has(fp)).toBe(true);
          });
        }),
      { numRuns: 300 },
    );
  });
});

