import { dayOf } from './dedup-plan.js';
import { stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;
type Command = (sql: string) => Promise<void>;

/**
 * Merges every closed partition of `events` (all its days before today, UTC) that is not yet a single
 * merged part into one (`OPTIMIZE ... PARTITION ID ... FINAL`), which drops repeated rows for good, so
 * stats read those days without FINAL (dedup-plan.ts). ClickHouse's own merges stop short of one part,
 * and a part written by an insert may repeat a row. Late events (up to 7 days) reopen a day with a small
 * part; the next run merges it again: one rewrite of that day, as ClickHouse's own merges would do.
 * A month partition (tables from before daily partitions) waits until it is past the 7-day late window,
 * so a whole month is not rewritten for each late event of its last week.
 * Several collectors may run this at once: ClickHouse runs one merge per partition, the others return.
 * Resolves to the number of partitions merged.
 */
export async function compactClosedDays(select: Select, command: Command, database: string, now = Date.now()): Promise<number> {
  const rows = await select(`SELECT partition_id FROM system.parts
    WHERE database = ${stringLiteral(database)} AND table = 'events' AND active
    GROUP BY partition_id
    HAVING (count() > 1 OR min(level) = 0) AND max(max_date) < toDate(${stringLiteral(dayOf(now))})
      AND (min(min_date) = max(max_date) OR max(max_date) < toDate(${stringLiteral(dayOf(now))}) - 8)
    ORDER BY partition_id`);
  for (const row of rows) {
    await command(`OPTIMIZE TABLE ${database}.events PARTITION ID ${stringLiteral(String(row.partition_id))} FINAL`);
  }
  return rows.length;
}
