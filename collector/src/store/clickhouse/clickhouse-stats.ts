import type { CountRow, Stats, StatsQuery } from '../../stats/stats-types.js';
import { filterConditions } from '../../stats/stats-filters.js';
import { withProps } from '../duckdb-stats.js';
import { dayOf, finalPlan, planDedup, type DedupPlan } from './dedup-plan.js';
import { DIMENSIONS } from './rollup-fill.js';
import { planRollups } from './rollup-plan.js';
import { VISITOR_SPAN_MS } from './sessions-sql.js';
import { integerLiteral, stringLiteral } from './sql-literal.js';
import { sessionTotals } from './stats-sessions.js';
import { overviewOf } from './stats-overview.js';
import { breakdownStatements } from './stats-statements.js';
import { weightedVitalRows } from './vital-rows.js';

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
  // Unfiltered answers read the closed hours' counts from the rollups (filters need the rows).
  const usable = (query.filters ?? []).length === 0;
  const rollups = await planRollups((sql) => reader.rows(sql), database, query.site, query.from, query.to, plan.merged, usable);
  const raw = (columns: string, extra = '') => plan.from(columns, `${rollups.rawWhere}${conditions}${extra}`);
  const whole = (columns: string, extra = '') => plan.from(columns, `${rangeWhere}${conditions}${extra}`);
  const statements = breakdownStatements(raw, whole, rollups, TOP);
  const [overview, pages, breakdownRows, named, vitals, sessions] = await Promise.all([
    overviewOf((sql) => reader.rowsWithTotals(sql), whole, query),
    reader.rows(statements.pages),
    reader.rows(statements.dimensions),
    reader.rows(statements.named),
    reader.rows(statements.vitals),
    sessionTotals((sql) => reader.rows(sql), database, query, plan, conditions, TOP, options.spillBytes),
  ]);
  const sessionCount = sessions.sessions;
  const combined = (column: (typeof DIMENSIONS)[number]) =>
    breakdownRows.filter((row) => row.dimension === column).map((row) => ({ key: String(row.key), pageviews: num(row.pageviews) }));
  return {
    site: query.site,
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    totals: {
      pageviews: overview.pageviews,
      visitors: overview.visitors,
      sessions: sessionCount,
      events: overview.events,
      bounceRate: sessionCount === 0 ? 0 : sessions.bounces / sessionCount,
      avgSessionSeconds: sessionCount === 0 ? 0 : sessions.durationMs / sessionCount / 1000,
    },
    pages: pages.map((row) => ({ key: String(row.key), pageviews: num(row.pageviews), visitors: num(row.visitors) })),
    entryPages: sessions.entryPages,
    exitPages: sessions.exitPages,
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
    vitals: weightedVitalRows(vitals.map((row) => ({ key: String(row.key), value: num(row.value), n: num(row.n) }))),
    series: overview.series,
  };
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
