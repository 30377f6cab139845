// Snapshot format 2: packed sets are written as their runs (size, gap width, the run's words as
// they are) and restored as runs viewing one array per window, without decoding or packing again.
// Version 1 files (every set as its members) are still read; a newer version is refused.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyAggregate, type Aggregate } from '../../../collector/src/rollups/aggregate.js';
import { DistinctSet } from '../../../collector/src/rollups/distinct-set.js';
import { QuantileSketch } from '../../../collector/src/rollups/quantile-sketch.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotWindow } from '../../../collector/src/rollups/rollup-snapshot.js';
import { Rollups } from '../../../collector/src/rollups/rollups.js';
import { SnapshotCapture } from '../../../collector/src/rollups/snapshot-capture.js';
import { SNAPSHOT_VERSION } from '../../../collector/src/rollups/snapshot-encoder.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type WindowSizeMs } from '../../../collector/src/rollups/window-sizes.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';
import { hashedMembers } from './hashed-members.js';

const H0 = Date.UTC(2026, 10, 20, 10);
const header = (takenAt: number) => ({ coveredFrom: H0 - DAY_MS, takenAt, replayFrom: takenAt, ids: [], pendingLate: [] });
const setsOf = (window: Aggregate) => [window.visitors, ...window.pageVisitors.values()];
/** Restore packs the sets of closed hour and day windows that were not packed; minute windows stay as they were. */
const packedAtRestore = (w: SnapshotWindow, takenAt: number) => w.sizeMs !== MINUTE_MS && w.start + w.sizeMs <= takenAt;

afterEach(() => {
  vi.restoreAllMocks();
});

/** `restored` holds exactly the members of `original`: size, members, and `has` on members and neighbours. */
function expectSameSet(restored: DistinctSet, original: DistinctSet): void {
  const members = original.toArray().sort();
  expect(restored.size).toBe(original.size);
  const restoredMembers = restored.toArray().sort();
  expect(restoredMembers.length).toBe(members.length);
  expect(restoredMembers.every((fp, i) => fp === members[i])).toBe(true); // (toEqual walks 100k members slowly)
  const held = new Set(members);
  const step = Math.ceil(members.length / 300); // probes: every member of small sets, ~300 of large ones
  for (let i = 0; i < members.length; i += step) {
    for (const fp of [members[i]!, members[i]! + 1, members[i]! - 1]) if (fp >= 1 && fp <= 0xffffffff) expect(restored.has(fp)).toBe(held.has(fp));
  }
  for (const fp of [1, 0xffffffff]) expect(restored.has(fp)).toBe(held.has(fp));
}

/** The restored windows hold the originals' content (in any order); sets packed stay packed, closed hours and days are packed. */
function expectSameWindows(restored: SnapshotWindow[], originals: SnapshotWindow[], takenAt: number): void {
  const key = (w: SnapshotWindow) => `${w.site}|${w.sizeMs}|${w.start}`;
  const byKey = new Map(originals.map((w) => [key(w), w]));
  expect(restored.map(key).sort()).toEqual([...byKey.keys()].sort());
  for (const w of restored) {
    const original = byKey.get(key(w))!;
    expect(w.window.pageviews).toBe(original.window.pageviews);
    expect([...w.window.pages]).toEqual([...original.window.pages]);
    expectSameSet(w.window.visitors, original.window.visitors);
    const pages = original.window.pageVisitorsDeferred ? [] : [...original.window.pageVisitors.keys()];
    expect([...w.window.pageVisitors.keys()]).toEqual(pages);
    for (const page of pages) expectSameSet(w.window.pageVisitors.get(page)!, original.window.pageVisitors.get(page)!);
    if (packedAtRestore(w, takenAt)) expect(setsOf(w.window).every((set) => set.isPacked)).toBe(true);
    const originalSets = [original.window.visitors, ...pages.map((page) => original.window.pageVisitors.get(page)!)];
    setsOf(w.window).forEach((set, s) => {
      if (originalSets[s]!.isPacked) expect(set.isPacked).toBe(true);
      else if (!packedAtRestore(w, takenAt)) expect(set.isPacked).toBe(false);
    });
  }
}

const member = fc.oneof(fc.integer({ min: 1, max: 0xffffffff }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(1, 0x7fffffff, 0x80000000, 0xffffffff));
/** Sets of every form: short arrays (up to 16), hash tables, written member by member (up to 64) or as one copy. */
const list = fc.oneof(fc.array(member, { maxLength: 20 }), fc.array(member, { maxLength: 200 }));
const windowSpec = fc.record({
  sizeMs: fc.constantFrom<WindowSizeMs>(MINUTE_MS, HOUR_MS, DAY_MS),
  closed: fc.boolean(),
  lists: fc.array(list, { minLength: 1, maxLength: 5 }),
  /** Not packed, packed in one array (packWindow), or in two (WindowPack's groups). */
  packing: fc.constantFrom('none', 'one', 'two'),
  /** Late members after the pack: [set index, member] (a new member unpacks that set). */
  late: fc.array(fc.tuple(fc.nat(4), member), { maxLength: 4 }),
  deferred: fc.boolean(),
});

describe('snapshot of packed windows (format 2)', () => {
  it('restores every set with the same members, packed sets as runs without packing again (property)', () => {
    const takenAt = H0 + 10 * DAY_MS;
    fc.assert(
      fc.property(fc.array(windowSpec, { minLength: 1, maxLength: 5 }), (specs) => {
        const originals: SnapshotWindow[] = specs.map((spec, i) => {
          const window = emptyAggregate();
          const [visitors, ...pages] = spec.lists.map((l) => DistinctSet.of(l));
          window.visitors = visitors!;
          pages.forEach((set, p) => window.pageVisitors.set(`/p${p}`, set));
          window.pageviews = spec.lists.length;
          // Deferred windows are written without page sets, so give them none (as a filling window has).
          if (spec.deferred && spec.sizeMs !== MINUTE_MS) {
            window.pageVisitorsDeferred = true;
            window.pageVisitors.clear();
          }
          const sets = setsOf(window);
          if (spec.packing === 'one') DistinctSet.pack(sets);
          if (spec.packing === 'two') {
            DistinctSet.pack(sets.slice(0, 1));
            DistinctSet.pack(sets.slice(1));
          }
          for (const [s, fp] of spec.late) sets[s % sets.length]!.addFingerprint(fp);
          const start = spec.closed ? takenAt - (i + 2) * spec.sizeMs : takenAt; // the window holding takenAt is open
          return { site: `s${i}`, sizeMs: spec.sizeMs, start: start - (start % spec.sizeMs), window };
        });
        const bytes = encodeSnapshot({ ...header(takenAt), windows: originals });
        const pack = vi.spyOn(DistinctSet, 'pack');
        const { windows } = decodeSnapshot(bytes);
        // Only the closed windows' unpacked sets were packed at restore.
        const unpacked = originals.filter((w) => packedAtRestore(w, takenAt)).map((w) => setsOf(w.window).filter((set) => !set.isPacked).length);
        expect(pack.mock.calls.map(([sets]) => sets.length)).toEqual(unpacked.filter((n) => n > 0));
        pack.mockRestore();
        expectSameWindows(windows, originals, takenAt);
        // A window's packed sets share one array (two when restore packed some of them).
        windows.forEach((w, i) => {
          const counted = new Set<Uint32Array>();
          for (const set of setsOf(w.window)) set.byteLength(counted);
          const wasPacked = setsOf(originals[i]!.window).some((set) => set.isPacked);
          const packedNow = packedAtRestore(w, takenAt) && setsOf(originals[i]!.window).some((set) => !set.isPacked);
          expect(counted.size).toBe(Number(wasPacked) + Number(packedNow));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('writes packed runs in ~2.5 bytes a member (version 1: 4), word for word, large pieces as chunks of their own', () => {
    const takenAt = H0 + DAY_MS;
    const members = hashedMembers(600_000, 3);
    const packed = emptyAggregate();
    packed.visitors = DistinctSet.of(members);
    packed.pageVisitors.set('/a', DistinctSet.of(members.subarray(0, 30_000)));
    packed.pageVisitors.set('/b', DistinctSet.of(members.subarray(50_000, 50_010)));
    DistinctSet.pack(setsOf(packed));
    // An open hour's hash table of 300k members: 1.2 MB of members, a chunk of its own too (64 KB and more).
    const open = emptyAggregate();
    open.visitors = DistinctSet.of(members.subarray(0, 300_000));
    open.pageVisitors.set('/a', DistinctSet.of(members.subarray(0, 20)));
    const originals = [
      { site: 's', sizeMs: HOUR_MS, start: H0, window: packed },
      { site: 's', sizeMs: HOUR_MS, start: Math.floor(takenAt / HOUR_MS) * HOUR_MS, window: open },
    ];
    const bytes = encodeSnapshot({ ...header(takenAt), windows: originals });
    const packedMembers = setsOf(packed).reduce((n, set) => n + set.size, 0);
    expect(bytes.length - 4 * 300_020).toBeLessThan(2.6 * packedMembers);
    const { windows } = decodeSnapshot(bytes);
    expectSameWindows(windows, originals, takenAt);
    expect(windows[1]!.window.visitors.isPacked).toBe(false);
    // The same runs, word for word.
    const words = (set: DistinctSet) => {
      const run = set.packedRun()!;
      return [run.size, run.width, ...run.words.subarray(run.from, run.from + Math.min(run.size, 2_000))];
    };
    setsOf(windows[0]!.window).forEach((set, s) => expect(words(set)).toEqual(words(setsOf(packed)[s]!)));
  });

  it('a packed window, then a late event unpacking part of it, captured while more late events arrive, restores as it was at the instant', () => {
    let now = H0;
    const rollups = new Rollups({ clock: () => now, coveredFrom: H0 - DAY_MS });
    const event = (i: number, ts: number, visitor = `v${i % 150}`): StreamEvent => ({
      site: 's', visitor, id: `e${i}`, type: 'pageview', path: `/p${i % 6}`, ts, name: null,
    });
    for (let i = 0; i < 2000; i++) rollups.addEvents([event(i, H0 + i * 5_000)]);
    now = H0 + 4 * HOUR_MS;
    rollups.prune('now');
    const hour = rollups.window('s', HOUR_MS, H0)!;
    expect(setsOf(hour).every((set) => set.isPacked)).toBe(true);
    // A visitor of the hour on a page it had not seen: that page's set unpacks, the visitors set stays packed.
    rollups.addEvents([{ ...event(1, H0 + 60_000), id: 'late', path: '/p2' }]); // v1 only saw /p1
    expect(hour.visitors.isPacked).toBe(true);
    expect(setsOf(hour).filter((set) => !set.isPacked)).toHaveLength(1);

    const takenAt = now;
    const atTheInstant = decodeSnapshot(encodeSnapshot({ ...header(takenAt), windows: rollups.entries() })).windows;
    const copies = [...rollups.entries()].map((w) => ({
      ...w,
      window: { ...w.window, pages: new Map(w.window.pages), visitors: w.window.visitors.clone(), pageVisitors: new Map([...w.window.pageVisitors].map(([p, set]) => [p, set.clone()])) },
    }));
    const capture = new SnapshotCapture(header(takenAt), rollups.entries(), rollups);
    // Between windows, late events with new visitors unpack packed sets of windows not written yet.
    let i = 0;
    while (!capture.step(Infinity, 1)) rollups.addEvents([event(10_000 + i, H0 + (i++ % 4) * HOUR_MS + 30_000, `late${i}`)]);
    expect(i).toBeGreaterThan(2);
    expect(capture.copiedOnWrite).toBeGreaterThan(0);
    expect(hour.visitors.isPacked).toBe(false);
    const captured = decodeSnapshot(Buffer.concat(capture.finish())).windows;
    expectSameWindows(captured, copies, takenAt);
    expectSameWindows(atTheInstant, copies, takenAt);
  });

  it('a snapshot from a future version is refused (the collector then rebuilds), as is a run block that does not match its sets', () => {
    const window = emptyAggregate();
    window.visitors = DistinctSet.of(hashedMembers(500, 5));
    DistinctSet.pack([window.visitors]);
    const bytes = encodeSnapshot({ ...header(H0 + DAY_MS), windows: [{ site: 's', sizeMs: HOUR_MS, start: H0, window }] });
    expect(decodeSnapshot(bytes).windows).toHaveLength(1);
    const future = Buffer.from(bytes);
    future.writeUInt32LE(SNAPSHOT_VERSION + 1, 8);
    expect(() => decodeSnapshot(future)).toThrow(new RegExp(`version ${SNAPSHOT_VERSION + 1}`));
    const unknown = Buffer.from(bytes);
    unknown.writeUInt32LE(0, 8);
    expect(() => decodeSnapshot(unknown)).toThrow(/version 0/);
    // The visitors set's entry (size + PACKED_SET, width) sits right before the counts: a wider width claims more words than the block has.
    const run = window.visitors.packedRun()!;
    const entry = bytes.indexOf(Buffer.from(Uint32Array.of(0x80000000 + run.size, run.width).buffer));
    expect(entry).toBeGreaterThan(0);
    const corrupt = Buffer.from(bytes);
    corrupt.writeUInt32LE(run.width + 1, entry + 4);
    expect(() => decodeSnapshot(corrupt)).toThrow(/packed set/);
  });
});

/** The windows of fixtures/rollups-v1.snapshot, written by the version 1 encoder (a9309ad) from these same windows. */
function v1Windows(): SnapshotWindow[] {
  const window = (pageviews: number, visitors: Uint32Array, pages: Record<string, Uint32Array>, deferred = false) => {
    const w = emptyAggregate();
    w.pageviews = pageviews;
    w.sessions = Math.ceil(pageviews / 7);
    w.visitors = DistinctSet.of(visitors);
    w.countries.set('FR', pageviews);
    for (const [page, members] of Object.entries(pages)) {
      w.pages.set(page, members.length * 2);
      w.pageVisitors.set(page, DistinctSet.of(members));
    }
    w.vitals.set('LCP', QuantileSketch.fromState(0.01, { zeros: 0, buckets: [[pageviews, 2]] }));
    if (deferred) w.pageVisitorsDeferred = true;
    return w;
  };
  const all = hashedMembers(300, 11);
  return [
    { site: 's', sizeMs: HOUR_MS, start: H0, window: window(400, all.subarray(0, 200), { '/a': all.subarray(0, 70), '/b': all.subarray(5, 8) }) },
    { site: 's', sizeMs: HOUR_MS, start: H0 + 2 * HOUR_MS, window: window(30, all.subarray(200, 220), { '/a': all.subarray(200, 220) }) },
    { site: 's', sizeMs: MINUTE_MS, start: H0 + 2 * HOUR_MS + 10 * MINUTE_MS, window: window(3, all.subarray(200, 203), { '/a': all.subarray(200, 203) }) },
    { site: 't', sizeMs: DAY_MS, start: Math.floor(H0 / DAY_MS) * DAY_MS, window: window(430, all.subarray(0, 250), {}, true) },
  ];
}

describe('snapshot of version 1 (every set as its members)', () => {
  it('is still read: the same windows, closed hours packed as they are read', () => {
    const bytes = readFileSync(new URL('./fixtures/rollups-v1.snapshot', import.meta.url));
    expect(bytes.readUInt32LE(8)).toBe(1);
    const decoded = decodeSnapshot(bytes);
    const takenAt = H0 + 2 * HOUR_MS + 30 * MINUTE_MS;
    expect({ ...decoded, windows: [] }).toEqual({ coveredFrom: H0 - DAY_MS, minutesFrom: -Infinity, takenAt, replayFrom: takenAt - MINUTE_MS, ids: [42], pendingLate: [], windows: [] });
    const originals = v1Windows();
    expectSameWindows(decoded.windows, originals, takenAt);
    expect(decoded.windows.map((w) => w.window.visitors.isPacked)).toEqual([true, false, false, false]); // the day is still open
    expect(decoded.windows[0]!.window.pageVisitors.get('/a')!.isPacked).toBe(true);
    expect(decoded.windows.map((w) => w.window.vitals.get('LCP')!.state())).toEqual(originals.map((w) => w.window.vitals.get('LCP')!.state()));
    expect(decoded.windows.map((w) => w.window.countries.get('FR'))).toEqual([400, 30, 3, 430]);
  });
});
