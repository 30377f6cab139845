import { releaseArray } from '../memory/release-array.js';

/**
 * Open-addressing set of non-zero 32-bit fingerprints in one Uint32Array (4 bytes a slot, grown 1.5x
 * at 80% load: 5-8 bytes a member).
 */
export class Fingerprint32Set {
  private slots: Uint32Array;
  size = 0;

  constructor(initialSlots = 32) {
    this.slots = new Uint32Array(initialSlots);
  }

  add(fp: number): void {
    if ((this.size + 1) * 5 > this.slots.length * 4) this.rehash(Math.ceil(this.slots.length * 1.5));
    this.insert(fp);
  }

  /** Inserts without the load check (callers have reserved room). */
  private insert(fp: number): void {
    const length = this.slots.length;
    let i = fp % length;
    for (;;) {
      const cur = this.slots[i]!;
      if (cur === 0) {
        this.slots[i] = fp;
        this.size++;
        return;
      }
      if (cur === fp) return;
      if (++i === length) i = 0;
    }
  }

  has(fp: number): boolean {
    const length = this.slots.length;
    let i = fp % length;
    for (;;) {
      const cur = this.slots[i]!;
      if (cur === 0) return false;
      if (cur === fp) return true;
      if (++i === length) i = 0;
    }
  }

  /** Adds every member of `other` (one sizing step, no callbacks: the hot path of range queries). */
  addAll(other: Fingerprint32Set): void {
    this.reserve(this.size + other.size);
    const src = other.slots;
    for (let j = 0; j < src.length; j++) {
      const fp = src[j]!;
      if (fp !== 0) this.insert(fp);
    }
  }

  /** Adds `values[from, to)` (non-zero fingerprints) with one sizing step. */
  addMany(values: Uint32Array, from: number, to: number): void {
    this.reserve(this.size + (to - from));
    for (let j = from; j < to; j++) this.insert(values[j]!);
  }

  /** Grows once so that `members` fit under the load limit. */
  reserve(members: number): void {
    if (members * 5 <= this.slots.length * 4) return;
    // At least double, so a chain of merges rehashes O(log n) times, not once per merge.
    this.rehash(Math.max(Math.ceil((members * 5) / 4) + 1, this.slots.length * 2));
  }

  /** An independent copy (one memcpy of the table). */
  clone(): Fingerprint32Set {
    const copy = new Fingerprint32Set(0);
    copy.slots = this.slots.slice();
    copy.size = this.size;
    return copy;
  }

  /** Frees the table at once (see releaseArray) and leaves the set empty: a pack dropping it. */
  release(): void {
    releaseArray(this.slots);
    this.slots = new Uint32Array(32);
    this.size = 0;
  }

  /** Bytes of the table. */
  get byteLength(): number {
    return this.slots.byteLength;
  }

  /** The members, in slot order. */
  toArray(): Uint32Array {
    const out = new Uint32Array(this.size);
    let n = 0;
    for (let j = 0; j < this.slots.length; j++) if (this.slots[j] !== 0) out[n++] = this.slots[j]!;
    return out;
  }

  forEach(fn: (fp: number) => void): void {
    for (const fp of this.slots) if (fp !== 0) fn(fp);
  }

  private rehash(length: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(length);
    this.size = 0;
    for (let j = 0; j < old.length; j++) {
      const fp = old[j]!;
      if (fp !== 0) this.insert(fp);
    }
    releaseArray(old);
  }
}
