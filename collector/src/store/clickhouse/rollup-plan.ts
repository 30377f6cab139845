import { dayOf, inRuns, runs } from './dedup-plan.js';
import type { MergedPart } from './merged-parts.js';
import { RollupKind } from './rollup-fill.js';
import { integerLiteral, stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** How one answer splits its range between the rollups and the raw rows. */
export interface RollupPlan {
  /** Condition on `events` (site, days, ts) for the part of the range the rollups do not cover. */
  readonly rawWhere: string;
  /** FROM text of the rollup rows of `kind` inside the covered hours, or null when none are used. */
  rows(kind: RollupKind, columns: string): string | null;
}

/**
 * Uses the rollups for the whole UTC hours of [from, to) on days whose merged part (from the answer's
 * dedup plan, so its validation covers them too) has complete rollups; the rest (sub-hour edges, today,
 * days not merged or not filled yet) is read raw. A rollup row belongs to one part, so rows inserted
 * after the plan can never be in it. Without rollups (`usable` false: filtered queries) the raw
 * condition is the whole range.
 */
export async function planRollups(
  select: Select, database: string, site: string, from: number, to: number, merged: readonly MergedPart[], usable: boolean,
): Promise<RollupPlan> {
  const whole = rawCondition(site, from, to, []);
  const firstHour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(to / HOUR_MS) * HOUR_MS;
  const inRange = merged.filter((part) => part.lastDay >= dayOf(firstHour) && part.firstDay <= dayOf(lastHour - 1));
  if (!usable || firstHour >= lastHour || inRange.length === 0) return { rawWhere: whole, rows: () => null };
  const names = inRange.map((part) => stringLiteral(part.name)).join(', ');
  const complete = await select(`SELECT DISTINCT part FROM ${database}.rollups WHERE kind = ${RollupKind.Complete} AND part IN (${names})`);
  const filled = new Set(complete.map((row) => String(row.part)));
  const rolled = inRange.filter((part) => filled.has(part.name));
  const spans = hourSpans(rolled, firstHour, lastHour);
  if (spans.length === 0) return { rawWhere: whole, rows: () => null };
  const hourIndex = spans.map(([a, b]) => `toUInt32(day) * 24 + hour BETWEEN ${integerLiteral(a / HOUR_MS)} AND ${integerLiteral(b / HOUR_MS - 1)}`);
  const partNames = rolled.map((part) => stringLiteral(part.name)).join(', ');
  return {
    rawWhere: rawCondition(site, from, to, spans),
    rows: (kind, columns) => `(SELECT ${columns} FROM ${database}.rollups FINAL
      WHERE part IN (${partNames}) AND site = ${stringLiteral(site)} AND kind = ${kind} AND (${hourIndex.join(' OR ')}))`,
  };
}

/** [start, end) ms spans of the whole hours in [firstHour, lastHour) on the rolled parts' days, merged when adjacent. */
function hourSpans(rolled: readonly MergedPart[], firstHour: number, lastHour: number): [number, number][] {
  const spans: [number, number][] = [];
  const days = rolled.flatMap((part) => {
    const list: number[] = [];
    for (let t = Date.parse(part.firstDay); t <= Date.parse(part.lastDay); t += DAY_MS) list.push(t);
    return list;
  });
  for (const day of days.sort((a, b) => a - b)) {
    const start = Math.max(day, firstHour);
    const end = Math.min(day + DAY_MS, lastHour);
    if (start >= end) continue;
    const previous = spans.at(-1);
    if (previous && previous[1] === start) previous[1] = end;
    else spans.push([start, end]);
  }
  return spans;
}

/** Site, the days not wholly inside a span (so the primary index skips the rest) and ts in [from, to) outside the spans. */
function rawCondition(site: string, from: number, to: number, spans: readonly [number, number][]): string {
  const coveredDays = new Set<string>();
  for (const [a, b] of spans) for (let t = Math.ceil(a / DAY_MS) * DAY_MS; t + DAY_MS <= b; t += DAY_MS) coveredDays.add(dayOf(t));
  const rawDays = runs(dayOf(from), dayOf(to), coveredDays).filter((run) => !run.clean);
  if (rawDays.length === 0) return '0';
  const outside = spans.map(([a, b]) => ` AND NOT (ts >= ${integerLiteral(a)} AND ts < ${integerLiteral(b)})`).join('');
  return `site = ${stringLiteral(site)} AND ${inRuns(rawDays)} AND ts >= ${integerLiteral(from)} AND ts < ${integerLiteral(to)}${outside}`;
}
