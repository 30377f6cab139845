import type { Aggregate } from './aggregate.js';

interface Entry<T> {
  windows: Aggregate[];
  versions: number[];
  value: T;
  weight: number;
}

export interface VersionedCacheOptions<T> {
  /** Entries kept at most. */
  maxEntries?: number;
  /** Total weight kept at most (e.g. set members), with `weigh`. */
  maxWeight?: number;
  weigh?: (value: T) => number;
}

/**
 * Values derived from a list of windows (a merge, a union), reused while every window is the same
 * object at the same `version`; oldest entries leave first when over the bounds.
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private totalWeight = 0;

  constructor(private readonly options: VersionedCacheOptions<T>) {}

  get(key: string, windows: Aggregate[], build: () => T): T {
    const hit = this.entries.get(key);
    if (hit && hit.windows.length === windows.length && hit.windows.every((w, i) => w === windows[i] && hit.versions[i] === w.version)) {
      return hit.value;
    }
    if (hit) this.remove(key, hit);
    const value = build();
    const weight = this.options.weigh?.(value) ?? 1;
    this.entries.set(key, { windows, versions: windows.map((w) => w.version), value, weight });
    this.totalWeight += weight;
    for (const [oldKey, entry] of this.entries) {
      const over = this.entries.size > (this.options.maxEntries ?? Infinity) || this.totalWeight > (this.options.maxWeight ?? Infinity);
      if (!over || oldKey === key) break;
      this.remove(oldKey, entry);
    }
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.totalWeight = 0;
  }

  private remove(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.totalWeight -= entry.weight;
  }
}
