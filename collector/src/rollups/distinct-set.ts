import { releaseArray } from '../memory/release-array.js';
import { fingerprint53 } from '../sessions/fingerprint.js';
import { Fingerprint32Set } from './fingerprint32-set.js';
import { BLOCK, decodeBlock, decodeRun, encodeRun, forEachInRun, gapWidth, runHas, runWords, type RunEncoder } from './packed-run.js';
import { sortUint32 } from './sort-u32.js';

/** Members kept in a plain array (no typed-array overhead) before switching to a hash table. */
const SMALL_LIMIT = 16;

/** A DistinctSet object and its six fields (estimate, V8 on 64 bits). */
const SET_OBJECT_BYTES = 72;

/** Members per piece of `forEachPiece` (whole blocks; 16 KB). */
const PIECE_MEMBERS = 64 * BLOCK;

/** A packed block being merged into a table (the merge calls nothing back, so one buffer serves all). */
const MERGE_BLOCK = new Uint32Array(BLOCK);

/** 32-bit member of a DistinctSet for a visitor hash (never 0). */
export function visitorFingerprint(visitor: string): number {
  return fingerprint53(visitor) % 4294967296 || 1;
}

/**
 * Distinct count of visitor hashes, mergeable by union (so distinct visitors over any set of
 * windows are counted once). Members are 32-bit fingerprints of the hash strings (no string kept
 * alive). Two visitors share a fingerprint with probability 2^-32 per pair, so the count can only
 * be low, by n / 2^33 expected: 0.001% at 100,000 and 0.012% at 1,000,000 visitors (far inside the
 * 1% allowed for sketches). Three forms: a short array while small (most sets: a page in a minute),
 * then a hash table, and, once its window is settled, a packed run (packed-run.ts: bit-packed gaps,
 * ~2 bytes a member in a run of 1M, ~3 in one of a few thousand, never more than 4) in an array shared
 * by all the window's sets (`pack`: no per-set table or typed array). A packed set that still gets a
 * member (a late event) turns back into a hash table.
 */
export class DistinctSet {
  private small: number[] | null = [];
  private large: Fingerprint32Set | null = null;
  /** Packed form: a run (packed-run.ts) of `packedSize` members at `packed[packedFrom...]`, never written after packing. */
  private packed: Uint32Array | null = null;
  private packedFrom = 0;
  private packedSize = 0;
  private packedWidth = 0;

  add(visitor: string): void {
    this.addFingerprint(visitorFingerprint(visitor));
  }

  /** Adds a precomputed `visitorFingerprint(visitor)` (hash once, add to many windows). */
  addFingerprint(fp: number): void {
    if (this.packed) {
      if (this.has(fp)) return;
      this.toTable();
    }
    if (this.large) {
      this.large.add(fp);
      return;
    }
    const small = this.small!;
    if (small.includes(fp)) return;
    if (small.length < SMALL_LIMIT) {
      small.push(fp);
      return;
    }
    this.toTable();
    this.large!.add(fp);
  }

  merge(other: DistinctSet): void {
    if (other.large) {
      this.toTable();
      this.large!.addAll(other.large);
    } else if (other.packed && this.size + other.size > SMALL_LIMIT) {
      this.toTable();
      this.large!.reserve(this.large!.size + other.size);
      // A block at a time into the table's tight insert loop (no callback per member).
      for (let b = 0; b * BLOCK < other.packedSize; b++) {
        this.large!.addMany(MERGE_BLOCK, 0, decodeBlock(other.packed, other.packedFrom, other.packedSize, other.packedWidth, b, MERGE_BLOCK, 0));
      }
    } else if (other.packed) other.forEach((fp) => this.addFingerprint(fp));
    else for (const fp of other.small!) this.addFingerprint(fp);
  }

  /**
   * Room for `members` in one sizing step, before merging several sets into this one (a union grown
   * merge by merge rehashed at every doubling: ~1/3 of a "today" over an hour of 1M visitors).
   */
  reserve(members: number): void {
    if (members <= SMALL_LIMIT) return;
    this.toTable();
    this.large!.reserve(members);
  }

  /** Adds `members[from, to)` (a sliced merge: another set's members, a chunk at a time). */
  addMembers(members: Uint32Array, from: number, to: number): void {
    if (this.size + (to - from) <= SMALL_LIMIT) {
      for (let i = from; i < to; i++) this.addFingerprint(members[i]!);
      return;
    }
    this.toTable();
    this.large!.addMany(members, from, to);
  }

  /** A set holding these fingerprints (snapshot restore). */
  static of(fingerprints: ArrayLike<number>): DistinctSet {
    const set = new DistinctSet();
    if (fingerprints.length <= SMALL_LIMIT) {
      for (let i = 0; i < fingerprints.length; i++) set.addFingerprint(fingerprints[i]!);
      return set;
    }
    set.large = new Fingerprint32Set(64);
    set.large.reserve(fingerprints.length);
    for (let i = 0; i < fingerprints.length; i++) set.large.add(fingerprints[i]!);
    set.small = null;
    return set;
  }

  /**
   * Moves every set's members into one shared array, each set a packed run of it (a settled
   * window's sets: they rarely change again). Content is unchanged; sets already packed are rewritten too.
   */
  static pack(sets: DistinctSet[]): void {
    let total = 0;
    let largest = 0;
    for (const set of sets) {
      total += set.size;
      largest = Math.max(largest, set.size);
    }
    // Every set's members sorted, one after another: the widths (so the shared array's length) need them all.
    const sorted = new Uint32Array(total);
    const scratch = new Uint32Array(largest);
    const widths = new Uint8Array(sets.length);
    let offset = 0;
    let words = 0;
    sets.forEach((set, i) => {
      const from = offset;
      if (set.packed) {
        // Already a sorted run (a window packed again after a late event unpacked another set of it).
        decodeRun(set.packed, set.packedFrom, set.packedSize, set.packedWidth, sorted, from);
        offset += set.size;
      } else {
        set.forEach((fp) => (sorted[offset++] = fp));
        sortUint32(sorted.subarray(from, offset), scratch);
      }
      widths[i] = gapWidth(sorted, from, offset);
      words += runWords(offset - from, widths[i]!);
    });
    const shared = new Uint32Array(words);
    offset = 0;
    words = 0;
    sets.forEach((set, i) => {
      const size = set.size;
      encodeRun(sorted, offset, size, widths[i]!, shared, words);
      set.setPacked(shared, words, size, widths[i]!);
      offset += size;
      words += runWords(size, widths[i]!);
    });
    releaseArray(sorted);
    releaseArray(scratch);
  }

  /**
   * Takes `run` (finished, encoded from every member of this set) as its packed form: a pack sorted
   * and encoded a large set's members over several slices. The caller checks the set did not grow meanwhile.
   */
  adoptRun(run: RunEncoder): void {
    this.setPacked(run.words, run.from, run.size, run.width);
  }

  /** Into the packed form (dropping the small array or the hash table). */
  private setPacked(words: Uint32Array, from: number, size: number, width: number): void {
    this.small = null;
    this.large = null;
    this.packed = words;
    this.packedFrom = from;
    this.packedSize = size;
    this.packedWidth = width;
  }

  get isPacked(): boolean {
    return this.packed !== null;
  }

  /** An independent copy. */
  clone(): DistinctSet {
    const copy = new DistinctSet();
    copy.small = this.small && [...this.small];
    copy.large = this.large && this.large.clone();
    // The packed array is never written, so the copy may share it.
    copy.packed = this.packed;
    copy.packedFrom = this.packedFrom;
    copy.packedSize = this.packedSize;
    copy.packedWidth = this.packedWidth;
    return copy;
  }

  /**
   * The members, ascending when packed (snapshots, sliced merges). Since runs are bit-packed this
   * is always a copy, the same as `toArray` (it was a view of the packed array when that held raw members).
   */
  members(): Uint32Array {
    return this.toArray();
  }

  /** The members (a copy). */
  toArray(): Uint32Array {
    if (this.packed) {
      const out = new Uint32Array(this.packedSize);
      decodeRun(this.packed, this.packedFrom, this.packedSize, this.packedWidth, out, 0);
      return out;
    }
    return this.large ? this.large.toArray() : Uint32Array.from(this.small!);
  }

  /**
   * Calls `fn` with every member in pieces (views, valid during the call only; ascending when packed):
   * a packed set decodes a piece at a time instead of into one copy (a snapshot reads every large set:
   * copies of them all were ~200 MB of short-lived arrays at 10M events, and slower to write).
   */
  forEachPiece(fn: (piece: Uint32Array) => void): void {
    if (!this.packed) {
      fn(this.toArray());
      return;
    }
    const piece = new Uint32Array(Math.min(PIECE_MEMBERS, this.packedSize));
    for (let first = 0; first < this.packedSize; first += PIECE_MEMBERS) {
      let count = 0;
      for (let b = first / BLOCK; count < PIECE_MEMBERS && b * BLOCK < this.packedSize; b++) {
        count += decodeBlock(this.packed, this.packedFrom, this.packedSize, this.packedWidth, b, piece, count);
      }
      fn(piece.subarray(0, count));
    }
  }

  forEach(fn: (fp: number) => void): void {
    if (this.packed) forEachInRun(this.packed, this.packedFrom, this.packedSize, this.packedWidth, fn);
    else if (this.large) this.large.forEach(fn);
    else this.small!.forEach(fn);
  }

  has(fp: number): boolean {
    if (this.large) return this.large.has(fp);
    if (!this.packed) return this.small!.includes(fp);
    return runHas(this.packed, this.packedFrom, this.packedSize, this.packedWidth, fp);
  }

  /** |this ∪ other| without building the union (other is usually the small one). */
  unionSize(other: DistinctSet): number {
    let extra = 0;
    other.forEach((fp) => {
      if (!this.has(fp)) extra++;
    });
    return this.size + extra;
  }

  /**
   * Bytes held (for /metrics): the table, or the array's members (estimated at 8 bytes each plus a
   * header), or the shared packed array once per `counted` set of arrays already counted.
   */
  byteLength(counted: Set<Uint32Array>): number {
    if (this.large) return SET_OBJECT_BYTES + this.large.byteLength;
    if (!this.packed) return SET_OBJECT_BYTES + 16 + this.small!.length * 8;
    if (counted.has(this.packed)) return SET_OBJECT_BYTES;
    counted.add(this.packed);
    return SET_OBJECT_BYTES + this.packed.byteLength;
  }

  get size(): number {
    if (this.packed) return this.packedSize;
    return this.large ? this.large.size : this.small!.length;
  }

  /** Into the hash-table form (from the small or the packed one). */
  private toTable(): void {
    if (this.large) return;
    const table = new Fingerprint32Set(64);
    table.reserve(this.size + 1);
    this.forEach((fp) => table.add(fp));
    this.large = table;
    this.small = null;
    this.packed = null;
  }
}
