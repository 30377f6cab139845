import type { Aggregate } from './aggregate.js';
import { DistinctSet } from './distinct-set.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, type WindowSizeMs } from './window-sizes.js';

/** Window size -> the size of the windows it is made of (every event lands in both). */
const PARTS: Partial<Record<WindowSizeMs, WindowSizeMs>> = { [HOUR_MS]: MINUTE_MS, [DAY_MS]: HOUR_MS };

/** Sizes whose page sets may be deferred, parts first (an hour is built before the day that reads it). */
export const DEFERRABLE_SIZES: readonly WindowSizeMs[] = [HOUR_MS, DAY_MS];

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
 * same events); from then on they are kept up to date like any window's. A deferred part is read
 * through its own parts and stays deferred.
 */
export function buildPageVisitors(window: Aggregate, site: string, size: WindowSizeMs, start: number, lookup: WindowLookup): void {
  addPartsPages(window.pageVisitors, site, size, start, lookup);
  window.pageVisitorsDeferred = false;
}

function addPartsPages(into: Map<string, DistinctSet>, site: string, size: WindowSizeMs, start: number, lookup: WindowLookup): void {
  const part = PARTS[size]!;
  for (let t = start; t < start + size; t += part) {
    const window = lookup(site, part, t);
    if (!window) continue;
    if (window.pageVisitorsDeferred) {
      addPartsPages(into, site, part, t, lookup);
      continue;
    }
    for (const [page, set] of window.pageVisitors) {
      let target = into.get(page);
      if (!target) into.set(page, (target = new DistinctSet()));
      target.merge(set);
    }
  }
}
