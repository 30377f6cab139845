import type { StatsFilter } from './stats-filters.js';

/** A validated `GET /api/stats` query; `from` inclusive, `to` exclusive, epoch ms. */
export interface StatsQuery {
  site: string;
  from: number;
  to: number;
  /** Series bucket width, ms (chosen from the range by the route). */
  bucketMs: number;
  /** `filters=`: every number of the answer is computed over the events they keep (default none). */
  filters?: StatsFilter[];
}

export interface Totals {
  pageviews: number;
  visitors: number;
  sessions: number;
  events: number;
  bounceRate: number;
  avgSessionSeconds: number;
}

export interface BreakdownRow {
  key: string;
  pageviews: number;
  visitors: number;
}

export interface CountRow {
  key: string;
  count: number;
  visitors: number;
}

export interface VitalRow {
  key: string;
  p75: number;
  count: number;
}

export interface SeriesPoint {
  t: string;
  pageviews: number;
  visitors: number;
}

/** The contract's `GET /api/stats` body, plus entry/exit pages, UTM breakdowns and errors. */
export interface Stats {
  site: string;
  from: string;
  to: string;
  totals: Totals;
  pages: BreakdownRow[];
  entryPages: BreakdownRow[];
  exitPages: BreakdownRow[];
  referrers: BreakdownRow[];
  utmSources: BreakdownRow[];
  utmMediums: BreakdownRow[];
  utmCampaigns: BreakdownRow[];
  countries: BreakdownRow[];
  browsers: BreakdownRow[];
  os: BreakdownRow[];
  devices: BreakdownRow[];
  events: CountRow[];
  errors: CountRow[];
  vitals: VitalRow[];
  series: SeriesPoint[];
}
