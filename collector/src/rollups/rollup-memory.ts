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

/** Memory of the rollups by part, for `/metrics` (`wisp_memory_bytes{part}`). */
export interface RollupMemory {
  /** Distinct sets of the minute, hour and day windows. */
  minuteSets: number;
  hourSets: number;
  daySets: number;
  /** Distinct sets of the cached settled merges and visitor unions (RollupViews). */
  mergeSets: number;
}
