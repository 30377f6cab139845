/**
 * A packed run: an ascending list of unique 32-bit fingerprints stored as bit-packed gaps, at
 * `words[from, from + runWords(size, width))` of a Uint32Array that several runs may share.
 *
 * Layout: the first member of every block of BLOCK members, in full (the skip index), then the
 * gaps of all the other members (`member - previous - 1`) at one fixed bit `width` for the whole run.
 *
 * Why this form: members are hashes, so a run of n is n points spread evenly over 2^32 and its gaps
 * average 2^32 / n. The widest gap sets the width: ~log2(2^32 / n) + log2(ln n) bits, ~16 bits for a
 * run of 1M (2.03 bytes a member with the skip index, was 4), ~24 bits for 2,500 (a page in a busy
 * minute: 3.03). An entropy coder (Rice, Elias-Fano) would save another ~1-2 bits a member at best,
 * for a bit-by-bit decode; here a member is one or two word reads and a shift. The width is never
 * above 32 and a block's first member takes one word, so a run never takes more words than members.
 * Lookups binary-search the skip index and decode at most BLOCK - 1 gaps.
 */

/** Members per block (one skip-index word each: 1/16 byte a member; a lookup decodes ~32 gaps on average). */
export const BLOCK = 64;

/** Where a run of `size` members at gap `width` is stored: `words[from, from + runWords(size, width))`. */
export interface StoredRun {
  readonly words: Uint32Array;
  readonly from: number;
  readonly size: number;
  readonly width: number;
}

/** Blocks (skip-index words) of a run of `size` members. */
function blockCount(size: number): number {
  return Math.ceil(size / BLOCK);
}

/** The gap width of `sorted[from, to)` (ascending, unique): bits of its largest gap that is not a block's first. */
export function gapWidth(sorted: Uint32Array, from: number, to: number): number {
  let bits = 0;
  for (let start = from; start < to; start += BLOCK) {
    const end = Math.min(start + BLOCK, to);
    // `| 0`: 32-bit arithmetic (a gap fits 32 bits; members above 2^31 would otherwise be doubles).
    for (let i = start + 1; i < end; i++) bits |= (sorted[i]! - sorted[i - 1]! - 1) | 0;
  }
  return 32 - Math.clz32(bits);
}

/** Words a run of `size` members at gap `width` takes. */
export function runWords(size: number, width: number): number {
  const blocks = blockCount(size);
  return blocks + Math.ceil(((size - blocks) * width) / 32);
}

/**
 * Writes `sorted[sortedFrom, sortedFrom + size)` (ascending, unique) as a run into `words` at `from`,
 * a bounded number of blocks per `step`: a run of 1M members took ~5 ms whole, and a background pack
 * works in slices of ~10 ms.
 */
export class RunEncoder implements StoredRun {
  private block = 0;
  private word: number;
  /** Bits not yet written, and how many (always < 32). */
  private pending = 0;
  private used = 0;

  constructor(
    private readonly sorted: Uint32Array, private readonly sortedFrom: number, readonly size: number,
    readonly width: number, readonly words: Uint32Array, readonly from: number,
  ) {
    this.word = from + blockCount(size);
  }

  /** Encodes up to `blocks` more blocks; true once the whole run is written. */
  step(blocks: number): boolean {
    const { sorted, sortedFrom, size, width, words, from } = this;
    let { block, word, pending, used } = this;
    const total = blockCount(size);
    for (const last = Math.min(total, block + blocks); block < last; block++) {
      const start = sortedFrom + block * BLOCK;
      const end = Math.min(start + BLOCK, sortedFrom + size);
      words[from + block] = sorted[start]!;
      if (width === 0) continue;
      for (let i = start + 1; i < end; i++) {
        const gap = (sorted[i]! - sorted[i - 1]! - 1) | 0;
        pending |= gap << used;
        used += width;
        if (used >= 32) {
          words[word++] = pending;
          used -= 32;
          pending = used === 0 ? 0 : gap >>> (width - used);
        }
      }
    }
    this.block = block;
    this.word = word;
    this.pending = pending;
    this.used = used;
    if (block < total) return false;
    if (used > 0) words[word] = pending;
    return true;
  }
}

/** `RunEncoder` in one piece. */
export function encodeRun(sorted: Uint32Array, sortedFrom: number, size: number, width: number, words: Uint32Array, from: number): void {
  new RunEncoder(sorted, sortedFrom, size, width, words, from).step(Infinity);
}

/** Bit offset of block `block`'s first gap from the start of the run's gaps. */
function gapBit(block: number, width: number): number {
  return block * (BLOCK - 1) * width;
}

/** Keeps the low `width` bits of a 32-bit value (0 for width 0: every gap 0, nothing stored). */
function gapMask(width: number): number {
  return width === 0 ? 0 : (0xffffffff >>> (32 - width)) | 0;
}

// The three readers below share one inner loop, written out in each (a callback per member would
// cost more than the decode): read `width` bits at (word, shift), add gap + 1 in 32-bit arithmetic
// (members above 2^31 wrap to negative int32s and are read back with `>>> 0`).

/** Decodes block `block` of a run into `out` at `at` (room for BLOCK); returns its member count. */
export function decodeBlock(words: Uint32Array, from: number, size: number, width: number, block: number, out: Uint32Array, at: number): number {
  const count = Math.min(BLOCK, size - block * BLOCK);
  let member = words[from + block]! | 0;
  out[at] = member;
  const bit = gapBit(block, width);
  let word = from + blockCount(size) + Math.floor(bit / 32);
  let shift = bit % 32;
  const mask = gapMask(width);
  for (let i = 1; i < count; i++) {
    let gap = words[word]! >>> shift;
    shift += width;
    if (shift >= 32) {
      word++;
      shift -= 32;
      if (shift > 0) gap |= words[word]! << (width - shift);
    }
    member = (member + (gap & mask) + 1) | 0;
    out[at + i] = member;
  }
  return count;
}

/** Every member of a run into `out` at `at` (ascending). */
export function decodeRun(words: Uint32Array, from: number, size: number, width: number, out: Uint32Array, at: number): void {
  for (let b = 0; b * BLOCK < size; b++) decodeBlock(words, from, size, width, b, out, at + b * BLOCK);
}

/** Calls `fn` with every member of a run, ascending (no buffer: `fn` may read other runs). */
export function forEachInRun(words: Uint32Array, from: number, size: number, width: number, fn: (fp: number) => void): void {
  // Blocks' gaps follow one another: one pass over them.
  let word = from + blockCount(size);
  let shift = 0;
  const mask = gapMask(width);
  for (let b = 0; b * BLOCK < size; b++) {
    const count = Math.min(BLOCK, size - b * BLOCK);
    let member = words[from + b]! | 0;
    fn(member >>> 0);
    for (let i = 1; i < count; i++) {
      let gap = words[word]! >>> shift;
      shift += width;
      if (shift >= 32) {
        word++;
        shift -= 32;
        if (shift > 0) gap |= words[word]! << (width - shift);
      }
      member = (member + (gap & mask) + 1) | 0;
      fn(member >>> 0);
    }
  }
}

/** Whether a run holds `fp`: the last block starting at or below it, then its gaps up to `fp`. */
export function runHas(words: Uint32Array, from: number, size: number, width: number, fp: number): boolean {
  let lo = 0;
  let hi = blockCount(size) - 1;
  if (hi < 0 || words[from]! > fp) return false;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (words[from + mid]! <= fp) lo = mid;
    else hi = mid - 1;
  }
  let member = words[from + lo]! | 0;
  const count = Math.min(BLOCK, size - lo * BLOCK);
  const bit = gapBit(lo, width);
  let word = from + blockCount(size) + Math.floor(bit / 32);
  let shift = bit % 32;
  const mask = gapMask(width);
  for (let i = 1; i < count && member >>> 0 < fp; i++) {
    let gap = words[word]! >>> shift;
    shift += width;
    if (shift >= 32) {
      word++;
      shift -= 32;
      if (shift > 0) gap |= words[word]! << (width - shift);
    }
    member = (member + (gap & mask) + 1) | 0;
  }
  return member >>> 0 === fp;
}
