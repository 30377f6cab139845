import type { Aggregate } from './aggregate.js';
import { DistinctSet } from './distinct-set.js';
import type { WindowJob } from './window-jobs.js';
import type { WindowSizeMs } from './window-sizes.js';

/**
 * Packs a settled window's distinct sets (visitors, and visitors per page) into one sorted array
 * (DistinctSet.pack): at 10M events a month, the hour windows alone held ~150k small hash tables.
 */
export function packWindow(window: Aggregate): void {
  DistinctSet.pack([window.visitors, ...window.pageVisitors.values()]);
}

/** Set members packed together between two looks at the clock (~3 ms: an hour of 10M pairs took ~110 ms whole). */
const GROUP_MEMBERS = 1 << 18;

/**
 * `packWindow` a group of sets at a time (each group one shared array), for the background: the
 * visitors set goes last, so `window.visitors.isPacked` still means "the window is packed". Sets a
 * late event unpacks meanwhile are packed again by the next prune, as after `packWindow`.
 */
export class WindowPack implements WindowJob {
  readonly kind = 'pack';
  private sets: DistinctSet[] | null = null;
  private next = 0;

  constructor(readonly window: Aggregate, readonly site: string, readonly size: WindowSizeMs, readonly start: number) {}

  step(deadline = Infinity): boolean {
    const sets = (this.sets ??= [...this.window.pageVisitors.values(), this.window.visitors]);
    while (this.next < sets.length) {
      const group = [sets[this.next++]!];
      let members = group[0]!.size;
      while (this.next < sets.length && members + sets[this.next]!.size <= GROUP_MEMBERS) {
        members += sets[this.next]!.size;
        group.push(sets[this.next++]!);
      }
      DistinctSet.pack(group);
      if (performance.now() >= deadline) break;
    }
    return this.next === sets.length;
  }
}
