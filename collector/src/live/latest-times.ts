/**
 * 64-bit key (two uint32 halves) -> latest time, open addressing over a Uint32Array of keys and a
 * Float64Array of times (16 bytes a slot, load 1/2..3/4: ~21-32 bytes a member, no object or string
 * per member). Key 0 is stored as 1 (0 marks an empty slot; as in `U64Set`, two keys out of 2^64
 * merge). Members leave only by `compact`.
 */
export class LatestTimes {
  /** Slot i: words 2i (low half) and 2i+1 (high half). */
  private keys = new Uint32Array(32);
  private times = new Float64Array(16);
  size = 0;

  /** Records `ts` for the key (hi, lo) when later than the time held. */
  note(hi: number, lo: number, ts: number): void {
    if ((this.size + 1) * 4 > this.times.length * 3) this.resize(Math.ceil(this.times.length * 1.5));
    if (hi === 0 && lo === 0) lo = 1;
    const { keys, times } = this;
    const length = times.length;
    for (let i = lo % length; ; i = i + 1 === length ? 0 : i + 1) {
      const slotLo = keys[i * 2]!;
      const slotHi = keys[i * 2 + 1]!;
      if (slotLo === lo && slotHi === hi) {
        if (times[i]! < ts) times[i] = ts;
        return;
      }
      if (slotLo === 0 && slotHi === 0) {
        keys[i * 2] = lo;
        keys[i * 2 + 1] = hi;
        times[i] = ts;
        this.size++;
        return;
      }
    }
  }

  /** Members whose time is in (after, until], and how many are at or before `after`. */
  count(after: number, until: number): { inside: number; aged: number } {
    let inside = 0;
    let aged = 0;
    const { keys, times } = this;
    for (let i = 0; i < times.length; i++) {
      if (keys[i * 2] === 0 && keys[i * 2 + 1] === 0) continue;
      const ts = times[i]!;
      if (ts <= after) aged++;
      else if (ts <= until) inside++;
    }
    return { inside, aged };
  }

  /** Drops the members whose time is at or before `after` (one pass into a table sized for the rest). */
  compact(after: number): void {
    const { keys, times } = this;
    let kept = 0;
    for (let i = 0; i < times.length; i++) if ((keys[i * 2] !== 0 || keys[i * 2 + 1] !== 0) && times[i]! > after) kept++;
    this.rehash(Math.max(16, Math.ceil(kept * 1.5)), after);
  }

  get byteLength(): number {
    return this.keys.byteLength + this.times.byteLength;
  }

  private resize(length: number): void {
    this.rehash(length, -Infinity);
  }

  private rehash(length: number, after: number): void {
    const { keys, times } = this;
    this.keys = new Uint32Array(length * 2);
    this.times = new Float64Array(length);
    this.size = 0;
    for (let i = 0; i < times.length; i++) {
      if ((keys[i * 2] !== 0 || keys[i * 2 + 1] !== 0) && times[i]! > after) this.note(keys[i * 2 + 1]!, keys[i * 2]!, times[i]!);
    }
  }
}
