/**
 * What the dashboard reads from the collector. Contract fields are required; the optional ones are
 * extensions the dashboard shows when the collector provides them (docs/dashboard.md lists them).
 */
export interface Totals {
  pageviews: number;
  visitors: number;
  sessions: number;
  events: number;
  bounceRate: number;
  avgSessionSeconds: number;
}

export interface Row {
  key: string;
  pageviews?: number;
  visitors?: number;
  count?: number;
}

export interface EventRow extends Row {
  /** Optional: the most common property values of this event. */
  props?: { key: string; value: string; count: number }[];
}

export interface VitalRow {
  key: string;
  p75: number;
  count?: number;
}

export interface SeriesPoint {
  t: string;
  pageviews: number;
  visitors: number;
}

export interface Stats {
  site: string;
  from: string;
  to: string;
  totals: Totals;
  pages: Row[];
  referrers: Row[];
  countries: Row[];
  browsers: Row[];
  os: Row[];
  devices: Row[];
  events: EventRow[];
  vitals: VitalRow[];
  series: SeriesPoint[];
  entryPages?: Row[];
  exitPages?: Row[];
  utmSources?: Row[];
  utmMediums?: Row[];
  utmCampaigns?: Row[];
  errors?: Row[];
}

/** One `event: snapshot` message of `GET /api/live` (TEAM brief). */
export interface LiveSnapshot {
  site: string;
  now: string;
  current: number;
  minutes: { t: string; pageviews: number; visitors: number }[];
  topPages: { key: string; pageviews: number }[];
}
