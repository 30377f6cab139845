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
  await rollups.pagesReady(site, from, to);
  const { aggregate, edges } = rollups.query(site, from, to);
  for (const edge of edges) {
    const raw = await loadEdge(site, edge.from, edge.to);
    mergeInto(aggregate, aggregateOf(raw.events, raw.sessions));
  }
  return aggregate;
}

/** Pageviews and distinct visitors of [from, to) (series points): no breakdowns merged. */
export async function rangeCounts(rollups: Rollups, site: string, from: number, to: number, loadEdge: EdgeLoader): Promise<{ pageviews: number; visitors: number }> {
  const view = rollups.visitorView(site, from, to);
  let pageviews = view.pageviews;
  for (const edge of view.edges) {
    const raw = await loadEdge(site, edge.from, edge.to);
    for (const event of raw.events) {
      view.extra.add(event.visitor);
      if (event.type === 'pageview') pageviews++;
    }
  }
  return { pageviews, visitors: view.base.unionSize(view.extra) };
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
  // Page sets of deferred windows built in the background first (not in one piece by `view`).
  await rollups.pagesReady(site, from, to);
  const { parts, extra, edges } = rollups.view(site, from, to);
  for (const edge of edges) {
    const raw = await loadEdge(site, edge.from, edge.to);
    mergeInto(extra, aggregateOf(raw.events, raw.sessions));
  }
  const [base = extra, ...rest] = parts;
  const body = toStats(base, options.limit, base === extra ? [] : [...rest, extra]);
  const series = [];
  for (const bucket of seriesBuckets(from, to, options.interval, options.tz)) {
    const counts = await rangeCounts(rollups, site, bucket.from, bucket.to, loadEdge);
    series.push({ t: new Date(bucket.t).toISOString(), ...counts });
  }
  return { ...body, series };
}
