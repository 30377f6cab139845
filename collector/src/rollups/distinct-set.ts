import { releaseArray } from '../memory/release-array.js';
import { fingerprint53 } from '../sessions/fingerprint.js';
import { Fingerprint32Set } from './fingerprint32-set.js';
import { BLOCK, decodeBlock, decodeRun, encodeRun, forEachInRun, gapWidth, runHas, runWords, type StoredRun } from './packed-run.js';
import { sortUint32 } from './sort-u32.js';

/** Members kept in a plain array (no typed-array overhead) before switching to a hash table. */
const SMALL_LIMIT = 16;

/** A DistinctSet object and its four fields (estimate, V8 on 64 bits). */
const SET_OBJECT_BYTES = 56;

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
  /**
   * The members in their current form: a short array, a hash table, or (packed) the array shared by
   * a window's sets, holding this set's run (packed-run.ts) of `packedSize` members at `packedFrom`,
   * never written after packing. One field for the three forms keeps a set at four fields (1.5M
   * page sets in 62 days of hours at 1,000 pages: 8 bytes a field is 12 MB).
   */
  private form: number[] | Fingerprint32Set | Uint32Array = [];
  private packedFrom = 0;
  private packedSize = 0;
  private packedWidth = 0;

  add(visitor: string): void {
    this.addFingerprint(visitorFingerprint(visitor));
  }

  /** Adds a precomputed `visitorFingerprint(visitor)` (hash once, add to many windows). */
  addFingerprint(fp: number): void {
    let form = this.form;
    if (form instanceof Uint32Array) {
      if (this.has(fp)) return;
      form = this.toTable();
    }
    if (form instanceof Fingerprint32Set) {
      form.add(fp);
      return;
    }
    if (form.includes(fp)) return;
    if (form.length < SMALL_LIMIT) {
      form.push(fp);
      return;
    }
    this.toTable().add(fp);
  }

  merge(other: DistinctSet): void {
    const from = other.form;
    if (from instanceof Fingerprint32Set) this.toTable().addAll(from);
    else if (!(from instanceof Uint32Array)) for (const fp of from) this.addFingerprint(fp);
    else if (this.size + other.size > SMALL_LIMIT) {
      const table = this.toTable();
      table.reserve(table.size + other.size);
      // A block at a time into the table's tight insert loop (no callback per member).
      for (let b = 0; b * BLOCK < other.packedSize; b++) {
        table.addMany(MERGE_BLOCK, 0, decodeBlock(from, other.packedFrom, other.packedSize, other.packedWidth, b, MERGE_BLOCK, 0));
      }
    } else other.forEach((fp) => this.addFingerprint(fp));
  }

  /**
   * Room for `members` in one sizing step, before merging several sets into this one (a union grown
   * merge by merge rehashed at every doubling: ~1/3 of a "today" over an hour of 1M visitors).
   */
  reserve(members: number): void {
    if (members <= SMALL_LIMIT) return;
    this.toTable().reserve(members);
  }

  /** Adds `members[from, to)` (a sliced merge: another set's members, a chunk at a time). */
  addMembers(members: Uint32Array, from: number, to: number): void {
    if (this.size + (to - from) <= SMALL_LIMIT) {
      for (let i = from; i < to; i++) this.addFingerprint(members[i]!);
      return;
    }
    this.toTable().addMany(members, from, to);
  }

  /** A set holding these fingerprints (snapshot restore). */
  static of(fingerprints: ArrayLike<number>): DistinctSet {
    const set = new DistinctSet();
    if (fingerprints.length <= SMALL_LIMIT) {
      for (let i = 0; i < fingerprints.length; i++) set.addFingerprint(fingerprints[i]!);
      return set;
    }
    const table = new Fingerprint32Set(64);
    table.reserve(fingerprints.length);
    for (let i = 0; i < fingerprints.length; i++) table.add(fingerprints[i]!);
    set.form = table;
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
      if (set.form instanceof Uint32Array) {
        // Already a sorted run (a window packed again after a late event unpacked another set of it).
        decodeRun(set.form, set.packedFrom, set.packedSize, set.packedWidth, sorted, from);
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
  adoptRun(run: StoredRun): void {
    this.setPacked(run.words, run.from, run.size, run.width);
  }

  /**
   * A set that is the run stored at `run` (snapshot restore: the runs of a window read into one array,
   * shared by its sets like a pack's and, like it, never written).
   */
  static ofRun(run: StoredRun): DistinctSet {
    const set = new DistinctSet();
    set.adoptRun(run);
    return set;
  }

  /** Where its packed run is stored (to read only: the array is shared), or null when it is not packed (a snapshot copies the words as they are). */
  packedRun(): StoredRun | null {
    const form = this.form;
    return form instanceof Uint32Array ? { words: form, from: this.packedFrom, size: this.packedSize, width: this.packedWidth } : null;
  }

  /** Into the packed form (dropping the small array or the hash table: the one place a pack drops a table). */
  private setPacked(words: Uint32Array, from: number, size: number, width: number): void {
    if (this.form instanceof Fingerprint32Set) this.form.release(); // owned alone: clones copy their table
    this.form = words;
    this.packedFrom = from;
    this.packedSize = size;
    this.packedWidth = width;
  }

  get isPacked(): boolean {
    return this.form instanceof Uint32Array;
  }

  /** An independent copy. */
  clone(): DistinctSet {
    const copy = new DistinctSet();
    const form = this.form;
    // The packed array is never written, so the copy may share it.
    copy.form = form instanceof Uint32Array ? form : form instanceof Fingerprint32Set ? form.clone() : [...form];
    copy.packedFrom = this.packedFrom;
    copy.packedSize = this.packedSize;
    copy.packedWidth = this.packedWidth;
    return copy;
  }

  /**
   * The members, ascending when packed (sliced merges). Since runs are bit-packed this
   * is always a copy, the same as `toArray` (it was a view of the packed array when that held raw members).
   */
  members(): Uint32Array {
    return this.toArray();
  }

  /** The members (a copy). */
  toArray(): Uint32Array {
    const form = this.form;
    if (form instanceof Uint32Array) {
      const out = new Uint32Array(this.packedSize);
      decodeRun(form, this.packedFrom, this.packedSize, this.packedWidth, out, 0);
      return out;
    }
    return form instanceof Fingerprint32Set ? form.toArray() : Uint32Array.from(form);
  }

  forEach(fn: (fp: number) => void): void {
    const form = this.form;
    if (form instanceof Uint32Array) forEachInRun(form, this.packedFrom, this.packedSize, this.packedWidth, fn);
    else form.forEach(fn);
  }

  has(fp: number): boolean {
    const form = this.form;
    if (form instanceof Fingerprint32Set) return form.has(fp);
    if (form instanceof Uint32Array) return runHas(form, this.packedFrom, this.packedSize, this.packedWidth, fp);
    return form.includes(fp);
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
    const form = this.form;
    if (form instanceof Fingerprint32Set) return SET_OBJECT_BYTES + form.byteLength;
    if (!(form instanceof Uint32Array)) return SET_OBJECT_BYTES + 16 + form.length * 8;
    if (counted.has(form)) return SET_OBJECT_BYTES;
    counted.add(form);
    return SET_OBJECT_BYTES + form.byteLength;
  }

  get size(): number {
    const form = this.form;
    if (form instanceof Uint32Array) return this.packedSize;
    return form instanceof Fingerprint32Set ? form.size : form.length;
  }

  /** Into the hash-table form (from the small or the packed one); returns the table. */
  private toTable(): Fingerprint32Set {
    if (this.form instanceof Fingerprint32Set) return this.form;
    const table = new Fingerprint32Set(64);
    table.reserve(this.size + 1);
    this.forEach((fp) => table.add(fp));
    this.form = table;
    return table;
  }
}
