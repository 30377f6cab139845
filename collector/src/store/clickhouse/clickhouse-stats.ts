import type { BreakdownRow, CountRow, SeriesPoint, Stats, StatsQuery } from '../../stats/stats-types.js';
import { chooseInterval, seriesBuckets } from '../../rollups/series-buckets.js';
import { filterConditions } from '../../stats/stats-filters.js';
import { SESSION_GAP_MS, vitalRows, withProps } from '../duckdb-stats.js';
import { dayOf, finalPlan, planDedup, type DedupPlan } from './dedup-plan.js';
import { SESSION_LOOKAHEAD_MS, sessionsSql, VISITOR_SPAN_MS } from './sessions-sql.js';
import { integerLiteral, stringLiteral } from './sql-literal.js';

type Row = Record<string, unknown>;

/** How the stats read ClickHouse (UInt64 columns arrive as decimal strings). */
export interface StatsReader {
  rows(sql: string): Promise<Row[]>;
  /** Rows of a `GROUP BY ... WITH TOTALS` query and its totals row. */
  rowsWithTotals(sql: string): Promise<{ rows: Row[]; totals: Row }>;
}

/** Options of {@link queryClickHouseStats}. */
export interface StatsOptions {
  /** Bytes of the sessions aggregation beyond which ClickHouse spills it to disk (0: never) [0]. */
  spillBytes?: number;
}

const TOP = 100;
// Breakdowns other than pages: counted from the (source, ..., device) combinations of one scan.
const COMBINED = ['source', 'utm_source', 'utm_medium', 'utm_campaign', 'country', 'browser', 'os', 'device'] as const;

/**
 * `GET /api/stats` over the ClickHouse `events` table, with the embedded store's definitions
 * (duckdb-stats.ts) in the SQL that 18.16 understands. Six statements run at once, each one scan:
 * totals + series (`WITH TOTALS`), pages, the other breakdowns, custom events + errors + props, vitals,
 * sessions. Rows are read through a {@link planDedup} plan: FINAL only on days whose rows may repeat.
 * The visitor sets of `filters=` (source, event) need no dedup and read plainly.
 *
 * If an insert reached a plainly read day while the statements ran, the answer is computed again with
 * a new plan (dedup-plan.ts); the third try reads everything with FINAL, which no insert can disturb.
 */
export async function queryClickHouseStats(reader: StatsReader, database: string, query: StatsQuery, options: StatsOptions = {}): Promise<Stats> {
  for (let attempt = 1; ; attempt++) {
    const plan =
      attempt < 3 ? await planDedup((sql) => reader.rows(sql), database, query.from - VISITOR_SPAN_MS, query.to + VISITOR_SPAN_MS) : finalPlan(database);
    const stats = await statsWithPlan(reader, database, query, options, plan);
    if (await plan.unchanged()) return stats;
  }
}

async function statsWithPlan(reader: StatsReader, database: string, query: StatsQuery, options: StatsOptions, plan: DedupPlan): Promise<Stats> {
  const table = `${database}.events`;
  const rangeWhere = `site = ${stringLiteral(query.site)}
    AND day BETWEEN toDate(${stringLiteral(dayOf(query.from))}) AND toDate(${stringLiteral(dayOf(query.to))})
    AND ts >= ${integerLiteral(query.from)} AND ts < ${integerLiteral(query.to)}`;
  // filters= as the embedded store applies them, values as quoted literals.
  const conditions = filterConditions(query.filters ?? [], stringLiteral, rangeWhere, table).map((condition) => ` AND ${condition}`).join('');
  const inRange = `${rangeWhere}${conditions}`;
  const range = (columns: string, where = '') => plan.from(columns, `${inRange}${where}`);
  // The visitors' events from 30 min before the range to `horizon`, filtered alike (sessionsSql keeps
  // the visitors seen in the range); sessions cut by the horizon make a second pass to the end of the
  // visitors' span (sessions-sql.ts).
  const sessions = async (horizon: number) => {
    const first = query.from - SESSION_GAP_MS;
    const events = plan.from('visitor, ts, type, path', `site = ${stringLiteral(query.site)}
      AND day BETWEEN toDate(${stringLiteral(dayOf(first))}) AND toDate(${stringLiteral(dayOf(horizon))})
      AND ts >= ${integerLiteral(first)} AND ts < ${integerLiteral(horizon)}${conditions}`);
    return reader.rows(sessionsSql(events, query.from, query.to, horizon, TOP, options.spillBytes));
  };
  const [overview, pages, breakdownRows, named, vitals, sessionRows] = await Promise.all([
    overviewOf(reader, range('ts, type, visitor'), query),
    reader.rows(`SELECT path AS key, count() AS pageviews, uniqExact(visitor) AS visitors FROM ${range('path, visitor', ` AND type = 'pageview' AND path != ''`)}
      GROUP BY key ORDER BY pageviews DESC, key LIMIT ${TOP}`),
    // Per combination of the other dimensions, then each combination counts toward each of its keys.
    reader.rows(`SELECT d.1 AS dimension, d.2 AS key, sum(n) AS pageviews
      FROM (SELECT ${COMBINED.join(', ')}, count() AS n FROM ${range(COMBINED.join(', '), ` AND type = 'pageview'`)} GROUP BY ${COMBINED.join(', ')})
      ARRAY JOIN [${COMBINED.map((column, i) => `(${i}, ${column})`).join(', ')}] AS d
      WHERE key != '' GROUP BY dimension, key ORDER BY dimension, pageviews DESC, key LIMIT ${TOP} BY dimension`),
    // Custom events (with props) and errors by name in one scan; counted and ranked in JS.
    reader.rows(`SELECT type, ifNull(name, '') AS name, props, count() AS n FROM ${range('type, name, props', ` AND type IN ('event', 'error')`)}
      GROUP BY type, name, props`),
    // Vital quantiles from the rollups' sketch over the values (same numbers on every path).
    reader.rows(`SELECT name AS key, assumeNotNull(value) AS value FROM ${range('name, value', ` AND type = 'vital'`)}
      WHERE isNotNull(value) AND isFinite(assumeNotNull(value))`),
    sessions(query.to + SESSION_LOOKAHEAD_MS).then(async (rows) =>
      num(rows.find((row) => num(row.kind) === 0)?.cut_sessions) > 0 ? sessions(query.to + VISITOR_SPAN_MS) : rows,
    ),
  ]);
  const all = sessionRows.find((row) => num(row.kind) === 0) ?? {};
  const sessionCount = num(all.sessions);
  const combined = (column: (typeof COMBINED)[number]) =>
    breakdownRows.filter((row) => num(row.dimension) === COMBINED.indexOf(column)).map((row) => ({ key: String(row.key), pageviews: num(row.pageviews) }));
  const sessionPages = (kind: number): BreakdownRow[] =>
    sessionRows.filter((row) => num(row.kind) === kind).map((row) => ({ key: String(row.key), pageviews: num(row.with_key) }));
  return {
    site: query.site,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    totals: {
      pageviews: overview.pageviews,
      visitors: overview.visitors,
      sessions: sessionCount,
      events: overview.events,
      bounceRate: sessionCount === 0 ? 0 : num(all.bounces) / sessionCount,
      avgSessionSeconds: sessionCount === 0 ? 0 : num(all.duration_ms) / sessionCount / 1000,
    },
    pages: pages.map((row) => ({ key: String(row.key), pageviews: num(row.pageviews), visitors: num(row.visitors) })),
    entryPages: sessionPages(1),
    exitPages: sessionPages(2),
    referrers: combined('source'),
    utmSources: combined('utm_source'),
    utmMediums: combined('utm_medium'),
    utmCampaigns: combined('utm_campaign'),
    countries: combined('country'),
    browsers: combined('browser'),
    os: combined('os'),
    devices: combined('device'),
    events: withProps(
      countsOf(named.filter((row) => row.type === 'event')),
      named.filter((row) => row.type === 'event' && row.props !== '{}').map((row) => ({ name: row.name, props: row.props, n: num(row.n) })),
    ),
    errors: countsOf(named.filter((row) => row.type === 'error')),
    vitals: vitalRows(vitals.map((row) => ({ key: String(row.key), value: num(row.value) }))),
    series: overview.series,
  };
}

/**
 * Totals and series in one scan: series points at the buckets of seriesBuckets (interval, tz), visitors
 * over all event types (as the rollups); the `WITH TOTALS` row is the whole range. Equal-width buckets
 * (minutes, hours, UTC days) are found by division, others (zoned days across DST) by a search of
 * the bucket starts.
 */
async function overviewOf(reader: StatsReader, events: string, query: StatsQuery) {
  const buckets = seriesBuckets(query.from, query.to, query.interval ?? chooseInterval(query.from, query.to), query.tz);
  const starts = buckets.map((bucket) => bucket.t);
  const width = starts.length > 1 ? starts[1]! - starts[0]! : 0;
  const bucketIndex =
    starts.length <= 1
      ? '0'
      : starts.every((t, i) => t === starts[0]! + i * width)
        ? `intDiv(ts - ${integerLiteral(starts[0]!)}, ${integerLiteral(width)})`
        : `arrayFirstIndex(b -> b > ts, [${starts.map(integerLiteral).join(', ')}]) - 2`;
  const { rows, totals } = await reader.rowsWithTotals(`SELECT ${bucketIndex} AS bucket, countIf(type = 'pageview') AS pageviews,
    uniqExact(visitor) AS visitors, countIf(type = 'event') AS events FROM ${events} GROUP BY bucket WITH TOTALS`);
  // arrayFirstIndex is 0 past the last start: -2 then means the last bucket.
  const byBucket = new Map(rows.map((row) => [num(row.bucket) === -2 ? starts.length - 1 : num(row.bucket), row]));
  const series: SeriesPoint[] = buckets.map((bucket, i) => {
    const row = byBucket.get(i);
    return { t: new Date(bucket.t).toISOString(), pageviews: num(row?.pageviews), visitors: num(row?.visitors) };
  });
  return { pageviews: num(totals.pageviews), visitors: num(totals.visitors), events: num(totals.events), series };
}

/** Count per name, top 100 by count then name (byte order, as ClickHouse and DuckDB sort strings). */
function countsOf(rows: Row[]): CountRow[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(String(row.name), (counts.get(String(row.name)) ?? 0) + num(row.n));
  return [...counts]
    .sort((a, b) => b[1] - a[1] || Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))
    .slice(0, TOP)
    .map(([key, count]) => ({ key, count }));
}

function num(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}
