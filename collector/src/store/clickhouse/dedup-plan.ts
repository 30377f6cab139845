import { stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;

const DAY_MS = 86_400_000;

/**
 * Which days of `events` must be read with FINAL. A ReplacingMergeTree collapses repeated (site, day,
 * id_hash) rows only when it merges parts, and FINAL (single-threaded on 18.16, and costlier the more
 * columns a query reads: 2-3x a plain scan here) collapses them at read time. A partition that is one
 * part made by a merge (level > 0) holds no repeated key, so its days are read plainly; every other day
 * (parts from inserts, level 0, may repeat a row even within one insert) goes through FINAL.
 * `compaction.ts` merges closed days into one part, so only the recent days need FINAL.
 *
 * A plan is read from `system.parts` right before the queries. An insert that lands on a clean day in
 * between is read without FINAL by that one answer: only a row repeated by that very insert (a retry)
 * would count twice, once; the next answer plans again.
 */
export interface DedupPlan {
  /** FROM text reading `columns` of the rows matching `where`, each (site, day, id_hash) once. */
  from(columns: string, where: string): string;
}

/** Plans reads of `database.events` for days in [fromMs, toMs]; falls back to FINAL everywhere if `system.parts` is not readable. */
export async function planDedup(select: Select, database: string, fromMs: number, toMs: number): Promise<DedupPlan> {
  const table = `${database}.events`;
  const first = dayOf(fromMs);
  const last = dayOf(toMs);
  let clean: Set<string>;
  try {
    clean = await cleanDays(select, database, first, last);
  } catch {
    clean = new Set();
  }
  const ranges = runs(first, last, clean);
  const cleanRanges = ranges.filter((run) => run.clean);
  if (cleanRanges.length === 0) return { from: (columns, where) => `(SELECT ${columns} FROM ${table} FINAL WHERE ${where})` };
  const dirtyRanges = ranges.filter((run) => !run.clean);
  const inRanges = (list: typeof ranges) =>
    `(${list.map((run) => `day BETWEEN toDate(${stringLiteral(run.first)}) AND toDate(${stringLiteral(run.last)})`).join(' OR ')})`;
  return {
    from: (columns, where) =>
      dirtyRanges.length === 0
        ? `(SELECT ${columns} FROM ${table} WHERE ${where} AND ${inRanges(cleanRanges)})`
        : `(SELECT ${columns} FROM ${table} FINAL WHERE ${where} AND ${inRanges(dirtyRanges)}
          UNION ALL SELECT ${columns} FROM ${table} WHERE ${where} AND ${inRanges(cleanRanges)})`,
  };
}

/** Days of [first, last] whose partition is a single merged part. */
async function cleanDays(select: Select, database: string, first: string, last: string): Promise<Set<string>> {
  const rows = await select(`SELECT toString(min(min_date)) AS first, toString(max(max_date)) AS last
    FROM system.parts
    WHERE database = ${stringLiteral(database)} AND table = 'events' AND active
    GROUP BY partition_id
    HAVING count() = 1 AND min(level) > 0 AND last >= ${stringLiteral(first)} AND first <= ${stringLiteral(last)}`);
  const days = new Set<string>();
  for (const row of rows) {
    const end = Date.parse(String(row.last));
    for (let t = Date.parse(String(row.first)); t <= end; t += DAY_MS) days.add(dayOf(t));
  }
  return days;
}

/** [first, last] cut into runs of consecutive days that are all clean or all not. */
function runs(first: string, last: string, clean: ReadonlySet<string>): { first: string; last: string; clean: boolean }[] {
  const result: { first: string; last: string; clean: boolean }[] = [];
  for (let t = Date.parse(first); t <= Date.parse(last); t += DAY_MS) {
    const day = dayOf(t);
    const isClean = clean.has(day);
    const previous = result.at(-1);
    if (previous && previous.clean === isClean) previous.last = day;
    else result.push({ first: day, last: day, clean: isClean });
  }
  return result;
}

/** The UTC day of an epoch-ms time, `YYYY-MM-DD` (the table's `day`). */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
