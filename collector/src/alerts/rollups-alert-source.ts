import type { Aggregate } from '../rollups/aggregate.js';
import type { AlertSource } from './evaluate-rules.js';

/** The one rollups method alerts use (`Rollups.windowsWithRefs`, without page sets). */
export interface WindowQuery {
  windowsWithRefs(site: string, from: number, to: number, pages: false): { cover: { edges: unknown[] }; windows: Aggregate[] };
}

/**
 * Counts for alert rules from the rollup windows; null when a range is not wholly covered by usable
 * windows. Summed window by window: a rule on the current hour or day read it every 30 s, and a merge
 * (`Rollups.query`) built its deferred page sets at once and copied them (10M pairs an hour at high traffic).
 */
export function rollupsAlertSource(rollups: WindowQuery): AlertSource {
  return {
    count(site, type, name, from, to) {
      const { cover, windows } = rollups.windowsWithRefs(site, from, to, false);
      if (cover.edges.length > 0) return null;
      let n = 0;
      for (const agg of windows) {
        if (type === 'pageview') n += agg.pageviews;
        else if (type === 'error') n += name === null ? agg.errors : agg.errorMessages.get(name) ?? 0;
        else n += name === null ? agg.events : agg.customEvents.get(name) ?? 0;
      }
      return n;
    },
  };
}
