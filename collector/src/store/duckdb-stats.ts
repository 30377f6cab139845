import type { DuckDBConnection } from '@duckdb/node-api';
import { QuantileSketch } from '../rollups/quantile-sketch.js';
import { chooseInterval, seriesBuckets } from '../rollups/series-buckets.js';
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

// Sessions in event time, counted where they start (as the rollups do): every event of the visitors
// seen in the range (a visitor hash lives one salt day, so this is bounded), ordered by ts, a session
// starting where the gap to the previous event exceeds the timeout, numbered with a running sum, then
// aggregated per session over its whole extent and kept when its first event is in the range.
// Entry/exit pages: first/last pageview by (ts, path), ties broken by path as in sessionsFromEvents.
const SESSIONS = `
  WITH r AS (${RANGE}),
  v AS (SELECT DISTINCT visitor FROM r),
  a AS (SELECT * FROM events WHERE site = $1 AND visitor IN (SELECT visitor FROM v)${FILTERS}),
  marked AS (
    SELECT visitor, id_hash, ts, type, path,
      CASE WHEN ts - lag(ts) OVER w > ${SESSION_GAP_MS} OR lag(ts) OVER w IS NULL THEN 1 ELSE 0 END AS starts
    FROM a WINDOW w AS (PARTITION BY visitor ORDER BY ts, id_hash)),
  numbered AS (
    SELECT *, sum(starts) OVER (PARTITION BY visitor ORDER BY ts, id_hash ROWS UNBOUNDED PRECEDING) AS session_no FROM marked)
  SELECT visitor, session_no, min(ts) AS first_ts, max(ts) AS last_ts,
    count(*) FILTER (WHERE type = 'pageview') AS pageviews,
    count(*) FILTER (WHERE type = 'event') AS custom_events,
    (min({'ts': ts, 'p': path}) FILTER (WHERE type = 'pageview')).p AS entry_path,
    (max({'ts': ts, 'p': path}) FILTER (WHERE type = 'pageview')).p AS exit_path
  FROM numbered GROUP BY visitor, session_no
  HAVING min(ts) >= $2::BIGINT AND min(ts) < $3::BIGINT`;

async function rows(connection: DuckDBConnection, sql: string, query: StatsQuery): Promise<Record<string, unknown>[]> {
  const params: (string | bigint)[] = [query.site, BigInt(query.from), BigInt(query.to)];
  const conditions = filterConditions(query.filters ?? [], (value) => `$${params.push(value)}`, RANGE_WHERE);
  const filtered = sql.replaceAll(FILTERS, conditions.map((condition) => ` AND ${condition}`).join(''));
  const reader = await connection.runAndReadAll(filtered, params);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

// Distinct visitors per row only for pages (as the rollups, which keep visitor sets for pages only).
function breakdown(column: string, where = `type = 'pageview'`): string {
  const visitors = column === 'path' ? ', count(DISTINCT visitor)::DOUBLE AS visitors' : '';
  return `WITH r AS (${RANGE})
    SELECT ${column} AS key, count(*)::DOUBLE AS pageviews${visitors}
    FROM r WHERE ${where} AND ${column} <> '' GROUP BY ALL ORDER BY pageviews DESC, key LIMIT ${TOP}`;
}

function counts(type: string): string {
  return `WITH r AS (${RANGE})
    SELECT coalesce(name, '') AS key, count(*)::DOUBLE AS count
    FROM r WHERE type = '${type}' GROUP BY ALL ORDER BY count DESC, key LIMIT ${TOP}`;
}

// Custom events' props as (name, prop, value) counts, computed in JS from the props JSON (as the rollups).
const EVENT_PROPS = `WITH r AS (${RANGE})
  SELECT coalesce(name, '') AS name, props, count(*)::DOUBLE AS n FROM r WHERE type = 'event' AND props <> '{}' GROUP BY ALL`;

// Vital values; quantiles from the rollups' mergeable sketch so both paths give the same numbers.
const VITAL_VALUES = `WITH r AS (${RANGE})
  SELECT name AS key, value FROM r WHERE type = 'vital' AND value IS NOT NULL AND isfinite(value)`;

// Sessions are computed once per stats call: totals, entry pages and exit pages come out of one
// query over the materialized sessions, as rows tagged by `kind`, ORDER/LIMIT applied per part.
function sessionPages(kind: 'entry' | 'exit'): string {
  const column = `${kind}_path`;
  return `SELECT * FROM (SELECT '${kind}' AS kind, ${column} AS key, count(*)::DOUBLE AS a, NULL::DOUBLE AS b, NULL::DOUBLE AS c
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

// Series points at explicit bucket starts (seriesBuckets: minute/hour/day, zoned): pageviews and
// distinct visitors over all event types (as the totals and the rollups).
function series(starts: readonly number[]): string {
  const list = starts.map((t) => `${Math.trunc(t)}::BIGINT`).join(',');
  return `WITH r AS (${RANGE}),
  buckets AS (SELECT t, coalesce(lead(t) OVER (ORDER BY t), $3::BIGINT) AS next FROM (SELECT unnest([${list}]) AS t)),
  counted AS (
    SELECT b.t, count(*) FILTER (WHERE r.type = 'pageview') AS pageviews, count(DISTINCT r.visitor) AS visitors
    FROM buckets b JOIN r ON r.ts >= b.t AND r.ts < b.next GROUP BY b.t)
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
      .map((row) => ({ key: row.key as string, pageviews: row.a as number }));
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
    events: withProps(await list<CountRow>(counts('event')), await rows(connection, EVENT_PROPS, query)),
    errors: await list<CountRow>(counts('error')),
    vitals: vitalRows(await rows(connection, VITAL_VALUES, query)),
    series: (await rows(connection, series(bucketStarts(query)), query)).map(
      (row): SeriesPoint => ({
        t: new Date(row.t as number).toISOString(),
        pageviews: row.pageviews as number,
        visitors: row.visitors as number,
      }),
    ),
  };
}

function bucketStarts(query: StatsQuery): number[] {
  const interval = query.interval ?? chooseInterval(query.from, query.to);
  const starts = seriesBuckets(query.from, query.to, interval, query.tz).map((bucket) => bucket.t);
  return starts.length > 0 ? starts : [query.from];
}

export function vitalRows(values: Record<string, unknown>[]): VitalRow[] {
  const sketches = new Map<string, QuantileSketch>();
  for (const row of values) {
    const key = row.key as string;
    let sketch = sketches.get(key);
    if (!sketch) sketches.set(key, (sketch = new QuantileSketch()));
    sketch.add(row.value as number);
  }
  return [...sketches.keys()].sort().map((key) => {
    const sketch = sketches.get(key)!;
    return { key, p75: sketch.quantile(0.75), p90: sketch.quantile(0.9), count: sketch.count };
  });
}

export function withProps(events: CountRow[], props: Record<string, unknown>[]): CountRow[] {
  const byName = new Map<string, Map<string, number>>();
  for (const row of props) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(row.props as string) as Record<string, unknown>;
    } catch {
      continue;
    }
    const name = row.name as string;
    let counts = byName.get(name);
    if (!counts) byName.set(name, (counts = new Map()));
    for (const [prop, value] of Object.entries(parsed)) {
      const key = `${prop}\u0000${String(value)}`;
      counts.set(key, (counts.get(key) ?? 0) + (row.n as number));
    }
  }
  return events.map((event) => ({
    ...event,
    props: [...(byName.get(event.key) ?? new Map<string, number>())]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, TOP)
      .map(([pv, count]) => {
        const [key, value] = pv.split('\u0000') as [string, string];
        return { key, value, count };
      }),
  }));
}
