import { DIMENSIONS, RollupKind } from './rollup-fill.js';
import type { RollupPlan } from './rollup-plan.js';
import { integerLiteral } from './sql-literal.js';

/** FROM text of raw rows (deduplicated): `columns` where `extra` (`raw`: the range not covered by rollups; `whole`: all of it). */
export type RawRows = (columns: string, extra?: string) => string;

/**
 * The breakdown statements of the stats answer, each one scan of the raw rows plus, for the counts, the
 * rollup rows of the covered hours when the plan has them (UNION ALL, then summed). Pages need distinct
 * visitors per path and read raw rows only (see RollupKind). Same definitions as duckdb-stats.ts.
 */
export function breakdownStatements(raw: RawRows, whole: RawRows, rollups: RollupPlan, top: number) {
  // `names` of the raw select, taken from the rollup rows as `columns` (ClickHouse unions by position).
  const union = (kind: RollupKind, columns: string, names: string, rawSelect: string) => {
    const rows = rollups.rows(kind, columns);
    return rows === null ? rawSelect : `SELECT ${names} FROM ${rows} UNION ALL ${rawSelect}`;
  };
  const limit = integerLiteral(top);
  return {
    /** key, pageviews, visitors (with a pageview of the path), from the raw rows of the whole range. */
    pages: `SELECT path AS key, count() AS pageviews, uniqExact(visitor) AS visitors FROM ${whole('path, visitor', ` AND type = 'pageview' AND path != ''`)}
      GROUP BY key ORDER BY pageviews DESC, key LIMIT ${limit}`,
    /** dimension (column name), key, pageviews: per combination of the dimensions first, then per value. */
    dimensions: `SELECT dimension, key, sum(n) AS pageviews FROM (${union(
      RollupKind.Dimension, 'a AS dimension, b AS key, n', 'dimension, key, n',
      `SELECT d.1 AS dimension, d.2 AS key, sum(combination) AS n
        FROM (SELECT ${DIMENSIONS.join(', ')}, count() AS combination FROM ${raw(DIMENSIONS.join(', '), ` AND type = 'pageview'`)} GROUP BY ${DIMENSIONS.join(', ')})
        ARRAY JOIN [${DIMENSIONS.map((column) => `('${column}', ${column})`).join(', ')}] AS d
        WHERE key != '' GROUP BY dimension, key`,
    )}) GROUP BY dimension, key ORDER BY dimension, pageviews DESC, key LIMIT ${limit} BY dimension`,
    /** type, name, props, n: custom events (with props) and errors, counted and ranked in JS. */
    named: `SELECT type, name, props, sum(count) AS n FROM (${union(
      RollupKind.Named, 'a AS type, b AS name, c AS props, n AS count', 'type, name, props, count',
      `SELECT type, ifNull(name, '') AS name, props, count() AS count FROM ${raw('type, name, props', ` AND type IN ('event', 'error')`)} GROUP BY type, name, props`,
    )}) GROUP BY type, name, props`,
    /** key (vital name), value, n: every value and how often it occurred, for the rollups' quantile sketch. */
    vitals: `SELECT key, v AS value, sum(count) AS n FROM (${union(
      RollupKind.Vital, 'a AS key, value AS v, n AS count', 'key, v, count',
      `SELECT ifNull(name, '') AS key, assumeNotNull(value) AS v, count() AS count FROM ${raw('name, value', ` AND type = 'vital'`)}
        WHERE isNotNull(value) AND isFinite(assumeNotNull(value)) GROUP BY key, v`,
    )}) GROUP BY key, v`,
  };
}
