import type { StreamPipeline } from './stream-pipeline.js';

/** Estimated bytes of a RecentEvents event object with its strings (see RecentEventsOptions). */
const RECENT_EVENT_BYTES = 600;

/**
 * The stream stages' memory by part for `wisp_memory_bytes{part}`: exact for typed arrays, estimated
 * per entry for Maps and event objects. Walks every rollup window, so it is meant for scrapes.
 */
export function streamMemoryParts(pipeline: StreamPipeline): Record<string, number> {
  const sessions = pipeline.sessionizer.memory();
  const rollups = pipeline.rollups.memory();
  return {
    sessionizer: sessions.sessions,
    seen_ids: sessions.seenIds,
    rollup_sets_minute: rollups.minuteSets,
    rollup_sets_hour: rollups.hourSets,
    rollup_sets_day: rollups.daySets,
    rollup_merges: rollups.mergeSets,
    recent_events: pipeline.recentEvents.size * RECENT_EVENT_BYTES,
  };
}
