import { stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;

/** A partition of `events` that is one part made by a merge, so it holds no repeated (site, day, id_hash). */
export interface MergedPart {
  /** The part's name, `<partition>_<min block>_<max block>_<level>`: what its rollups are filed under. */
  readonly name: string;
  /** First and last UTC day (`YYYY-MM-DD`) of its rows: one day, or a month on tables from before daily partitions. */
  readonly firstDay: string;
  readonly lastDay: string;
}

/** The single-merged-part partitions of `database.events` that overlap the days [first, last]. */
export async function mergedParts(select: Select, database: string, first: string, last: string): Promise<MergedPart[]> {
  const rows = await select(`SELECT partition_id, any(name) AS name,
      toString(min(min_date)) AS first, toString(max(max_date)) AS last
    FROM system.parts
    WHERE database = ${stringLiteral(database)} AND table = 'events' AND active
    GROUP BY partition_id
    HAVING count() = 1 AND min(level) > 0 AND last >= ${stringLiteral(first)} AND first <= ${stringLiteral(last)}`);
  return rows.map((row) => ({
    name: String(row.name),
    firstDay: String(row.first),
    lastDay: String(row.last),
  }));
}

/**
 * True when every part of `parts` is still active and alone in its partition. Parts are only ever
 * replaced by a merge that includes them (a new name) and an insert adds a part beside them, so if this
 * holds after a read, no row inserted after `parts` were listed can have been read beside them.
 */
export async function stillMerged(select: Select, database: string, parts: readonly MergedPart[]): Promise<boolean> {
  if (parts.length === 0) return true;
  const days = parts.flatMap((part) => [part.firstDay, part.lastDay]).sort();
  const now = new Set((await mergedParts(select, database, days[0]!, days.at(-1)!)).map((part) => part.name));
  return parts.every((part) => now.has(part.name));
}
