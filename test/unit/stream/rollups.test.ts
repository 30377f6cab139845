import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverRange, DAY_MS, DistinctSet, HOUR_MS, MINUTE_MS, QuantileSketch, Rollups } from '../../../collector/src/rollups/index.js';
import { rollupCoverage } from '../../../collector/src/rollups/rollup-coverage.js';
import { RadixSort, sortUint32 } from '../../../collector/src/rollups/sort-u32.js';
import { Sessionizer, sessionsFromEvents, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { DEFAULT_ROLLUP_DAYS } from '../../../collector/src/stream-wiring.js';
import { statsDirect, statsViaRollups, statsViaView } from './stats-helpers.js';

const T0 = Date.UTC(2026, 10, 20);

describe('QuantileSketch', () => {
  it('p75/p90 within 1% relative error of the exact value, and merging equals one sketch', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 20_000, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.nat(), (values, cut) => {
        const whole = new QuantileSketch();
        const left = new QuantileSketch();
        const right = new QuantileSketch();
        values.forEach((v, i) => {
          whole.add(v);
          (i < cut % (values.length + 1) ? left : right).add(v);
        });
        left.merge(right);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of [0.5, 0.75, 0.9]) {
          const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
          const got = whole.quantile(q);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact * 0.01 + 1e-9);
          expect(left.quantile(q)).toBe(got);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('DistinctSet', () => {
  it('counts distinct visitors across merged windows within 0.01% at 200,000 visitors', () => {
    const windows = Array.from({ length: 4 }, () => new DistinctSet());
    for (let i = 0; i < 300_000; i++) windows[i % 4]!.add((0x1000000000000000n + 0x9e3779b97f4a7n * BigInt(i % 200_000)).toString(16));
    const union = new DistinctSet();
    for (const w of windows) union.merge(w);
    expect(union.size).toBeLessThanOrEqual(200_000);
    expect(union.size).toBeGreaterThanOrEqual(200_000 * 0.9999);
    const tiny = new DistinctSet();
    ['a', 'b', 'a'].forEach((v) => tiny.add(v));
    expect(tiny.size).toBe(2);
  });

  it('packed sets (a settled window) hold the same members, unpack on a new one, and merge either way (property)', () => {
    const members = fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 80 });
    fc.assert(
      fc.property(fc.array(members, { minLength: 1, maxLength: 5 }), members, fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 5 }), (lists, other, later) => {
        const sets = lists.map((list) => DistinctSet.of(list));
        DistinctSet.pack(sets);
        const sorted = (set: DistinctSet) => [...set.toArray()].sort((a, b) => a - b);
        lists.forEach((list, i) => {
          const set = sets[i]!;
          expect(set.isPacked).toBe(true);
          expect(sorted(set)).toEqual([...new Set(list)].sort((a, b) => a - b));
          for (let fp = 1; fp <= 300; fp += 7) expect(set.has(fp)).toBe(list.includes(fp));
        });
        const into = DistinctSet.of(other);
        into.merge(sets[0]!);
        expect(sorted(into)).toEqual([...new Set([...other, ...lists[0]!])].sort((a, b) => a - b));
        const packed = sets[sets.length - 1]!;
        packed.merge(DistinctSet.of(other));
        for (const fp of later) packed.addFingerprint(fp);
        expect(sorted(packed)).toEqual([...new Set([...lists[lists.length - 1]!, ...other, ...later])].sort((a, b) => a - b));
        // Its neighbours in the shared array are untouched.
        lists.slice(0, -1).forEach((list, i) => expect(sorted(sets[i]!)).toEqual([...new Set(list)].sort((a, b) => a - b)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sortUint32 (packing)', () => {
  it('sorts like the built-in sort, any length and any range of values (property)', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff));
    fc.assert(
      // Short lists take the built-in sort, longer ones (512 on) the radix sort.
      fc.property(fc.oneof(fc.array(value, { maxLength: 600 }), fc.array(value, { minLength: 512, maxLength: 3000 })), fc.integer({ min: 1, max: 700 }), (list, budget) => {
        const expected = [...Uint32Array.from(list).sort()];
        const values = Uint32Array.from(list);
        sortUint32(values, new Uint32Array(values.length));
        expect([...values]).toEqual(expected);
        // A bounded piece at a time (a background pack), any budget.
        const stepped = Uint32Array.from(list);
        const sort = new RadixSort(stepped);
        let steps = 1;
        while (!sort.step(budget)) steps++;
        expect([...stepped]).toEqual(expected);
        expect(steps).toBeLessThanOrEqual(Math.ceil((5 * list.length) / budget) + 5);
      }),
      { numRuns: 200 },
    );
  });
});

describe('coverRange', () => {
  it('partitions [from, to) into aligned usable windows and raw edges (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * DAY_MS }), fc.integer({ min: 0, max: 2 * DAY_MS }), fc.integer({ min: 0, max: 10 * DAY_MS }), (a, len, floor) => {
        const from = T0 + a;
        const to = from + len;
        const floors = { [DAY_MS]: T0 + floor, [HOUR_MS]: T0 + floor / 2, [MINUTE_MS]: T0 };
        const cover = coverRange(from, to, floors);
        const pieces = [...cover.windows.map((w) => ({ from: w.start, to: w.start + w.sizeMs })), ...cover.edges].sort((x, y) => x.from - y.from);
        let at = from;
        for (const p of pieces) {
          expect(p.from).toBe(at);
          at = p.to;
        }
        expect(at).toBe(len === 0 ? from : to);
        for (const w of cover.windows) {
          expect(w.start % w.sizeMs).toBe(0);
          expect(w.start).toBeGreaterThanOrEqual(floors[w.sizeMs]);
        }
      }),
      { numRuns: 100 },
    );
  });
  it('uses day windows in the middle, hours and minutes toward the edges', () => {
    const cover = coverRange(T0 - 90 * MINUTE_MS - 10_000, T0 + DAY_MS + 61 * MINUTE_MS);
    const count = (size: number) => cover.windows.filter((w) => w.sizeMs === size).length;
    expect([count(DAY_MS), count(HOUR_MS), count(MINUTE_MS)]).toEqual([1, 2, 30 + 1]);
    expect(cover.edges).toEqual([{ from: T0 - 90 * MINUTE_MS - 10_000, to: T0 - 90 * MINUTE_MS }]);
  });
});

const events3days = fc
  .array(
    fc.record({
      visitor: fc.constantFrom('v1', 'v2', 'v3', 'v4'),
      type: fc.constantFrom('pageview', 'pageview', 'event', 'vital', 'error'),
      path: fc.constantFrom('/', '/a', '/b'),
      at: fc.integer({ min: 0, max: 3 * DAY_MS }),
      referrer: fc.constantFrom('', 'news.ycombinator.com'),
      country: fc.constantFrom('FR', 'US'),
      value: fc.integer({ min: 0, max: 5000 }),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((rows) =>
    rows.map((r, i): StreamEvent => ({
      site: 's', visitor: r.visitor, id: `e${i}`, type: r.type as StreamEvent['type'], path: r.path, ts: T0 + r.at,
      name: r.type === 'vital' ? 'LCP' : r.type === 'pageview' ? null : r.type === 'error' ? 'boom' : 'signup',
      props: r.type === 'vital' ? { value: r.value } : r.type === 'event' ? { plan: r.value % 2 ? 'pro' : 'free' } : {},
      referrer: r.referrer, country: r.country, browser: 'Chrome', os: 'Linux', device: 'desktop',
    })),
  );

describe('Rollups', () => {
  it('windows + raw edges give exactly the stats of the raw events for any range, with shuffled arrival and session retractions (property)', () => {
    fc.assert(
      fc.property(
        events3days.chain((evs) => fc.tuple(fc.constant(evs), fc.shuffledSubarray(evs, { minLength: evs.length, maxLength: evs.length }))),
        fc.integer({ min: -HOUR_MS, max: 3 * DAY_MS }), fc.integer({ min: 0, max: 3 * DAY_MS }),
        fc.constantFrom(2 * DAY_MS, 20 * HOUR_MS),
        ([events, order], a, len, minuteRetention) => {
          const now = T0 + 3 * DAY_MS + HOUR_MS;
          const rollups = new Rollups({ clock: () => now, coveredFrom: T0 - DAY_MS, retentionMs: { [MINUTE_MS]: minuteRetention } });
          // Lateness reaches back past every event (ranges start at T0 - 1 h): none is `late` (reconciled elsewhere).
          const sessionizer = new Sessionizer({ clock: () => T0, allowedLatenessMs: 2 * HOUR_MS });
          for (let i = 0; i < order.length; i += 5) {
            const batch = order.slice(i, i + 5);
            rollups.addEvents(batch);
            rollups.applySessionChanges(sessionizer.ingest(batch).changes);
            // Settled windows get packed halfway: later (shuffled) events land in packed sets too.
            if (i === 5 * Math.floor(order.length / 10)) rollups.prune();
          }
          const sessions = sessionsFromEvents(events);
          const from = T0 + a;
          expect(statsViaRollups(rollups, 's', events, sessions, from, from + len)).toEqual(statsDirect('s', events, sessions, from, from + len));
          expect(statsViaView(rollups, 's', events, sessions, from, from + len)).toEqual(statsDirect('s', events, sessions, from, from + len));
          // A late event changes a settled window: the cached merge must not be served stale.
          const late: StreamEvent = { ...events[0]!, id: 'late', ts: from + Math.floor(len / 2), type: 'pageview', visitor: 'v9' };
          const withLate = [...events, late];
          rollups.addEvents([late]);
          rollups.applySessionChanges(sessionizer.ingest([late]).changes);
          const sessions2 = sessionsFromEvents(withLate);
          expect(statsViaView(rollups, 's', withLate, sessions2, from, from + len)).toEqual(statsDirect('s', withLate, sessions2, from, from + len));
          const rebuilt = new Rollups({ clock: () => now });
          rebuilt.rebuild(T0 - DAY_MS, events, sessions);
          expect(statsViaRollups(rebuilt, 's', events, sessions, from, from + len)).toEqual(statsDirect('s', events, sessions, from, from + len));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('ignores windows before coveredFrom and prunes windows out of retention', () => {
    let now = T0;
    const rollups = new Rollups({ clock: () => now, retentionMs: { [MINUTE_MS]: HOUR_MS } });
    const ev: StreamEvent = { site: 's', visitor: 'v', id: 'a', type: 'pageview', path: '/', ts: T0 - 5 * MINUTE_MS };
    rollups.addEvents([ev, { ...ev, id: 'b', ts: T0 + 5 * MINUTE_MS }]);
    expect(rollups.window('s', MINUTE_MS, T0 - 5 * MINUTE_MS)).toBeUndefined();
    expect(rollups.window('s', MINUTE_MS, T0 + 5 * MINUTE_MS)?.pageviews).toBe(1);
    now += 2 * HOUR_MS;
    rollups.prune();
    expect(rollups.window('s', MINUTE_MS, T0 + 5 * MINUTE_MS)).toBeUndefined();
    expect(rollups.window('s', HOUR_MS, T0)?.pageviews).toBe(1);
    expect(rollups.query('s', T0 - HOUR_MS, T0 + HOUR_MS).edges).toEqual([{ from: T0 - HOUR_MS, to: T0 }]);
  });
});

describe('rollup coverage (the collector default)', () => {
  it('"30 days" and its previous period are whole windows plus edges under an hour, at any time of day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DAY_MS - 1 }), (offset) => {
        const now = T0 + offset;
        const { from, retentionMs } = rollupCoverage(now, DEFAULT_ROLLUP_DAYS);
        const rollups = new Rollups({ clock: () => now, coveredFrom: from, retentionMs });
        for (const [a, b] of [[now - 30 * DAY_MS, now], [now - 60 * DAY_MS, now - 30 * DAY_MS]] as const) {
          const { edges, windows } = rollups.query('s', a, b);
          expect(edges.every((edge) => edge.to - edge.from < HOUR_MS)).toBe(true);
          expect(windows.filter((w) => w.sizeMs === DAY_MS).length).toBeGreaterThanOrEqual(29);
        }
      }),
    );
  });
});
