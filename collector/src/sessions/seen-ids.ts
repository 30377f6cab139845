import { fingerprint53 } from './fingerprint.js';
import { FingerprintSet } from './fingerprint-set.js';

/**
 * Event ids, bucketed by event time so that memory is bounded by the events
 * still inside the lateness horizon: buckets wholly before the watermark are dropped by `prune`.
 * (An id always comes with the same `ts`, so one bucket is probed per event.)
 */
export class SeenIds {
  private readonly buckets = new Map<number, FingerprintSet>();

  constructor(private readonly bucketMs = 10 * 60_000) {}

  /** Records the id; returns false when it was seen before (a duplicate). */
  add(site: string, id: string, ts: number): boolean {
    const index = Math.floor(ts / this.bucketMs);
    let set = this.buckets.get(index);
    if (!set) this.buckets.set(index, (set = new FingerprintSet()));
    return set.add(fingerprint53(`${site}\u0000${id}`));
  }

  /** True when the id was recorded (and not pruned since); cheap while nothing is recorded near `ts`. */
  has(site: string, id: string, ts: number): boolean {
    const set = this.buckets.get(Math.floor(ts / this.bucketMs));
    return set !== undefined && set.has(fingerprint53(`${site}\u0000${id}`));
  }

  get isEmpty(): boolean {
    return this.buckets.size === 0;
  }

  /** Drops buckets that end at or before `beforeTs`. */
  prune(beforeTs: number): void {
    for (const index of this.buckets.keys()) {
      if ((index + 1) * this.bucketMs <= beforeTs) this.buckets.delete(index);
    }
  }

  get byteLength(): number {
    let bytes = 0;
    for (const set of this.buckets.values()) bytes += set.byteLength;
    return bytes;
  }
}
