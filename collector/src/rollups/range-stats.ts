import type { SessionSnapshot, StreamEvent } from '../sessions/types.js';
import { aggregateOf, emptyAggregate, mergeInto, type Aggregate } from './aggregate.js';
import type { TimeRange } from './cover-range.js';
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

/** Reads of the cover before its edges stop being loaded again (it settles at the first or second read). */
const MAX_COVER_READS = 3;

/** The `GET /api/stats` body parts (totals, breakdowns, vitals, series) for [from, to). */
export async function rangeStats(
  rollups: Rollups, site: string, from: number, to: number, loadEdge: EdgeLoader, options: RangeStatsOptions,
): Promise<StatsBody & { series: { t: string; pageviews: number; visitors: number }[] }> {
  // The raw edges first, then the windows in one synchronous piece: toStats reads the recent windows'
  // page sets itself (`view` merges only their counts), so both must be of one instant. Read again
  // when the cover moved while the edges loaded (an event in an edge minute decides whether the
  // whole minute may be used: `exactRange`); a minute's event times only widen, so it settles.
  let edges = rollups.edgesOf(site, from, to);
  let raw = await loadEdges(site, edges, loadEdge);
  let view = await readView(rollups, site, from, to);
  for (let reads = 1; !sameRanges(view.edges, edges); reads++) {
    edges = view.edges;
    raw = await loadEdges(site, edges, loadEdge);
    // Still moving: this view, its edges loaded after it (its recent page sets may hold a few events more).
    if (reads === MAX_COVER_READS) break;
    view = await readView(rollups, site, from, to);
  }
  const { parts, extra, pageParts, completePage } = view;
  mergeInto(extra, raw);
  const [base = extra, ...rest] = parts;
  const body = toStats(base, options.limit, base === extra ? [] : [...rest, extra], pageParts, completePage);
  const series = [];
  for (const bucket of seriesBuckets(from, to, options.interval, options.tz)) {
    const counts = await rangeCounts(rollups, site, bucket.from, bucket.to, loadEdge);
    series.push({ t: new Date(bucket.t).toISOString(), ...counts });
  }
  return { ...body, series };
}

/** `Rollups.view` once the page sets of its deferred windows are built (in the background, not by the view in one piece). */
async function readView(rollups: Rollups, site: string, from: number, to: number): Promise<ReturnType<Rollups['view']>> {
  await rollups.pagesReady(site, from, to);
  return rollups.view(site, from, to);
}

async function loadEdges(site: string, edges: TimeRange[], loadEdge: EdgeLoader): Promise<Aggregate> {
  const raw = emptyAggregate();
  for (const edge of edges) {
    const material = await loadEdge(site, edge.from, edge.to);
    mergeInto(raw, aggregateOf(material.events, material.sessions));
  }
  return raw;
}

function sameRanges(a: TimeRange[], b: TimeRange[]): boolean {
  return a.length === b.length && a.every((range, i) => range.from === b[i]!.from && range.to === b[i]!.to);
}
