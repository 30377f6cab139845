import { releaseArray } from '../memory/release-array.js';
import type { Aggregate } from './aggregate.js';
import { DistinctSet } from './distinct-set.js';
import { BLOCK, gapWidth, RunEncoder, runWords } from './packed-run.js';
import { RadixSort } from './sort-u32.js';
import type { WindowJob } from './window-jobs.js';
import type { WindowSizeMs } from './window-sizes.js';

/**
 * Packs a settled window's distinct sets (visitors, and visitors per page) not packed yet into one
 * array of packed runs (DistinctSet.pack): at 10M events a month, the hour windows alone held ~150k
 * small hash tables. Sets already packed keep their runs (a snapshot restores them packed).
 */
export function packWindow(window: Aggregate): void {
  const sets = [window.visitors, ...window.pageVisitors.values()].filter((set) => !set.isPacked);
  if (sets.length > 0) DistinctSet.pack(sets);
}

/** Set members packed together between two looks at the clock (~1-3 ms: an hour of 10M pairs took ~0.8 s whole). */
const GROUP_MEMBERS = 1 << 16;

/**
 * `packWindow` for the background, a bounded piece per `step`: small sets a group at a time (each
 * group one shared array), a set larger than a group alone, its members sorted then encoded over several steps.
 * The visitors set goes last, so `window.visitors.isPacked` still means "the window is packed". A set
 * that grows while it is sorted (a late event) is left as it is; one a late event unpacks meanwhile
 * is packed again by the next prune, as after `packWindow`.
 */
export class WindowPack implements WindowJob {
  readonly kind = 'pack';
  private sets: DistinctSet[] | null = null;
  private next = 0;
  /** The large set being packed: a copy of its members, its size when copied, then its run being encoded. */
  private large: { set: DistinctSet; size: number; members: Uint32Array; sort: RadixSort; run: RunEncoder | null } | null = null;

  constructor(
    readonly window: Aggregate, readonly site: string, readonly size: WindowSizeMs, readonly start: number,
    /** Members per group and per sort or encode step (tests set a few, to interleave changes with every step). */
    private readonly groupMembers = GROUP_MEMBERS,
  ) {}

  step(deadline = Infinity): boolean {
    const sets = (this.sets ??= [...this.window.pageVisitors.values(), this.window.visitors]);
    while (this.next < sets.length) {
      if (this.large) this.packLarge();
      else if (sets[this.next]!.size > this.groupMembers && sets[this.next]!.isPacked) this.next++; // a packed run already
      else if (sets[this.next]!.size > this.groupMembers) {
        const set = sets[this.next]!;
        const members = set.toArray();
        this.large = { set, size: set.size, members, sort: new RadixSort(members), run: null };
      } else {
        const group = [sets[this.next++]!];
        let members = group[0]!.size;
        while (this.next < sets.length && sets[this.next]!.size <= this.groupMembers - members) {
          members += sets[this.next]!.size;
          group.push(sets[this.next++]!);
        }
        DistinctSet.pack(group);
      }
      if (performance.now() >= deadline) break;
    }
    return this.next === sets.length;
  }

  private packLarge(): void {
    const large = this.large!;
    if (!large.run) {
      if (!large.sort.step(this.groupMembers)) return;
      const width = gapWidth(large.members, 0, large.size);
      large.run = new RunEncoder(large.members, 0, large.size, width, new Uint32Array(runWords(large.size, width)), 0);
      return;
    }
    if (!large.run.step(Math.ceil(this.groupMembers / BLOCK))) return;
    // Sets only grow: the same size means the same members.
    if (large.set.size === large.size) large.set.adoptRun(large.run);
    releaseArray(large.members);
    this.large = null;
    this.next++;
  }
}
