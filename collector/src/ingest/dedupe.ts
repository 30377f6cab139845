import { U64Set } from './u64-set.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Dedupe stage: remembers the key (XXH64 of site + event id) of every stored event, bucketed by UTC
 * arrival day. Buckets older than `retentionDays` are dropped whole, so memory is bounded by the
 * traffic of that window (11-21 bytes per event). The SDK retries an event for at most 7 days,
 * so 8 days of buckets cover every retry. Rebuilt at start from the store, so it survives restarts.
 */
export class Deduper {
  private readonly buckets = new Map<number, U64Set>();
  /** The buckets' sets, newest first (most lookups of a retry hit today's), for iteration without an iterator. */
  private sets: U64Set[] = [];

  constructor(private readonly retentionDays = 8) {}

  has(key: bigint): boolean {
    const sets = this.sets;
    for (let i = 0; i < sets.length; i++) if (sets[i]!.has(key)) return true;
    return false;
  }

  /** Remembers a stored event's key under its arrival day; expires buckets past the window. */
  add(key: bigint, receivedAt: number): void {
    const day = Math.floor(receivedAt / DAY_MS);
    let bucket = this.buckets.get(day);
    if (!bucket) {
      bucket = new U64Set();
      this.buckets.set(day, bucket);
      for (const old of this.buckets.keys()) if (old <= day - this.retentionDays) this.buckets.delete(old);
      this.sets = [...this.buckets].sort((a, b) => b[0] - a[0]).map(([, set]) => set);
    }
    bucket.add(key);
  }

  /** Keys remembered (for metrics). */
  get size(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.size;
    return n;
  }

  /** Bytes of the index (for metrics). */
  get byteLength(): number {
    let bytes = 0;
    for (const bucket of this.buckets.values()) bytes += bucket.byteLength;
    return bytes;
  }

  /** Oldest arrival time the index must be rebuilt from. */
  windowStart(now: number): number {
    return (Math.floor(now / DAY_MS) - this.retentionDays + 1) * DAY_MS;
  }
}

/**
 * The events of one request that are neither `known` (stored, or in a group being written) nor
 * earlier in the same group (`seenInGroup` collects the group's keys), in order.
 */
export function firstOccurrences<T extends { idHash: bigint }>(
  known: (key: bigint) => boolean,
  events: readonly T[],
  seenInGroup: { has(key: bigint): boolean; add(key: bigint): unknown },
): T[] {
  return events.filter((event) => {
    if (seenInGroup.has(event.idHash) || known(event.idHash)) return false;
    seenInGroup.add(event.idHash);
    return true;
  });
}
