import type { Aggregate } from './aggregate.js';

interface Entry<T> {
  windows: Aggregate[];
  value: T;
  weight: number;
}

export interface MergeCacheOptions<T> {
  /** Entries kept at most. */
  maxEntries?: number;
  /** Total weight kept at most (e.g. set members), with `weigh`. */
  maxWeight?: number;
  weigh?: (value: T) => number;
  /** Subscribes `value` to later changes of `window` (and `unfollow` undoes it on eviction). */
  follow: (window: Aggregate, value: T) => void;
  unfollow: (window: Aggregate, value: T) => void;
}

/**
 * Values derived from a list of windows (a merge, a union), built once and then kept exact by the
 * windows themselves: each window forwards its later changes to the values following it (a late
 * event into an old window updates the 30-day merge in place instead of forcing a rebuild). An entry
 * is reused while the range resolves to the same window objects; oldest entries leave first when
 * over the bounds, and stop following their windows.
 */
export class MergeCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private totalWeight = 0;

  constructor(private readonly options: MergeCacheOptions<T>) {}

  get(key: string, windows: Aggregate[], build: () => T): T {
    const hit = this.entries.get(key);
    if (hit && hit.windows.length === windows.length && hit.windows.every((w, i) => w === windows[i])) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit.value;
    }
    if (hit) this.remove(key, hit);
    const value = build();
    for (const window of windows) this.options.follow(window, value);
    const weight = this.options.weigh?.(value) ?? 1;
    this.entries.set(key, { windows, value, weight });
    this.totalWeight += weight;
    for (const [oldKey, entry] of this.entries) {
      const over = this.entries.size > (this.options.maxEntries ?? Infinity) || this.totalWeight > (this.options.maxWeight ?? Infinity);
      if (!over || oldKey === key) break;
      this.remove(oldKey, entry);
    }
    return value;
  }

  /** The cached values (memory accounting). */
  *values(): Iterable<T> {
    for (const entry of this.entries.values()) yield entry.value;
  }

  clear(): void {
    for (const [key, entry] of this.entries) this.remove(key, entry);
  }

  private remove(key: string, entry: Entry<T>): void {
    for (const window of entry.windows) this.options.unfollow(window, entry.value);
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }
}
