import type { SeriesPoint, StatsQuery } from '../../stats/stats-types.js';
import { chooseInterval, seriesBuckets } from '../../rollups/series-buckets.js';
import { integerLiteral } from './sql-literal.js';
import type { RawRows } from './stats-statements.js';

type Row = Record<string, unknown>;
type RowsWithTotals = (sql: string) => Promise<{ rows: Row[]; totals: Row }>;

/**
 * Totals and series in one scan of the raw rows (distinct visitors need them; see RollupKind): series
 * points at the buckets of seriesBuckets (interval, tz), visitors over all event types (as the rollups);
 * the `WITH TOTALS` row is the whole range. Equal-width buckets (minutes, hours, UTC days) are found by
 * division, others (zoned days across DST) by a search of the bucket starts.
 */
export async function overviewOf(rowsWithTotals: RowsWithTotals, events: RawRows, query: StatsQuery) {
  const buckets = seriesBuckets(query.from, query.to, query.interval ?? chooseInterval(query.from, query.to), query.tz);
  const starts = buckets.map((bucket) => bucket.t);
  const width = starts.length > 1 ? starts[1]! - starts[0]! : 0;
  const bucketIndex =
    starts.length <= 1
      ? '0'
      : starts.every((t, i) => t === starts[0]! + i * width)
        ? `intDiv(ts - ${integerLiteral(starts[0]!)}, ${integerLiteral(width)})`
        : `arrayFirstIndex(b -> b > ts, [${starts.map(integerLiteral).join(', ')}]) - 2`;
  const { rows, totals } = await rowsWithTotals(`SELECT ${bucketIndex} AS bucket, countIf(type = 'pageview') AS pageviews,
    uniqExact(visitor) AS visitors, countIf(type = 'event') AS events FROM ${events('ts, type, visitor')} GROUP BY bucket WITH TOTALS`);
  // arrayFirstIndex is 0 past the last start: -2 then means the last bucket.
  const byBucket = new Map(rows.map((row) => [num(row.bucket) === -2 ? starts.length - 1 : num(row.bucket), row]));
  const series: SeriesPoint[] = buckets.map((bucket, i) => {
    const row = byBucket.get(i);
    return { t: new Date(bucket.t).toISOString(), pageviews: num(row?.pageviews), visitors: num(row?.visitors) };
  });
  return { pageviews: num(totals.pageviews), visitors: num(totals.visitors), events: num(totals.events), series };
}

function num(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}
