import type { SessionSnapshot, StreamEvent } from '../sessions/types.js';
import { aggregateOf, mergeInto, type Aggregate } from './aggregate.js';
import type { Rollups } from './rollups.js';
import { seriesBuckets, type SeriesInterval } from './series-buckets.js';
import { toStats, type StatsBody } from './to-stats.js';

/**
 * Raw data of one edge [from, to) of a site: its events (ts in the edge) and the sessions whose
 * start is in the edge (e.g. `sessionsFromEvents(all events of the visitors seen in
 * [from - 30 min, to)).filter(s => s.start >= from && s.start < to)`).
 */
export type EdgeLoader = (site: string, from: number, to: number) => Promise<{ events: StreamEvent[]; sessions: SessionSnapshot[] }>;

/** Exact aggregate of [from, to): whole rollup windows plus raw edges. */
export async function rangeAggregate(rollups: Rollups, site: string, from: number, to: number, loadEdge: EdgeLoader): Promise<Aggregate> {
  const { aggregate, edges } = rollups.query(site, from, to);
  for (const edge of edges) {
    const raw = await loadEdge(site, edge.from, edge.to);
    mergeInto(aggregate, aggregateOf(raw.events, raw.sessions));
  }
  return aggregate;
}

export interface RangeStatsOptions {
  interval: SeriesInterval;
  /** IANA zone for hour/day bucket boundaries. Default UTC. */
  tz?: string;
  /** Rows per breakdown. Default 20. */
  limit?: number;
}

/** The `GET /api/stats` body parts (totals, breakdowns, vitals, series) for [from, to). */
export async function rangeStats(
  rollups: Rollups, site: string, from: number, to: number, loadEdge: EdgeLoader, options: RangeStatsOptions,
): Promise<StatsBody & { series: { t: string; pageviews: number; visitors: number }[] }> {
  const body = toStats(await rangeAggregate(rollups, site, from, to, loadEdge), options.limit);
  const series = [];
  for (const bucket of seriesBuckets(from, to, options.interval, options.tz)) {
    const agg = await rangeAggregate(rollups, site, bucket.from, bucket.to, loadEdge);
    series.push({ t: new Date(bucket.t).toISOString(), pageviews: agg.pageviews, visitors: agg.visitors.size });
  }
  return { ...body, series };
}
