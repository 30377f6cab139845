import type { Aggregate } from './aggregate.js';
import { windowSetBytes } from './rollup-memory.js';
import { HOUR_MS, MINUTE_MS, windowStart, type WindowSizeMs } from './window-sizes.js';

/**
 * Minute windows' distinct sets may hold this much before the oldest minutes leave early. Their
 * page visitor sets grow with traffic (~3 bytes a (page, visitor) pair even packed: ~4 MB a minute
 * at 50k events/s, so six hours of them would be ~1.4 GB). Ranges with an edge in a dropped minute
 * read that edge as raw events instead (the store, or SQL past the edge budget), as they do for
 * edges older than the minute retention. At 1k events/s the six hours fit (~65 MB).
 */
export const MINUTE_SETS_BUDGET_BYTES = 128 * 1024 * 1024;

/**
 * Minutes never dropped for the budget: the live feed's 30 minutes and the recent edges of "last
 * hour" ranges. Minutes of an hour whose page sets are not built yet stay too (they are its parts).
 */
const MINUTES_ALWAYS_KEPT_MS = HOUR_MS;

/**
 * The new `minutesFrom`: past the oldest usable minutes (start >= `floor`, all sites) while their
 * sets are over `budgetBytes`, never into the last hour or into an hour whose page sets are still
 * deferred; undefined when nothing has to go. Called once a prune (a minute); window sizes are cached
 * until they change (windowSetBytes).
 */
export function minutesFromForBudget(
  sites: Iterable<Map<WindowSizeMs, Map<number, Aggregate>>>, floor: number, now: number, budgetBytes: number,
): number | undefined {
  let keepFrom = windowStart(now - MINUTES_ALWAYS_KEPT_MS, MINUTE_MS);
  const bytesByStart = new Map<number, number>();
  let total = 0;
  for (const bySize of sites) {
    for (const [start, hour] of bySize.get(HOUR_MS) ?? []) if (hour.pageVisitorsDeferred) keepFrom = Math.min(keepFrom, start);
    for (const [start, minute] of bySize.get(MINUTE_MS) ?? []) {
      if (start < floor) continue;
      const bytes = windowSetBytes(minute);
      total += bytes;
      bytesByStart.set(start, (bytesByStart.get(start) ?? 0) + bytes);
    }
  }
  let minutesFrom: number | undefined;
  for (const start of [...bytesByStart.keys()].sort((a, b) => a - b)) {
    if (total <= budgetBytes || start >= keepFrom) break;
    total -= bytesByStart.get(start)!;
    minutesFrom = start + MINUTE_MS;
  }
  return minutesFrom;
}
