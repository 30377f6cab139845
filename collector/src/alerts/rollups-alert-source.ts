import type { Aggregate } from '../rollups/aggregate.js';
import type { AlertSource } from './evaluate-rules.js';

/** The one rollups method alerts use (`Rollups.query`). */
export interface WindowQuery {
  query(site: string, from: number, to: number): { aggregate: Aggregate; edges: unknown[] };
}

/** Counts for alert rules from the rollup windows; null when a range is not wholly covered by usable windows. */
export function rollupsAlertSource(rollups: WindowQuery): AlertSource {
  return {
    count(site, type, name, from, to) {
      const { aggregate: agg, edges } = rollups.query(site, from, to);
      if (edges.length > 0) return null;
      if (type === 'pageview') return agg.pageviews;
      if (type === 'error') return name === null ? agg.errors : agg.errorMessages.get(name) ?? 0;
      return name === null ? agg.events : agg.customEvents.get(name) ?? 0;
    },
  };
}
