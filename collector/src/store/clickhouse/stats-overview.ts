import type { SeriesPoint, StatsQuery } from '../../stats/stats-types.js';
import { chooseInterval, seriesBuckets } from '../../rollups/series-buckets.js';
import { RollupKind } from './rollup-fill.js';
import type { RollupPlan } from './rollup-plan.js';
import { integerLiteral } from './sql-literal.js';
import type { RawRows } from './stats-statements.js';

type Row = Record<string, unknown>;
type RowsWithTotals = (sql: string) => Promise<{ rows: Row[]; totals: Row }>;

const HOUR_MS = 3_600_000;

/** The series bucket starts of a query (seriesBuckets: interval, tz). */
export function bucketStartsOf(query: StatsQuery): number[] {
  return seriesBuckets(query.from, query.to, query.interval ?? chooseInterval(query.from, query.to), query.tz).map((bucket) => bucket.t);
}

/** True when every bucket boundary inside the range is a whole UTC hour, so an hour's rollup falls in one bucket. */
export function hourAligned(starts: readonly number[], from: number): boolean {
  return starts.every((t) => t <= from || t % HOUR_MS === 0);
}

/**
 * Totals and series in one statement: series points at the buckets of seriesBuckets (interval, tz),
 * visitors over all event types (as the rollups); the `WITH TOTALS` row is the whole range. Raw rows are
 * put in buckets by `ts`, rollup rows by the start of their hour. Equal-width buckets (minutes, hours,
 * UTC days) are found by division, others (zoned days across DST) by a search of the bucket starts.
 */
export async function overviewOf(rowsWithTotals: RowsWithTotals, raw: RawRows, rollups: RollupPlan, starts: readonly number[]) {
  const width = starts.length > 1 ? starts[1]! - starts[0]! : 0;
  const bucketOf = (time: string) =>
    starts.length <= 1
      ? 'toInt64(0)'
      : starts.every((t, i) => t === starts[0]! + i * width)
        ? `toInt64(intDiv(${time} - ${integerLiteral(starts[0]!)}, ${integerLiteral(width)}))`
        : `toInt64(arrayFirstIndex(b -> b > ${time}, [${starts.map(integerLiteral).join(', ')}])) - 2`;
  const rawSelect = `SELECT ${bucketOf('ts')} AS bucket, countIf(type = 'pageview') AS pv, countIf(type = 'event') AS ev,
    uniqExactState(visitor) AS vs FROM ${raw('ts, type, visitor')} GROUP BY bucket`;
  const rollupRows = rollups.rows(RollupKind.Hour, 'n AS pv, n2 AS ev, visitors AS vs');
  const union = rollupRows === null ? rawSelect : `SELECT ${bucketOf('hour_start')} AS bucket, pv, ev, vs FROM ${rollupRows} UNION ALL ${rawSelect}`;
  const { rows, totals } = await rowsWithTotals(`SELECT bucket, sum(pv) AS pageviews, uniqExactMerge(vs) AS visitors, sum(ev) AS events
    FROM (${union}) GROUP BY bucket WITH TOTALS`);
  // arrayFirstIndex is 0 past the last start: -2 then means the last bucket.
  const byBucket = new Map(rows.map((row) => [num(row.bucket) === -2 ? starts.length - 1 : num(row.bucket), row]));
  const series: SeriesPoint[] = starts.map((t, i) => {
    const row = byBucket.get(i);
    return { t: new Date(t).toISOString(), pageviews: num(row?.pageviews), visitors: num(row?.visitors) };
  });
  return { pageviews: num(totals.pageviews), visitors: num(totals.visitors), events: num(totals.events), series };
}

function num(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}
