import type { Aggregate } from './aggregate.js';

/** Estimated bytes of one Map entry keyed by a string already held elsewhere (V8, 64 bits). */
const MAP_ENTRY_BYTES = 40;

/**
 * Bytes of an aggregate's distinct sets (visitors, visitors per page): the rollups' largest part.
 * Packed arrays shared by a window's sets are counted once per `counted`.
 */
export function aggregateSetBytes(agg: Aggregate, counted: Set<Uint32Array>): number {
  let bytes = agg.visitors.byteLength(counted);
  for (const set of agg.pageVisitors.values()) bytes += MAP_ENTRY_BYTES + set.byteLength(counted);
  return bytes;
}

/**
 * Window -> its set bytes at a version, page count and packed state (a build adds page sets, and a
 * pack shrinks them, without a version bump; the visitors set is packed last, so it marks a packed window).
 */
const measured = new WeakMap<Aggregate, { version: number; pages: number; packed: boolean; bytes: number }>();

/**
 * `aggregateSetBytes` of a window, remembered until it changes: a scrape walks every window (62 days
 * of hours hold ~1.5M page sets at 1,000 pages), but only the recent ones change between scrapes.
 * A window's packed sets share one array of its own, so it is counted per window.
 */
export function windowSetBytes(window: Aggregate): number {
  const hit = measured.get(window);
  const packed = window.visitors.isPacked;
  if (hit && hit.version === window.version && hit.pages === window.pageVisitors.size && hit.packed === packed) return hit.bytes;
  const bytes = aggregateSetBytes(window, new Set());
  measured.set(window, { version: window.version, pages: window.pageVisitors.size, packed, bytes });
  return bytes;
}

/** Memory of the rollups by part, for `/metrics` (`wisp_memory_bytes{part}`). */
export interface RollupMemory {
  /** Distinct sets of the minute, hour and day windows. */
  minuteSets: number;
  hourSets: number;
  daySets: number;
  /** Distinct sets of the cached settled merges and visitor unions (RollupViews). */
  mergeSets: number;
}
