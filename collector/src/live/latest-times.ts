/**
 * 53-bit fingerprint -> latest time, open addressing over two Float64Arrays (16 bytes a slot, load
 * 1/2..3/4: ~21-32 bytes a member, no object or string per member). Fingerprints are never 0 (0
 * marks an empty slot). Members leave only by `compact`.
 */
export class LatestTimes {
  private keys = new Float64Array(16);
  private times = new Float64Array(16);
  size = 0;

  /** Records `ts` for `fp` when later than the time held. */
  note(fp: number, ts: number): void {
    if ((this.size + 1) * 4 > this.keys.length * 3) this.resize(Math.ceil(this.keys.length * 1.5));
    const keys = this.keys;
    const length = keys.length;
    for (let i = fp % length; ; i = i + 1 === length ? 0 : i + 1) {
      const key = keys[i]!;
      if (key === fp) {
        if (this.times[i]! < ts) this.times[i] = ts;
        return;
      }
      if (key === 0) {
        keys[i] = fp;
        this.times[i] = ts;
        this.size++;
        return;
      }
    }
  }

  /** Members whose time is in (after, until], and how many are at or before `after`. */
  count(after: number, until: number): { inside: number; aged: number } {
    let inside = 0;
    let aged = 0;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] === 0) continue;
      const ts = this.times[i]!;
      if (ts <= after) aged++;
      else if (ts <= until) inside++;
    }
    return { inside, aged };
  }

  /** Drops the members whose time is at or before `after` (one pass into a table sized for the rest). */
  compact(after: number): void {
    const { keys, times } = this;
    let kept = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0 && times[i]! > after) kept++;
    const length = Math.max(16, Math.ceil(kept * 1.5));
    this.keys = new Float64Array(length);
    this.times = new Float64Array(length);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0 && times[i]! > after) this.note(keys[i]!, times[i]!);
  }

  get byteLength(): number {
    return this.keys.byteLength + this.times.byteLength;
  }

  private resize(length: number): void {
    const { keys, times } = this;
    this.keys = new Float64Array(length);
    this.times = new Float64Array(length);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.note(keys[i]!, times[i]!);
  }
}
