import type { StatsBody } from '../rollups/to-stats.js';
import type { BreakdownRow, CountRow, Stats, StatsQuery } from './stats-types.js';

type RollupBody = StatsBody & { series: Stats['series'] };

/**
 * The rollup path's body in the `/api/stats` shape of the SQL path. Rollups keep distinct visitors
 * for the totals, the series and pages only, so other breakdown rows carry `pageviews` (entry and
 * exit rows: sessions) without `visitors`; custom events keep their props.
 */
export function rollupStatsBody(query: StatsQuery, body: RollupBody): Stats {
  const rows = (list: StatsBody['pages']): BreakdownRow[] =>
    list.map((row) => (row.visitors === undefined ? { key: row.key, pageviews: row.pageviews ?? row.count ?? 0 } : { key: row.key, pageviews: row.pageviews ?? 0, visitors: row.visitors })) as BreakdownRow[];
  const counts = (list: { key: string; count?: number }[]): CountRow[] => list.map((row) => ({ ...row, count: row.count ?? 0 })) as CountRow[];
  const { errors: _errors, ...totals } = body.totals;
  return {
    site: query.site,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    totals,
    pages: rows(body.pages),
    entryPages: rows(body.entryPages),
    exitPages: rows(body.exitPages),
    referrers: rows(body.referrers),
    utmSources: rows(body.utmSources),
    utmMediums: rows(body.utmMediums),
    utmCampaigns: rows(body.utmCampaigns),
    countries: rows(body.countries),
    browsers: rows(body.browsers),
    os: rows(body.os),
    devices: rows(body.devices),
    events: counts(body.events),
    errors: counts(body.errors),
    vitals: body.vitals,
    series: body.series,
  } as Stats;
}
