import type { StatsFilter } from './stats-filters.js';

/** A validated `GET /api/stats` query; `from` inclusive, `to` exclusive, epoch ms. */
export interface StatsQuery {
  site: string;
  from: number;
  to: number;
  /** Series bucket width, ms (chosen from the range by the route, or `interval=`). */
  bucketMs: number;
  /** Series granularity (`interval=`, default chosen by range) and IANA zone of its boundaries (`tz=`, default UTC). */
  interval?: 'minute' | 'hour' | 'day';
  tz?: string;
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

/** `visitors` (distinct) on pages only; entry/exit rows: `pageviews` counts sessions. */
export interface BreakdownRow {
  key: string;
  pageviews: number;
  visitors?: number;
}

export interface CountRow {
  key: string;
  count: number;
  /** Custom events: counts per (prop, value). */
  props?: { key: string; value: string; count: number }[];
}

/** Quantiles from the rollups' mergeable sketch (1% relative accuracy) on both paths. */
export interface VitalRow {
  key: string;
  p75: number;
  p90?: number;
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
