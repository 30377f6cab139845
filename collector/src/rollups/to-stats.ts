import { bump, type Aggregate, type COUNT_KEYS, type Counts } from './aggregate.js';
import { DistinctSet } from './distinct-set.js';
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
 * The contract's `GET /api/stats` fields (plus extensions) from a merged aggregate, plus optional
 * `extra` parts (other cached merges, recent windows, raw edges) combined on the fly so no part is
 * written (parts may be cached merges). Put the largest part first: distinct counts walk the
 * others. Lists are sorted by count (then key) and cut at `limit`. Entry/exit rows count sessions,
 * error rows events. `pageParts`: more parts read for their page visitor sets only (their counts are
 * in `extra` already): the sets of the listed pages are united per page. `completePage`: called with
 * each listed page before its sets are read (a cached merge completing its own set of that page).
 */
export function toStats(
  agg: Aggregate, limit = 20, extra: Aggregate | Aggregate[] = [], pageParts: Aggregate[] = [], completePage?: (page: string) => void,
): StatsBody {
  const extras = Array.isArray(extra) ? extra : [extra];
  const sum = (pick: (a: Aggregate) => number) => extras.reduce((n, part) => n + pick(part), pick(agg));
  const counts = (key: CountKey): Counts => {
    const more = extras.filter((part) => part[key].size > 0);
    if (more.length === 0) return agg[key];
    const combined = new Map(agg[key]);
    for (const part of more) for (const [k, n] of part[key]) bump(combined, k, n);
    return combined;
  };
  const top = (c: Counts) => [...c].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  const byPageviews = (key: CountKey) => top(counts(key)).map(([k, pageviews]) => ({ key: k, pageviews }));
  const byCount = (key: CountKey) => top(counts(key)).map(([k, count]) => ({ key: k, count }));
  const pageVisitors = (page: string) => {
    completePage?.(page);
    return unionSize([...[agg, ...extras].map((part) => part.pageVisitors.get(page)), pageUnion(pageParts, page)]);
  };
  const props = new Map<string, Counts>();
  for (const [k, n] of counts('eventProps')) {
    const [name, prop, value] = k.split('\u0000') as [string, string, string];
    let c = props.get(name);
    if (!c) props.set(name, (c = new Map()));
    c.set(`${prop}\u0000${value}`, n);
  }
  const sessions = sum((a) => a.sessions);
  const bounces = sum((a) => a.bounces);
  const durationMs = sum((a) => a.durationMs);
  return {
    totals: {
      pageviews: sum((a) => a.pageviews),
      visitors: unionSize([agg.visitors, ...extras.map((part) => part.visitors)]),
      sessions,
      events: sum((a) => a.events),
      bounceRate: sessions > 0 ? bounces / sessions : 0,
      avgSessionSeconds: sessions > 0 ? durationMs / sessions / 1000 : 0,
      errors: sum((a) => a.errors),
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
    vitals: vitalRows([agg, ...extras]),
    errors: byCount('errorMessages'),
  };
}

type CountKey = (typeof COUNT_KEYS)[number];

/** The visitors of `page` in `parts`: the one set holding it, or a union built for this page alone. */
function pageUnion(parts: Aggregate[], page: string): DistinctSet | undefined {
  const sets = parts.map((part) => part.pageVisitors.get(page)).filter((set): set is DistinctSet => set !== undefined && set.size > 0);
  if (sets.length <= 1) return sets[0];
  const union = new DistinctSet();
  for (const set of sets) union.merge(set);
  return union;
}

/** |union of the sets| without building it: the first set's size plus each later set's members found in no earlier one. */
function unionSize(sets: (DistinctSet | undefined)[]): number {
  const present = sets.filter((set): set is DistinctSet => set !== undefined && set.size > 0);
  const [first, ...rest] = present;
  if (!first) return 0;
  let size = first.size;
  rest.forEach((set, i) => {
    const earlier = present.slice(0, i + 1);
    set.forEach((fp) => {
      if (!earlier.some((e) => e.has(fp))) size++;
    });
  });
  return size;
}

function vitalRows(parts: Aggregate[]): StatsBody['vitals'] {
  const names = [...new Set(parts.flatMap((part) => [...part.vitals.keys()]))].sort();
  return names.map((key) => {
    const sketches = parts.map((part) => part.vitals.get(key)).filter((s): s is QuantileSketch => s !== undefined);
    let sketch = sketches[0]!;
    if (sketches.length > 1) {
      sketch = new QuantileSketch(sketch.relativeAccuracy);
      for (const part of sketches) sketch.merge(part);
    }
    return { key, p75: sketch.quantile(0.75), p90: sketch.quantile(0.9), count: sketch.count };
  });
}
