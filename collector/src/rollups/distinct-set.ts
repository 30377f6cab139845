import { fingerprint53 } from '../sessions/fingerprint.js';
import { Fingerprint32Set } from './fingerprint32-set.js';
import { sortUint32 } from './sort-u32.js';

/** Members kept in a plain array (no typed-array overhead) before switching to a hash table. */
const SMALL_LIMIT = 16;

/** A DistinctSet object and its fields (estimate, V8 on 64 bits). */
const SET_OBJECT_BYTES = 64;

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
 * then a hash table, and, once its window is settled, a sorted run in an array shared by all the
 * window's sets (`pack`: 4 bytes a member, no per-set table or typed array). A packed set that
 * still gets a member (a late event) turns back into a hash table.
 */
export class DistinctSet {
  private small: number[] | null = [];
  private large: Fingerprint32Set | null = null;
  /** Packed form: sorted members in packed[packedFrom, packedTo), never written after packing. */
  private packed: Uint32Array | null = null;
  private packedFrom = 0;
  private packedTo = 0;

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
    } else if (other.packed) {
      if (this.size + other.size > SMALL_LIMIT) this.toTable();
      this.large?.reserve(this.large.size + other.size);
      for (let i = other.packedFrom; i < other.packedTo; i++) this.addFingerprint(other.packed[i]!);
    } else for (const fp of other.small!) this.addFingerprint(fp);
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
   * Moves every set's members into one shared array, each set a sorted run of it (a settled
   * window's sets: they rarely change again). Content is unchanged; sets already packed are rewritten too.
   */
  static pack(sets: DistinctSet[]): void {
    let total = 0;
    let largest = 0;
    for (const set of sets) {
      total += set.size;
      largest = Math.max(largest, set.size);
    }
    const shared = new Uint32Array(total);
    const scratch = new Uint32Array(largest);
    let offset = 0;
    for (const set of sets) {
      const from = offset;
      if (set.packed) {
        // Already a sorted run (a window packed again after a late event unpacked another set of it).
        shared.set(set.packed.subarray(set.packedFrom, set.packedTo), from);
        offset += set.size;
      } else {
        set.forEach((fp) => (shared[offset++] = fp));
        sortUint32(shared.subarray(from, offset), scratch);
      }
      set.small = null;
      set.large = null;
      set.packed = shared;
      set.packedFrom = from;
      set.packedTo = offset;
    }
  }

  /**
   * Takes `sorted` (every member, ascending, unique; never written again) as its packed form: a pack
   * sorted a large set's members over several slices. The caller checks the set did not grow meanwhile.
   */
  adoptSorted(sorted: Uint32Array): void {
    this.small = null;
    this.large = null;
    this.packed = sorted;
    this.packedFrom = 0;
    this.packedTo = sorted.length;
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
    copy.packedTo = this.packedTo;
    return copy;
  }

  /** The members, as a view of the packed array when packed (read it at once, never write it): snapshots. */
  members(): Uint32Array {
    return this.packed ? this.packed.subarray(this.packedFrom, this.packedTo) : this.toArray();
  }

  /** The members (a copy). */
  toArray(): Uint32Array {
    if (this.packed) return this.packed.slice(this.packedFrom, this.packedTo);
    return this.large ? this.large.toArray() : Uint32Array.from(this.small!);
  }

  forEach(fn: (fp: number) => void): void {
    if (this.packed) for (let i = this.packedFrom; i < this.packedTo; i++) fn(this.packed[i]!);
    else if (this.large) this.large.forEach(fn);
    else this.small!.forEach(fn);
  }

  has(fp: number): boolean {
    if (this.large) return this.large.has(fp);
    if (!this.packed) return this.small!.includes(fp);
    let lo = this.packedFrom;
    let hi = this.packedTo - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.packed[mid]!;
      if (at === fp) return true;
      if (at < fp) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
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
    if (this.packed) return this.packedTo - this.packedFrom;
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
