// A packed DistinctSet (its members as a bit-packed run of a window's shared array) answers every
// question as the set it was packed from: after a late event unpacks it, after packing again, through
// clones, sliced packs (adoptRun) and a snapshot round trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyAggregate } from '../../../collector/src/rollups/aggregate.js';
import { DistinctSet } from '../../../collector/src/rollups/distinct-set.js';
import { gapWidth, RunEncoder, runWords } from '../../../collector/src/rollups/packed-run.js';
import { decodeSnapshot, encodeSnapshot } from '../../../collector/src/rollups/rollup-snapshot.js';
import { HOUR_MS } from '../../../collector/src/rollups/window-sizes.js';
import { hashedMembers } from './hashed-members.js';

const member = fc.oneof(
  fc.integer({ min: 1, max: 0xffffffff }),
  fc.integer({ min: 1, max: 200 }),
  fc.constantFrom(1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff),
);
/** Lists of members of all sizes: a set stays small up to 16, then is a hash table. */
const list = fc.oneof(fc.array(member, { maxLength: 20 }), fc.array(member, { maxLength: 300 }));

const sorted = (set: DistinctSet) => [...set.toArray()].sort((a, b) => a - b);
const distinct = (...lists: number[][]) => [...new Set(lists.flat())].sort((a, b) => a - b);

/** Every reader of `set` against the members it should hold. */
function expectHolds(set: DistinctSet, members: number[]): void {
  expect(set.size).toBe(members.length);
  expect(sorted(set)).toEqual(members);
  expect([...set.members()].sort((a, b) => a - b)).toEqual(members);
  const seen: number[] = [];
  set.forEach((fp) => seen.push(fp));
  expect(seen.sort((a, b) => a - b)).toEqual(members);
  if (set.isPacked) expect([...set.toArray()]).toEqual(members); // ascending
  const holds = new Set(members);
  for (const fp of [...members, ...members.map((fp) => fp + 1), 1, 0xffffffff]) if (fp <= 0xffffffff) expect(set.has(fp)).toBe(holds.has(fp));
}

describe('packed DistinctSet', () => {
  it('equals its unpacked original for has/size/forEach/members/merge/unionSize, sharing one array (property)', () => {
    fc.assert(
      fc.property(fc.array(list, { minLength: 1, maxLength: 6 }), list, (lists, other) => {
        const sets = lists.map((l) => DistinctSet.of(l));
        const originals = lists.map((l) => DistinctSet.of(l));
        DistinctSet.pack(sets);
        sets.forEach((set, i) => {
          expect(set.isPacked).toBe(true);
          expectHolds(set, distinct(lists[i]!));
          expect(set.unionSize(DistinctSet.of(other))).toBe(originals[i]!.unionSize(DistinctSet.of(other)));
          expect(DistinctSet.of(other).unionSize(set)).toBe(distinct(other, lists[i]!).length);
          const into = DistinctSet.of(other);
          into.merge(set);
          expectHolds(into, distinct(other, lists[i]!));
        });
        // Byte count: the shared array once, never more than 4 bytes a member plus the objects.
        const members = sets.reduce((n, set) => n + set.size, 0);
        const counted = new Set<Uint32Array>();
        const bytes = sets.reduce((n, set) => n + set.byteLength(counted), 0);
        expect(counted.size).toBe(1);
        expect(bytes).toBeLessThanOrEqual(members * 4 + sets.length * 56);
      }),
      { numRuns: 300 },
    );
  });

  it('a late member unpacks one set (its neighbours unchanged); packing again, packed sets included, keeps every member (property)', () => {
    fc.assert(
      fc.property(fc.array(list, { minLength: 2, maxLength: 5 }), fc.array(member, { minLength: 1, maxLength: 30 }), (lists, late) => {
        const sets = lists.map((l) => DistinctSet.of(l));
        DistinctSet.pack(sets);
        const target = sets[0]!;
        for (const fp of late) target.addFingerprint(fp);
        const grown = distinct(lists[0]!, late);
        expectHolds(target, grown);
        expect(target.isPacked).toBe(grown.length === distinct(lists[0]!).length);
        sets.slice(1).forEach((set, i) => expectHolds(set, distinct(lists[i + 1]!)));
        const copy = sets[1]!.clone();
        DistinctSet.pack(sets);
        expectHolds(target, grown);
        sets.slice(1).forEach((set, i) => expectHolds(set, distinct(lists[i + 1]!)));
        expectHolds(copy, distinct(lists[1]!));
      }),
      { numRuns: 200 },
    );
  });

  it('adoptRun takes a run encoded a few blocks at a time from the sorted members (the sliced pack of a large set)', () => {
    fc.assert(
      fc.property(list, fc.integer({ min: 1, max: 3 }), (l, blocks) => {
        const set = DistinctSet.of(l);
        const sorted = Uint32Array.from(distinct(l));
        const width = gapWidth(sorted, 0, sorted.length);
        const run = new RunEncoder(sorted, 0, sorted.length, width, new Uint32Array(runWords(sorted.length, width)), 0);
        while (!run.step(blocks));
        set.adoptRun(run);
        expect(set.isPacked).toBe(true);
        expectHolds(set, distinct(l));
      }),
    );
  });

  it('a packed run of 1M members: ~2 bytes a member, exact, and merges into a table', () => {
    const values = hashedMembers(1_000_000, 7);
    const unique = Uint32Array.from(new Set(values)).sort();
    const set = DistinctSet.of(values);
    DistinctSet.pack([set]);
    expect(set.size).toBe(unique.length);
    expect((set.byteLength(new Set()) - 56) / unique.length).toBeLessThan(2.2);
    const union = DistinctSet.of([1, 2, 3]);
    union.merge(set);
    expect(union.size).toBe(unique.length + [1, 2, 3].filter((fp) => !set.has(fp)).length);
    for (let i = 0; i < values.length; i += 1009) expect(set.has(values[i]!)).toBe(true);
    expect(set.toArray().every((fp, i) => fp === unique[i])).toBe(true); // (toEqual walks 1M elements slowly)
  });

  it('a snapshot of packed windows loads back with the same members', () => {
    const window = emptyAggregate();
    const visitors = Array.from({ length: 5000 }, (_, i) => (i * 2654435761) % 4294967296 || 1);
    window.visitors = DistinctSet.of(visitors);
    window.pageVisitors.set('/a', DistinctSet.of(visitors.slice(0, 70)));
    window.pageVisitors.set('/b', DistinctSet.of([0xffffffff, 1]));
    DistinctSet.pack([window.visitors, ...window.pageVisitors.values()]);
    const snapshot = { coveredFrom: 0, takenAt: 10 * HOUR_MS, replayFrom: 0, ids: [], pendingLate: [] };
    const [restored] = decodeSnapshot(encodeSnapshot({ ...snapshot, windows: [{ site: 's', sizeMs: HOUR_MS, start: 0, window }] })).windows;
    expect(restored!.window.visitors.isPacked).toBe(true); // restored as its run
    expectHolds(restored!.window.visitors, distinct(visitors));
    expectHolds(restored!.window.pageVisitors.get('/a')!, distinct(visitors.slice(0, 70)));
    expectHolds(restored!.window.pageVisitors.get('/b')!, [1, 0xffffffff]);
  });
});
