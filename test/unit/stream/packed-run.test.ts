// Packed runs (bit-packed gaps) hold exactly the members they were given: every reader agrees with
// the sorted original, at the edges of the 32-bit range, for dense and sparse runs and across blocks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK, decodeBlock, decodeRun, encodeRun, forEachInRun, gapWidth, RunEncoder, runHas, runWords } from '../../../collector/src/rollups/packed-run.js';
import { hashedMembers } from './hashed-members.js';

/** Members as tests like them: edges of the range, dense stretches and huge gaps all likely. */
const member = fc.oneof(
  fc.integer({ min: 1, max: 0xffffffff }),
  fc.integer({ min: 1, max: 300 }),
  fc.integer({ min: 0xffffff00, max: 0xffffffff }),
  fc.constantFrom(1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff),
);
/** A sorted unique list, sometimes with a run of consecutive values (gap width 0) appended. */
const sortedList = fc
  .tuple(fc.array(member, { maxLength: 400 }), fc.nat({ max: 200 }), fc.integer({ min: 1, max: 0xffffffff }))
  .map(([values, consecutive, start]) => {
    const all = [...values];
    for (let i = 0; i < consecutive && start + i <= 0xffffffff; i++) all.push(start + i);
    return Uint32Array.from(new Set(all)).sort();
  });

/** Encodes `sorted` behind `before` words of another run, in an array with words after it too. */
function packed(sorted: Uint32Array, before = 3): { words: Uint32Array; from: number; width: number } {
  const width = gapWidth(sorted, 0, sorted.length);
  const words = new Uint32Array(before + runWords(sorted.length, width) + 2).fill(0xdeadbeef, 0, before);
  encodeRun(sorted, 0, sorted.length, width, words, before);
  words.fill(0xffffffff, before + runWords(sorted.length, width)); // a neighbour's words are never read as ours
  return { words, from: before, width };
}

describe('packed runs', () => {
  it('decode, iterate and look up exactly what was encoded, never in more words than members (property)', () => {
    fc.assert(
      fc.property(sortedList, (sorted) => {
        const { words, from, width } = packed(sorted);
        const size = sorted.length;
        expect(runWords(size, width)).toBeLessThanOrEqual(size);
        // Block by block (a sliced pack) writes the same words.
        const stepped = new RunEncoder(sorted, 0, size, width, new Uint32Array(words.length).fill(0xdeadbeef, 0, from).fill(0xffffffff, from + runWords(size, width)), from);
        let steps = 0;
        while (!stepped.step(1)) steps++;
        expect(steps).toBe(Math.max(0, Math.ceil(size / BLOCK) - 1));
        expect(stepped.words).toEqual(words);
        const out = new Uint32Array(size + 2).fill(7);
        decodeRun(words, from, size, width, out, 1);
        expect([...out.subarray(1, size + 1)]).toEqual([...sorted]);
        expect([out[0], out[size + 1]]).toEqual([7, 7]);
        const seen: number[] = [];
        forEachInRun(words, from, size, width, (fp) => seen.push(fp));
        expect(seen).toEqual([...sorted]);
        const members = new Set(sorted);
        for (const fp of sorted) {
          expect(runHas(words, from, size, width, fp)).toBe(true);
          for (const near of [fp - 1, fp + 1]) if (near >= 1 && near <= 0xffffffff) expect(runHas(words, from, size, width, near)).toBe(members.has(near));
        }
        for (const fp of [1, 0x80000000, 0xffffffff]) expect(runHas(words, from, size, width, fp)).toBe(members.has(fp));
      }),
      { numRuns: 400 },
    );
  });

  it('handles the widest gaps (width 32) and block boundaries', () => {
    const sorted = Uint32Array.from([1, 0xffffffff]);
    const { words, from, width } = packed(sorted);
    expect(width).toBe(32);
    expect(runHas(words, from, 2, width, 0xffffffff)).toBe(true);
    expect(runHas(words, from, 2, width, 0xfffffffe)).toBe(false);
    const blocks = Uint32Array.from({ length: 3 * BLOCK + 1 }, (_, i) => 1 + i * 1_000_003);
    const run = packed(blocks);
    const out = new Uint32Array(BLOCK);
    expect(decodeBlock(run.words, run.from, blocks.length, run.width, 3, out, 0)).toBe(1);
    expect(out[0]).toBe(blocks[3 * BLOCK]);
    expect(decodeBlock(run.words, run.from, blocks.length, run.width, 1, out, 0)).toBe(BLOCK);
    expect([...out]).toEqual([...blocks.subarray(BLOCK, 2 * BLOCK)]);
  });

  it('a run of 1M hashed members takes ~2 bytes a member (4 before packing into gaps)', () => {
    const values = hashedMembers(1_000_000, 1);
    const sorted = Uint32Array.from(new Set(values)).sort();
    const { words, from, width } = packed(sorted, 0);
    expect((runWords(sorted.length, width) * 4) / sorted.length).toBeLessThan(2.2);
    const out = new Uint32Array(sorted.length);
    decodeRun(words, from, sorted.length, width, out, 0);
    expect(out.every((fp, i) => fp === sorted[i])).toBe(true); // (toEqual walks 1M elements slowly)
    for (let i = 0; i < sorted.length; i += 997) expect(runHas(words, from, sorted.length, width, sorted[i]!)).toBe(true);
  });
});
