import { aggregateOf, mergeInto, toStats, type Rollups } from '../../../collector/src/rollups/index.js';
import type { SessionSnapshot, StreamEvent } from '../../../collector/src/sessions/index.js';

/** What GET /api/stats does: whole windows from the rollups, raw events and sessions for the edges. */
export function statsViaRollups(rollups: Rollups, site: string, events: StreamEvent[], sessions: SessionSnapshot[], from: number, to: number) {
  const q = rollups.query(site, from, to);
  for (const edge of q.edges) {
    const inEdge = (t: number) => t >= edge.from && t < edge.to;
    mergeInto(q.aggregate, aggregateOf(events.filter((e) => e.site === site && inEdge(e.ts)), sessions.filter((s) => s.site === site && inEdge(s.start))));
  }
  return toStats(q.aggregate, 1000);
}

/** The definition: everything computed from the raw events of the range. */
export function statsDirect(site: string, events: StreamEvent[], sessions: SessionSnapshot[], from: number, to: number) {
  const inRange = (t: number) => t >= from && t < to;
  return toStats(aggregateOf(events.filter((e) => e.site === site && inRange(e.ts)), sessions.filter((s) => s.site === site && inRange(s.start))), 1000);
}

/** The cached path of GET /api/stats: `view` (settled merge + recent windows) plus raw edges, combined by toStats. */
export function statsViaView(rollups: Rollups, site: string, events: StreamEvent[], sessions: SessionSnapshot[], from: number, to: number) {
  const { parts, extra, pageParts, edges, completePage } = rollups.view(site, from, to);
  for (const edge of edges) {
    const inEdge = (t: number) => t >= edge.from && t < edge.to;
    mergeInto(extra, aggregateOf(events.filter((e) => e.site === site && inEdge(e.ts)), sessions.filter((s) => s.site === site && inEdge(s.start))));
  }
  const [base = extra, ...rest] = parts;
  return toStats(base, 1000, base === extra ? [] : [...rest, extra], pageParts, completePage);
}
