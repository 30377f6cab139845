import { releaseArray } from '../memory/release-array.js';

/**
 * Open-addressing set of non-zero 53-bit fingerprints in one Float64Array: 8 bytes a slot, grown 1.5x at
 * 80% load, so about 10-15 bytes per member with no per-member object.
 */
export class FingerprintSet {
  private slots: Float64Array;
  size = 0;

  constructor(initialSlots = 8) {
    this.slots = new Float64Array(initialSlots);
  }

  /** Adds `fp`; returns false when it was already there. */
  add(fp: number): boolean {
    if ((this.size + 1) * 5 > this.slots.length * 4) this.grow();
    const length = this.slots.length;
    let i = (fp % 4294967296) % length;
    for (;;) {
      const cur = this.slots[i]!;
      if (cur === 0) {
        this.slots[i] = fp;
        this.size++;
        return true;
      }
      if (cur === fp) return false;
      if (++i === length) i = 0;
    }
  }

  has(fp: number): boolean {
    const length = this.slots.length;
    let i = (fp % 4294967296) % length;
    for (;;) {
      const cur = this.slots[i]!;
      if (cur === 0) return false;
      if (cur === fp) return true;
      if (++i === length) i = 0;
    }
  }

  forEach(fn: (fp: number) => void): void {
    for (const fp of this.slots) if (fp !== 0) fn(fp);
  }

  /** Bytes held by the table. */
  get byteLength(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(Math.ceil(old.length * 1.5));
    this.size = 0;
    for (const fp of old) if (fp !== 0) this.add(fp);
    releaseArray(old);
  }
}
