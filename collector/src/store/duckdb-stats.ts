import type { DuckDBConnection } from '@duckdb/node-api';
import { filterConditions } from '../stats/stats-filters.js';
import type { BreakdownRow, CountRow, SeriesPoint, Stats, StatsQuery, Totals, VitalRow } from '../stats/stats-types.js';

/** Session gap of the contract: a visitor's events more than 30 minutes apart start a new session. */
export const SESSION_GAP_MS = 30 * 60 * 1000;
const TOP = 100;

// Events of the range; every query below starts from it ($1 site, $2 from, $3 to, then the filters'
// values: `rows` puts the filter conditions in place of the marker).
const RANGE_WHERE = 'site = $1 AND ts >= $2::BIGINT AND ts < $3::BIGINT';
const FILTERS = '/*filters*/';
const RANGE = `SELECT * FROM events WHERE ${RANGE_WHERE}${FILTERS}`;

// Sessions in event time: order each visitor's events by ts, start a session where the gap to the
// previous event exceeds the timeout, number them with a running sum, then aggregate per session.
const SESSIONS = `
  WITH r AS (${RANGE}),
  marked AS (
    SELECT visitor, id_hash, ts, type, path,
      CASE WHEN ts - lag(ts) OVER w > ${SESSION_GAP_MS} OR lag(ts) OVER w IS NULL THEN 1 ELSE 0 END AS starts
    FROM r WINDOW w AS (PARTITION BY visitor ORDER BY ts, id_hash)),
  numbered AS (
    SELECT *, sum(starts) OVER (PARTITION BY visitor ORDER BY ts, id_hash ROWS UNBOUNDED PRECEDING) AS session_no FROM marked)
  SELECT visitor, session_no, min(ts) AS first_ts, max(ts) AS last_ts,
    count(*) FILTER (WHERE type = 'pageview') AS pageviews,
    count(*) FILTER (WHERE type = 'event') AS custom_events,
    arg_min(path, ts) FILTER (WHERE type = 'pageview') AS entry_path,
    arg_max(path, ts) FILTER (WHERE type = 'pageview') AS exit_path
  FROM numbered GROUP BY visitor, session_no`;

async function rows(connection: DuckDBConnection, sql: string, query: StatsQuery): Promise<Record<string, unknown>[]> {
  const params: (string | bigint)[] = [query.site, BigInt(query.from), BigInt(query.to)];
  const conditions = filterConditions(query.filters ?? [], (value) => `$${params.push(value)}`, RANGE_WHERE);
  const filtered = sql.replaceAll(FILTERS, conditions.map((condition) => ` AND ${condition}`).join(''));
  const reader = await connection.runAndReadAll(filtered, params);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

function breakdown(column: string, where = `type = 'pageview'`): string {
  return `WITH r AS (${RANGE})
    SELECT ${column} AS key, count(*)::DOUBLE AS pageviews, count(DISTINCT visitor)::DOUBLE AS visitors
    FROM r WHERE ${where} AND ${column} <> '' GROUP BY ALL ORDER BY pageviews DESC, key LIMIT ${TOP}`;
}

function counts(type: string): string {
  return `WITH r AS (${RANGE})
    SELECT name AS key, count(*)::DOUBLE AS count, count(DISTINCT visitor)::DOUBLE AS visitors
    FROM r WHERE type = '${type}' GROUP BY ALL ORDER BY count DESC, key LIMIT ${TOP}`;
}

// Sessions are computed once per stats call: totals, entry pages and exit pages come out of one
// query over the materialized sessions, as rows tagged by `kind`, ORDER/LIMIT applied per part.
function sessionPages(kind: 'entry' | 'exit'): string {
  const column = `${kind}_path`;
  return `SELECT * FROM (SELECT '${kind}' AS kind, ${column} AS key, count(*)::DOUBLE AS a, count(DISTINCT visitor)::DOUBLE AS b, NULL::DOUBLE AS c
    FROM s WHERE ${column} IS NOT NULL GROUP BY ALL ORDER BY a DESC, key LIMIT ${TOP})`;
}

const SESSION_SUMMARY = `
  WITH s AS MATERIALIZED (${SESSIONS})
  SELECT 'totals' AS kind, NULL AS key, count(*)::DOUBLE AS a,
    coalesce(avg(CASE WHEN pageviews = 1 AND custom_events = 0 THEN 1 ELSE 0 END), 0)::DOUBLE AS b,
    coalesce(avg(last_ts - first_ts) / 1000, 0)::DOUBLE AS c
  FROM s
  UNION ALL ${sessionPages('entry')}
  UNION ALL ${sessionPages('exit')}`;

const TOTALS = `
  WITH r AS (${RANGE})
  SELECT count(*) FILTER (WHERE type = 'pageview')::DOUBLE AS pageviews,
    count(DISTINCT visitor)::DOUBLE AS visitors,
    count(*) FILTER (WHERE type = 'event')::DOUBLE AS events
  FROM r`;

const VITALS = `WITH r AS (${RANGE})
  SELECT name AS key, quantile_cont(value, 0.75)::DOUBLE AS p75, count(*)::DOUBLE AS count
  FROM r WHERE type = 'vital' AND value IS NOT NULL GROUP BY ALL ORDER BY key`;

function series(bucketMs: number): string {
  return `WITH r AS (${RANGE}),
  buckets AS (SELECT unnest(range($2::BIGINT // ${bucketMs} * ${bucketMs}, $3::BIGINT, ${bucketMs})) AS t),
  counted AS (
    SELECT ts // ${bucketMs} * ${bucketMs} AS t, count(*) FILTER (WHERE type = 'pageview') AS pageviews,
      count(DISTINCT visitor) FILTER (WHERE type = 'pageview') AS visitors
    FROM r GROUP BY ALL)
  SELECT b.t::DOUBLE AS t, coalesce(c.pageviews, 0)::DOUBLE AS pageviews, coalesce(c.visitors, 0)::DOUBLE AS visitors
  FROM buckets b LEFT JOIN counted c USING (t) ORDER BY b.t`;
}

/** Answers `GET /api/stats` with SQL over the events table (sessions via window functions). */
export async function queryStats(connection: DuckDBConnection, query: StatsQuery): Promise<Stats> {
  const t = (await rows(connection, TOTALS, query))[0]!;
  const summary = await rows(connection, SESSION_SUMMARY, query);
  const sessions = summary.find((row) => row.kind === 'totals')!;
  const pagesOf = (kind: string): BreakdownRow[] =>
    summary
      .filter((row) => row.kind === kind)
      .map((row) => ({ key: row.key as string, pageviews: row.a as number, visitors: row.b as number }));
  const totals: Totals = {
    pageviews: t.pageviews as number,
    visitors: t.visitors as number,
    sessions: sessions.a as number,
    events: t.events as number,
    bounceRate: sessions.b as number,
    avgSessionSeconds: sessions.c as number,
  };
  const list = async <T>(sql: string) => (await rows(connection, sql, query)) as T[];
  return {
    site: query.site,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    totals,
    pages: await list<BreakdownRow>(breakdown('path')),
    entryPages: pagesOf('entry'),
    exitPages: pagesOf('exit'),
    referrers: await list<BreakdownRow>(breakdown('source')),
    utmSources: await list<BreakdownRow>(breakdown('utm_source')),
    utmMediums: await list<BreakdownRow>(breakdown('utm_medium')),
    utmCampaigns: await list<BreakdownRow>(breakdown('utm_campaign')),
    countries: await list<BreakdownRow>(breakdown('country')),
    browsers: await list<BreakdownRow>(breakdown('browser')),
    os: await list<BreakdownRow>(breakdown('os')),
    devices: await list<BreakdownRow>(breakdown('device')),
    events: await list<CountRow>(counts('event')),
    errors: await list<CountRow>(counts('error')),
    vitals: await list<VitalRow>(VITALS),
    series: (await rows(connection, series(query.bucketMs), query)).map(
      (row): SeriesPoint => ({
        t: new Date(row.t as number).toISOString(),
        pageviews: row.pageviews as number,
        visitors: row.visitors as number,
      }),
    ),
  };
}
