import type { Aggregate, Counts } from './aggregate.js';

export interface StatsRow {
  key: string;
  pageviews?: number;
  visitors?: number;
  count?: number;
}

export interface StatsBody {
  totals: { pageviews: number; visitors: number; sessions: number; events: number; bounceRate: number; avgSessionSeconds: number; errors: number };
  pages: StatsRow[];
  entryPages: StatsRow[];
  exitPages: StatsRow[];
  referrers: StatsRow[];
  utmSources: StatsRow[];
  utmMediums: StatsRow[];
  utmCampaigns: StatsRow[];
  countries: StatsRow[];
  browsers: StatsRow[];
  os: StatsRow[];
  devices: StatsRow[];
  events: { key: string; count: number; props: { key: string; value: string; count: number }[] }[];
  vitals: { key: string; p75: number; p90: number; count: number }[];
  errors: StatsRow[];
}

/**
 * The contract's `GET /api/stats` fields (plus extensions) from a merged aggregate; lists are sorted
 * by count (then key) and cut at `limit`. Entry/exit rows count sessions, error rows events.
 */
export function toStats(agg: Aggregate, limit = 20): StatsBody {
  const top = (counts: Counts) =>
    [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  const byPageviews = (counts: Counts) => top(counts).map(([key, pageviews]) => ({ key, pageviews }));
  const byCount = (counts: Counts) => top(counts).map(([key, count]) => ({ key, count }));
  const props = new Map<string, Counts>();
  for (const [k, n] of agg.eventProps) {
    const [name, prop, value] = k.split('\u0000') as [string, string, string];
    let counts = props.get(name);
    if (!counts) props.set(name, (counts = new Map()));
    counts.set(`${prop}\u0000${value}`, n);
  }
  return {
    totals: {
      pageviews: agg.pageviews, visitors: agg.visitors.size, sessions: agg.sessions, events: agg.events,
      bounceRate: agg.sessions > 0 ? agg.bounces / agg.sessions : 0,
      avgSessionSeconds: agg.sessions > 0 ? agg.durationMs / agg.sessions / 1000 : 0, errors: agg.errors,
    },
    pages: top(agg.pages).map(([key, pageviews]) => ({ key, pageviews, visitors: agg.pageVisitors.get(key)?.size ?? 0 })),
    entryPages: byCount(agg.entryPages),
    exitPages: byCount(agg.exitPages),
    referrers: byPageviews(agg.referrers),
    utmSources: byPageviews(agg.utmSources),
    utmMediums: byPageviews(agg.utmMediums),
    utmCampaigns: byPageviews(agg.utmCampaigns),
    countries: byPageviews(agg.countries),
    browsers: byPageviews(agg.browsers),
    os: byPageviews(agg.os),
    devices: byPageviews(agg.devices),
    events: top(agg.customEvents).map(([key, count]) => ({
      key, count,
      props: top(props.get(key) ?? new Map()).map(([pv, n]) => {
        const [prop, value] = pv.split('\u0000') as [string, string];
        return { key: prop, value, count: n };
      }),
    })),
    vitals: [...agg.vitals].sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([key, sketch]) => ({ key, p75: sketch.quantile(0.75), p90: sketch.quantile(0.9), count: sketch.count })),
    errors: byCount(agg.errorMessages),
  };
}
