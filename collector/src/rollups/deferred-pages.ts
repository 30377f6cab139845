import type { Aggregate } from './aggregate.js';
import { DistinctSet } from './distinct-set.js';
import type { WindowJob } from './window-jobs.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type WindowSizeMs } from './window-sizes.js';

/** Window size -> the size of the windows it is made of (every event lands in both). */
const PARTS: Partial<Record<WindowSizeMs, WindowSizeMs>> = { [HOUR_MS]: MINUTE_MS, [DAY_MS]: HOUR_MS };

/** Sizes whose page sets may be deferred, parts first (an hour is built before the day that reads it). */
export const DEFERRABLE_SIZES: readonly WindowSizeMs[] = [HOUR_MS, DAY_MS];

/** Members of one part's set added between two looks at the clock (~0.1-0.3 ms of inserts). */
const CHUNK = 8192;

/** Finds a window (absent: nothing happened in it). */
export type WindowLookup = (site: string, size: WindowSizeMs, start: number) => Aggregate | undefined;

/**
 * Whether a new window of `size` at `start` may keep no page visitor sets while it fills: its parts
 * are usable (start >= their floor) and kept well past the moment it is built (at the latest when it
 * is packed, a quarter hour after its end: `settleMs`).
 */
export function canDeferPages(size: WindowSizeMs, start: number, floors: Record<WindowSizeMs, number>, retentionMs: Record<WindowSizeMs, number>, settleMs: number): boolean {
  const part = PARTS[size];
  return part !== undefined && start >= floors[part] && retentionMs[part] >= size + settleMs + HOUR_MS;
}

/** The size of a window's parts (for windows of DEFERRABLE_SIZES). */
export function partSize(size: WindowSizeMs): WindowSizeMs {
  return PARTS[size]!;
}

/**
 * Fills a deferred window's page visitor sets with the union of its parts' (exact: the parts got the
 * same events), a bounded piece per `step` so the event loop is never held for the whole union (an
 * hour of 10M (page, visitor) pairs took ~0.9 s in one piece). From the first step on the window is
 * `pageVisitorsBuilding`: events landing in it add their pairs to its sets directly, as they do to
 * its parts, so pairs arriving in a part already read are not missed; the union is idempotent, so
 * the result is the union of the parts as they are when the build ends, the same as building it then
 * in one piece. Once done the sets are kept up to date like any window's. A deferred (or building)
 * part is read through its own parts and stays as it is.
 */
export class PageSetBuild implements WindowJob {
  readonly kind = 'build';
  /** The windows whose page sets are read, found at the first step (later ones only hold pairs added directly). */
  private parts: Aggregate[] | null = null;
  private partIndex = 0;
  private pages: [string, DistinctSet][] = [];
  private pageIndex = 0;
  /** A large set being added a chunk at a time: its members as they were when its turn came. */
  private members: Uint32Array | null = null;
  private memberIndex = 0;
  private target: DistinctSet | null = null;

  constructor(
    readonly window: Aggregate, readonly site: string, readonly size: WindowSizeMs, readonly start: number,
    private readonly lookup: WindowLookup,
    /** Members added between two looks at the clock (tests set 1 to interleave events with every step). */
    private readonly chunk = CHUNK,
  ) {}

  get done(): boolean {
    return !this.window.pageVisitorsDeferred;
  }

  /** Works until `deadline` (a `performance.now()` time) passes; true once the window's page sets are complete. */
  step(deadline = Infinity): boolean {
    if (this.done) return true;
    const window = this.window;
    if (!this.parts) {
      this.parts = [];
      collectParts(this.parts, this.site, this.size, this.start, this.lookup);
      window.pageVisitorsBuilding = true;
    }
    let work = 0;
    for (;;) {
      if (this.members) {
        const end = Math.min(this.members.length, this.memberIndex + this.chunk);
        this.target!.addMembers(this.members, this.memberIndex, end);
        work += end - this.memberIndex;
        this.memberIndex = end;
        if (end === this.members.length) this.members = null;
      } else if (this.pageIndex < this.pages.length) {
        const [page, set] = this.pages[this.pageIndex++]!;
        let target = window.pageVisitors.get(page);
        if (!target) window.pageVisitors.set(page, (target = new DistinctSet()));
        if (set.size <= this.chunk) {
          target.merge(set);
          work += set.size + 16;
        } else {
          // A copy of the members (decoded when packed; a table may grow meanwhile).
          this.members = set.members();
          this.memberIndex = 0;
          this.target = target;
        }
      } else if (this.partIndex < this.parts.length) {
        this.pages = [...this.parts[this.partIndex++]!.pageVisitors];
        this.pageIndex = 0;
        work += 16;
      } else {
        window.pageVisitorsDeferred = false;
        window.pageVisitorsBuilding = false;
        this.parts = this.pages = [];
        return true;
      }
      if (work >= this.chunk) {
        work = 0;
        if (performance.now() >= deadline) return false;
      }
    }
  }
}

function collectParts(into: Aggregate[], site: string, size: WindowSizeMs, start: number, lookup: WindowLookup): void {
  const part = PARTS[size]!;
  for (let t = start; t < start + size; t += part) {
    const window = lookup(site, part, t);
    if (!window) continue;
    if (window.pageVisitorsDeferred) collectParts(into, site, part, t, lookup);
    else into.push(window);
  }
}
