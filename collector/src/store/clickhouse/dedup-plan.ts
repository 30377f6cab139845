import { mergedParts, stillMerged, type MergedPart } from './merged-parts.js';
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
 * The plan is read from `system.parts` right before the queries, so an insert can land on a clean day
 * in between (a retried insert whose first try did get through, or the same event sent again through
 * another collector) and a plain read would count its rows twice. So a plan is validated after the reads:
 * `unchanged()` is true only if every merged part it read plainly is still active and alone, which rules
 * out any row inserted beside it meanwhile (merged-parts.ts); otherwise the caller answers again with a
 * new plan, which reads that day with FINAL. (A fence on `_part` in every plain read did the same at
 * ~35 ns per row; this check is one `system.parts` query per answer.)
 */
export interface DedupPlan {
  /** FROM text reading `columns` of the rows matching `where`, each (site, day, id_hash) once. */
  from(columns: string, where: string): string;
  /** The days' merged parts found by the plan (read plainly). */
  readonly merged: readonly MergedPart[];
  /** True when no insert can have reached the plainly read days since the plan (call after the reads). */
  unchanged(): Promise<boolean>;
}

/**
 * Plans reads of `database.events` for days in [fromMs, toMs]; falls back to FINAL everywhere if
 * `system.parts` is not readable. Only closed days (before `now`'s UTC day) are read plainly: today's
 * partition takes an insert every second per collector, so a merged part seen there would rarely survive
 * the answer's validation, and every answer would be computed twice.
 */
export async function planDedup(select: Select, database: string, fromMs: number, toMs: number, now = Date.now()): Promise<DedupPlan> {
  const table = `${database}.events`;
  const first = dayOf(fromMs);
  const last = dayOf(toMs);
  let merged: MergedPart[];
  try {
    merged = (await mergedParts(select, database, first, last)).filter((part) => part.lastDay < dayOf(now));
  } catch {
    merged = [];
  }
  const ranges = runs(first, last, cleanDays(merged));
  const cleanRanges = ranges.filter((run) => run.clean);
  if (cleanRanges.length === 0) return finalPlan(database);
  const dirtyRanges = ranges.filter((run) => !run.clean);
  const plain = (columns: string, where: string) => `SELECT ${columns} FROM ${table} WHERE ${where} AND ${inRuns(cleanRanges)}`;
  return {
    merged,
    unchanged: () => stillMerged(select, database, merged),
    from: (columns, where) =>
      dirtyRanges.length === 0
        ? `(${plain(columns, where)})`
        : `(SELECT ${columns} FROM ${table} FINAL WHERE ${where} AND ${inRuns(dirtyRanges)}
          UNION ALL ${plain(columns, where)})`,
  };
}

/** A plan that reads every day with FINAL: always exact, whatever arrives meanwhile. */
export function finalPlan(database: string): DedupPlan {
  return {
    merged: [],
    unchanged: () => Promise.resolve(true),
    from: (columns, where) => `(SELECT ${columns} FROM ${database}.events FINAL WHERE ${where})`,
  };
}

/** SQL true for rows whose `day` is in one of the runs. */
export function inRuns(list: readonly { first: string; last: string }[]): string {
  return `(${list.map((run) => `day BETWEEN toDate(${stringLiteral(run.first)}) AND toDate(${stringLiteral(run.last)})`).join(' OR ')})`;
}

/** Every day covered by a merged part. */
function cleanDays(merged: readonly MergedPart[]): Set<string> {
  const days = new Set<string>();
  for (const part of merged) {
    const end = Date.parse(part.lastDay);
    for (let t = Date.parse(part.firstDay); t <= end; t += DAY_MS) days.add(dayOf(t));
  }
  return days;
}

/** [first, last] cut into runs of consecutive days that are all clean or all not. */
export function runs(first: string, last: string, clean: ReadonlySet<string>): { first: string; last: string; clean: boolean }[] {
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
