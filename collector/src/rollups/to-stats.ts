import { bump, type Aggregate, type Counts } from './aggregate.js';
import { QuantileSketch } from './quantile-sketch.js';

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
 * The contract's `GET /api/stats` fields (plus extensions) from a merged aggregate, plus an optional
 * `extra` part (recent windows, raw edges) combined on the fly so `agg` (maybe a cached merge) is
 * only read. Lists are sorted by count (then key) and cut at `limit`. Entry/exit rows count
 * sessions, error rows events.
 */
export function toStats(agg: Aggregate, limit = 20, extra?: Aggregate): StatsBody {
  const counts = (key: CountKey): Counts => {
    if (!extra || extra[key].size === 0) return agg[key];
    const combined = new Map(agg[key]);
    for (const [k, n] of extra[key]) bump(combined, k, n);
    return combined;
  };
  const top = (c: Counts) => [...c].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  const byPageviews = (key: CountKey) => top(counts(key)).map(([k, pageviews]) => ({ key: k, pageviews }));
  const byCount = (key: CountKey) => top(counts(key)).map(([k, count]) => ({ key: k, count }));
  const pageVisitors = (page: string) => {
    const base = agg.pageVisitors.get(page);
    const more = extra?.pageVisitors.get(page);
    if (base && more) return base.unionSize(more);
    return (base ?? more)?.size ?? 0;
  };
  const props = new Map<string, Counts>();
  for (const [k, n] of counts('eventProps')) {
    const [name, prop, value] = k.split('\u0000') as [string, string, string];
    let c = props.get(name);
    if (!c) props.set(name, (c = new Map()));
    c.set(`${prop}\u0000${value}`, n);
  }
  const sessions = agg.sessions + (extra?.sessions ?? 0);
  const bounces = agg.bounces + (extra?.bounces ?? 0);
  const durationMs = agg.durationMs + (extra?.durationMs ?? 0);
  return {
    totals: {
      pageviews: agg.pageviews + (extra?.pageviews ?? 0),
      visitors: extra ? agg.visitors.unionSize(extra.visitors) : agg.visitors.size,
      sessions,
      events: agg.events + (extra?.events ?? 0),
      bounceRate: sessions > 0 ? bounces / sessions : 0,
      avgSessionSeconds: sessions > 0 ? durationMs / sessions / 1000 : 0,
      errors: agg.errors + (extra?.errors ?? 0),
    },
    pages: top(counts('pages')).map(([key, pageviews]) => ({ key, pageviews, visitors: pageVisitors(key) })),
    entryPages: byCount('entryPages'),
    exitPages: byCount('exitPages'),
    referrers: byPageviews('referrers'),
    utmSources: byPageviews('utmSources'),
    utmMediums: byPageviews('utmMediums'),
    utmCampaigns: byPageviews('utmCampaigns'),
    countries: byPageviews('countries'),
    browsers: byPageviews('browsers'),
    os: byPageviews('os'),
    devices: byPageviews('devices'),
    events: top(counts('customEvents')).map(([key, count]) => ({
      key, count,
      props: top(props.get(key) ?? new Map()).map(([pv, n]) => {
        const [prop, value] = pv.split('\u0000') as [string, string];
        return { key: prop, value, count: n };
      }),
    })),
    vitals: vitalRows(agg, extra),
    errors: byCount('errorMessages'),
  };
}

type CountKey = { [K in keyof Aggregate]: Aggregate[K] extends Counts ? K : never }[keyof Aggregate];

function vitalRows(agg: Aggregate, extra?: Aggregate): StatsBody['vitals'] {
  const names = [...new Set([...agg.vitals.keys(), ...(extra?.vitals.keys() ?? [])])].sort();
  return names.map((key) => {
    const base = agg.vitals.get(key);
    const more = extra?.vitals.get(key);
    let sketch = base ?? more!;
    if (base && more) {
      sketch = new QuantileSketch(base.relativeAccuracy);
      sketch.merge(base);
      sketch.merge(more);
    }
    return { key, p75: sketch.quantile(0.75), p90: sketch.quantile(0.9), count: sketch.count };
  });
}
