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
    if ((this.size + 1) * 5 > this.slots.length * 4) this.grow();
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

  forEach(fn: (fp: number) => void): void {
    for (const fp of this.slots) if (fp !== 0) fn(fp);
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(Math.ceil(old.length * 1.5));
    this.size = 0;
    for (const fp of old) if (fp !== 0) this.add(fp);
  }
}
