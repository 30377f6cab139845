import { dayOf } from './dedup-plan.js';
import { stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;
type Command = (sql: string) => Promise<void>;

/** What a `rollups` row holds (column `kind`); every kind is per (site, day, hour). */
export const enum RollupKind {
  /** The row saying every row of its part is written (site ''). */
  Complete = 0,
  // 1 and 2 held exact visitor sets (uniqExactState) per hour and per (hour, path) and were dropped:
  // deserializing and merging the sets cost 1.2-5x a raw uniqExact over the same hours (the `visitor`
  // column is cheap to read), so totals, series and pages are read raw.
  /** a = dimension column (source, utm_*, country, browser, os, device), b = value, n = pageviews. */
  Dimension = 3,
  /** a = type (event, error), b = name, c = props, n = count. */
  Named = 4,
  /** a = vital name, value = its value, n = how many times. */
  Vital = 5,
  /** Sessions starting on the row's day (hour 0): n = sessions, n2 = bounces, value = summed duration in ms; c = neighbour parts (session-rollup-fill.ts). */
  Sessions = 6,
  /** a = entry page, n = sessions starting on the day that entered there. */
  EntryPage = 7,
  /** a = exit page, n = sessions starting on the day that left there. */
  ExitPage = 8,
  /** The row saying the day's session rows with this `part` and `c` are written; site ''. */
  SessionsComplete = 9,
}

/** The breakdown columns other than pages, counted per value (kind Dimension). */
export const DIMENSIONS = ['source', 'utm_source', 'utm_medium', 'utm_campaign', 'country', 'browser', 'os', 'device'] as const;

/** The UTC hour of an events row (`day` is the UTC day of `ts`), 0-23. */
const HOUR = 'toUInt8(intDiv(ts - toInt64(toUInt32(day)) * 86400000, 3600000))';

/**
 * Fills the rollups of every closed day (before today, UTC) whose partition is one merged part and has
 * none yet: three INSERT ... SELECT over exactly that part (`_part`), then the Complete row; stats use a
 * part's rollups only once that row exists. Runs after compaction. Several collectors may fill the same
 * part at once: the rows are equal and the table collapses them. A late event makes a new part (merged
 * again by compaction, then filled again); the rollups of parts that are no longer active are deleted,
 * which is safe because no plan uses an inactive part's rollups (dedup-plan.ts validates every answer).
 * Resolves to the number of parts filled.
 */
export async function fillRollups(select: Select, command: Command, database: string, now = Date.now()): Promise<number> {
  const parts = await select(`SELECT any(name) AS name, toString(min(min_date)) AS first, toString(max(max_date)) AS last
    FROM system.parts
    WHERE database = ${stringLiteral(database)} AND table = 'events' AND active
    GROUP BY partition_id
    HAVING count() = 1 AND min(level) > 0 AND max(max_date) < toDate(${stringLiteral(dayOf(now))})
    ORDER BY name`);
  const done = new Set((await select(`SELECT DISTINCT part FROM ${database}.rollups WHERE kind = ${RollupKind.Complete}`)).map((row) => String(row.part)));
  let filled = 0;
  for (const part of parts) {
    const name = String(part.name);
    if (done.has(name)) continue;
    await fillPart(command, database, name, String(part.first), String(part.last));
    filled += 1;
  }
  if (filled > 0) await dropSuperseded(select, command, database);
  return filled;
}

async function fillPart(command: Command, database: string, name: string, first: string, last: string): Promise<void> {
  const source = `(SELECT * FROM ${database}.events WHERE day BETWEEN toDate(${stringLiteral(first)}) AND toDate(${stringLiteral(last)})
    AND _part = ${stringLiteral(name)})`;
  const into = (columns: string) => `INSERT INTO ${database}.rollups (part, site, day, hour, kind, ${columns}) SELECT ${stringLiteral(name)}, site, day`;
  // Per combination of the dimensions first (one pass), then each combination counts toward each value.
  await command(`${into('a, b, n')}, hour, ${RollupKind.Dimension}, d.1, d.2, sum(combination)
    FROM (SELECT site, day, ${HOUR} AS hour, ${DIMENSIONS.join(', ')}, count() AS combination FROM ${source}
      WHERE type = 'pageview' GROUP BY site, day, hour, ${DIMENSIONS.join(', ')})
    ARRAY JOIN [${DIMENSIONS.map((column) => `('${column}', ${column})`).join(', ')}] AS d
    WHERE d.2 != '' GROUP BY site, day, hour, d.1, d.2`);
  await command(`${into('a, b, c, n')}, ${HOUR} AS hour, ${RollupKind.Named}, type, ifNull(name, '') AS event_name, props, count()
    FROM ${source} WHERE type IN ('event', 'error') GROUP BY site, day, hour, type, event_name, props`);
  await command(`${into('a, value, n')}, ${HOUR} AS hour, ${RollupKind.Vital}, ifNull(name, '') AS vital, assumeNotNull(value) AS vital_value, count()
    FROM ${source} WHERE type = 'vital' AND isNotNull(value) AND isFinite(assumeNotNull(value)) GROUP BY site, day, hour, vital, vital_value`);
  await command(`INSERT INTO ${database}.rollups (part, site, day, kind) VALUES (${stringLiteral(name)}, '', toDate(${stringLiteral(first)}), ${RollupKind.Complete})`);
}

/**
 * Deletes the rollups of parts that are no longer active (merged into a newer part after a late event).
 * The parts with rollups are listed before the active parts: a listed part missing from the later list
 * is gone for good (parts never come back), while a part made in between is never in the first list, so
 * a fill running elsewhere meanwhile is not touched.
 */
async function dropSuperseded(select: Select, command: Command, database: string): Promise<void> {
  const withRollups = (await select(`SELECT DISTINCT part FROM ${database}.rollups`)).map((row) => String(row.part));
  const active = new Set(
    (await select(`SELECT name FROM system.parts WHERE database = ${stringLiteral(database)} AND table = 'events' AND active`)).map((row) => String(row.name)),
  );
  const stale = withRollups.filter((part) => !active.has(part));
  if (stale.length > 0) await command(`ALTER TABLE ${database}.rollups DELETE WHERE part IN (${stale.map(stringLiteral).join(', ')})`);
}
