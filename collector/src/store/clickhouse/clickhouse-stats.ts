import type { BreakdownRow, CountRow, SeriesPoint, Stats, StatsQuery } from '../../stats/stats-types.js';
import { chooseInterval, seriesBuckets } from '../../rollups/series-buckets.js';
import { filterConditions } from '../../stats/stats-filters.js';
import { SESSION_GAP_MS, vitalRows, withProps } from '../duckdb-stats.js';
import { integerLiteral, stringLiteral } from './sql-literal.js';

/** Runs a SELECT and returns its rows (UInt64 columns arrive as decimal strings). */
export type SelectRows = (sql: string) => Promise<Record<string, unknown>[]>;

const TOP = 100;
const BREAKDOWNS = ['path', 'source', 'utm_source', 'utm_medium', 'utm_campaign', 'country', 'browser', 'os', 'device'] as const;

/**
 * `GET /api/stats` over the ClickHouse `events` table, with the embedded store's definitions
 * (duckdb-stats.ts) in the SQL that 18.16 understands: no window functions, so sessions are cut with
 * arrays (each visitor's events sorted by time, a running sum of "gap > 30 min" flags numbers them).
 * Every read goes through FINAL so rows repeated by a retried insert are counted once.
 */
export async function queryClickHouseStats(select: SelectRows, database: string, query: StatsQuery): Promise<Stats> {
  const table = `FROM ${database}.events FINAL`;
  const rangeWhere = `site = ${stringLiteral(query.site)}
    AND day BETWEEN ${dayLiteral(query.from)} AND ${dayLiteral(query.to)}
    AND ts >= ${integerLiteral(query.from)} AND ts < ${integerLiteral(query.to)}`;
  // filters= as the embedded store applies them, values as quoted literals.
  const conditions = filterConditions(query.filters ?? [], stringLiteral, rangeWhere, `${database}.events FINAL`);
  const inRange = `WHERE ${rangeWhere}${conditions.map((condition) => ` AND ${condition}`).join('')}`;
  const range = `${table} ${inRange}`;
  const sessions = sessionsSql(range);
  const counts = (type: string) =>
    select(`SELECT name AS key, count() AS count ${range}
      AND type = '${type}' GROUP BY key ORDER BY count DESC, key LIMIT ${TOP}`).then(toCounts);
  const [eventTotals, sessionRows, breakdownRows, events, errors, vitals, series] = await Promise.all([
    select(`SELECT countIf(type = 'pageview') AS pageviews, uniqExact(visitor) AS visitors,
      countIf(type = 'event') AS events ${range}`),
    // Sessions are the costly part: cut once per request; each visitor yields one "all sessions" row
    // (kind 0) plus its sessions' entry (1) and exit (2) pages, grouped with a top 100 per kind.
    select(`SELECT e.1 AS kind, e.2 AS key, count() AS with_key, uniqExact(visitor) AS visitors,
      sum(session_count) AS sessions, sum(bounce_count) AS bounces, sum(duration_ms) AS duration_ms
      FROM (${sessions})
      ARRAY JOIN arrayConcat([(0, '')], arrayMap(path -> (1, path), entry_paths), arrayMap(path -> (2, path), exit_paths)) AS e
      GROUP BY kind, key ORDER BY kind, with_key DESC, key LIMIT ${TOP} BY kind`),
    // All breakdowns in one scan: each pageview fans out to one (dimension, key) row per dimension.
    select(`SELECT d.1 AS dimension, d.2 AS key, count() AS pageviews, uniqExact(visitor) AS visitors ${table}
      ARRAY JOIN [${BREAKDOWNS.map((column, i) => `(${i}, ${column})`).join(', ')}] AS d
      ${inRange} AND type = 'pageview' AND key != ''
      GROUP BY dimension, key ORDER BY dimension, pageviews DESC, key LIMIT ${TOP} BY dimension`),
    // Custom events with their props (counted in JS, as the embedded store and the rollups).
    Promise.all([counts('event'), select(`SELECT name, props, count() AS n ${range} AND type = 'event' AND props != '{}' GROUP BY name, props`)])
      .then(([rows, props]) => withProps(rows, props.map((row) => ({ ...row, n: num(row.n) })))),
    counts('error'),
    // Vital quantiles from the rollups' sketch over the values (same numbers on every path).
    select(`SELECT name AS key, assumeNotNull(value) AS value ${range} AND type = 'vital' AND isNotNull(value) AND isFinite(assumeNotNull(value))`)
      .then((rows) => vitalRows(rows.map((row) => ({ key: String(row.key), value: num(row.value) })))),
    seriesOf(select, range, query),
  ]);
  const e = eventTotals[0] ?? {};
  const all = sessionRows.find((row) => num(row.kind) === 0) ?? {};
  const sessionCount = num(all.sessions);
  const breakdown = (column: (typeof BREAKDOWNS)[number]) =>
    toBreakdown(breakdownRows.filter((row) => num(row.dimension) === BREAKDOWNS.indexOf(column)), column === 'path');
  const sessionPages = (kind: number) =>
    sessionRows.filter((row) => num(row.kind) === kind).map((row) => ({ key: String(row.key), pageviews: num(row.with_key) }));
  return {
    site: query.site,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    totals: {
      pageviews: num(e.pageviews),
      visitors: num(e.visitors),
      sessions: sessionCount,
      events: num(e.events),
      bounceRate: sessionCount === 0 ? 0 : num(all.bounces) / sessionCount,
      avgSessionSeconds: sessionCount === 0 ? 0 : num(all.duration_ms) / sessionCount / 1000,
    },
    pages: breakdown('path'),
    entryPages: sessionPages(1),
    exitPages: sessionPages(2),
    referrers: breakdown('source'),
    utmSources: breakdown('utm_source'),
    utmMediums: breakdown('utm_medium'),
    utmCampaigns: breakdown('utm_campaign'),
    countries: breakdown('country'),
    browsers: breakdown('browser'),
    os: breakdown('os'),
    devices: breakdown('device'),
    events, errors, vitals, series,
  };
}

// One row per visitor with its sessions summarised in O(events) array operations, never a row per session
// (a GROUP BY visitor, session needed ~1 GB per million sessions). Lambdas only take aligned arrays as
// arguments: a lambda that captures another array and indexes it is quadratic in memory on ClickHouse.
// Events sorted by (ts, id_hash), as in the embedded store; a gap over the timeout starts a session; running
// sums of pageviews and custom events read at each session's last event give per-session counts (bounce =
// 1 pageview, no custom event); summed in-session gaps are the summed durations; among the pageviews, a
// change of session number marks an entry page and the pageview before it an exit page.
function sessionsSql(range: string): string {
  return `SELECT visitor,
      arraySort(groupArray((ts, id_hash, type = 'pageview', type = 'event', if(type = 'pageview', path, '')))) AS evs,
      arrayMap(x -> x.1, evs) AS times,
      arrayMap(x -> x.3, evs) AS is_pageview,
      arrayMap((gap, i) -> i = 1 OR gap > ${SESSION_GAP_MS}, arrayDifference(times), arrayEnumerate(times)) AS starts,
      arrayPushBack(arrayPopFront(starts), 1) AS is_end,
      arrayFilter((n, e) -> e, arrayCumSum(is_pageview), is_end) AS pageviews_at_end,
      arrayFilter((n, e) -> e, arrayCumSum(arrayMap(x -> x.4, evs)), is_end) AS events_at_end,
      arrayPopFront(arrayDifference(arrayPushFront(pageviews_at_end, 0))) AS session_pageviews,
      arrayPopFront(arrayDifference(arrayPushFront(events_at_end, 0))) AS session_events,
      length(pageviews_at_end) AS session_count,
      arrayCount((pv, ev) -> pv = 1 AND ev = 0, session_pageviews, session_events) AS bounce_count,
      arraySum(arrayMap((gap, start) -> start ? 0 : gap, arrayDifference(times), starts)) AS duration_ms,
      arrayFilter((n, p) -> p, arrayCumSum(starts), is_pageview) AS pageview_sessions,
      arrayFilter((x, p) -> p, arrayMap(x -> x.5, evs), is_pageview) AS pageview_paths,
      arrayMap((d, i) -> i = 1 OR d != 0, arrayDifference(pageview_sessions), arrayEnumerate(pageview_sessions)) AS entry_flags,
      arrayFilter((path, f) -> f, pageview_paths, entry_flags) AS entry_paths,
      arrayFilter((path, f) -> f, pageview_paths, arrayPushBack(arrayPopFront(entry_flags), 1)) AS exit_paths
    ${range} GROUP BY visitor`;
}

// Series at the buckets of seriesBuckets (interval, tz): each event finds its bucket in the constant
// array of bucket starts; visitors over all event types (as the totals and the rollups).
async function seriesOf(select: SelectRows, range: string, query: StatsQuery): Promise<SeriesPoint[]> {
  const buckets = seriesBuckets(query.from, query.to, query.interval ?? chooseInterval(query.from, query.to), query.tz);
  if (buckets.length === 0) return [];
  const starts = `[${buckets.map((bucket) => integerLiteral(bucket.t)).join(', ')}]`;
  const rows = await select(`SELECT arrayFirstIndex(b -> b > ts, ${starts}) AS next, countIf(type = 'pageview') AS pageviews,
    uniqExact(visitor) AS visitors ${range} GROUP BY next`);
  const byBucket = new Map(rows.map((row) => [num(row.next) === 0 ? buckets.length - 1 : num(row.next) - 2, row]));
  return buckets.map((bucket, i) => {
    const row = byBucket.get(i);
    return { t: new Date(bucket.t).toISOString(), pageviews: num(row?.pageviews), visitors: num(row?.visitors) };
  });
}

/** The UTC day of an epoch-ms time as a Date literal (the primary key's second column). */
function dayLiteral(ms: number): string {
  return `toDate(${stringLiteral(new Date(ms).toISOString().slice(0, 10))})`;
}

function num(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Distinct visitors per row on pages only (the definition shared with the rollups). */
function toBreakdown(rows: Record<string, unknown>[], withVisitors: boolean): BreakdownRow[] {
  return rows.map((row) =>
    withVisitors ? { key: String(row.key), pageviews: num(row.pageviews), visitors: num(row.visitors) } : { key: String(row.key), pageviews: num(row.pageviews) },
  );
}

function toCounts(rows: Record<string, unknown>[]): CountRow[] {
  return rows.map((row) => ({ key: String(row.key), count: num(row.count) }));
}
