import type { Aggregate } from './aggregate.js';
import { DistinctSet } from './distinct-set.js';

/**
 * Packs a settled window's distinct sets (visitors, and visitors per page) into one sorted array
 * (DistinctSet.pack): at 10M events a month, the hour windows alone held ~150k small hash tables.
 */
export function packWindow(window: Aggregate): void {
  DistinctSet.pack([window.visitors, ...window.pageVisitors.values()]);
}
