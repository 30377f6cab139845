import type { BreakdownRow, StatsQuery } from '../../stats/stats-types.js';
import { SESSION_GAP_MS } from '../duckdb-stats.js';
import { dayOf, type DedupPlan } from './dedup-plan.js';
import { RollupKind } from './rollup-fill.js';
import { ALL_PAGES, sessionNeighbours } from './session-rollup-fill.js';
import { SESSION_LOOKAHEAD_MS, sessionsSql, VISITOR_SPAN_MS } from './sessions-sql.js';
import { integerLiteral, stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;

const DAY_MS = 86_400_000;

/** The sessions part of the answer. */
export interface SessionTotals {
  sessions: number;
  bounces: number;
  durationMs: number;
  entryPages: BreakdownRow[];
  exitPages: BreakdownRow[];
}

/**
 * Sessions that start in [from, to). A session counts where it starts, so the count, bounces,
 * durations and entry/exit pages of disjoint sub-ranges add up: whole UTC days with a valid summary
 * (session-rollup-fill.ts: the day's part and its neighbours' are still the ones it was computed from)
 * come from the rollups, the rest of the range from the raw rows (sessionsSql), and the page counts are
 * added before the top `top`. `conditions` are the filters (summaries only serve unfiltered answers).
 */
export async function sessionTotals(select: Select, database: string, query: StatsQuery, plan: DedupPlan, conditions: string, top: number, spillBytes = 0): Promise<SessionTotals> {
  const rolled = conditions === '' ? await summarizedDays(select, database, query, plan) : [];
  const gaps = rawRanges(query.from, query.to, rolled.map((day) => Date.parse(day.day)));
  const limit = rolled.length > 0 || gaps.length > 1 ? ALL_PAGES : top;
  const parts = await Promise.all([
    ...gaps.map(([from, to]) => rawSessions(select, plan, query.site, from, to, conditions, limit, spillBytes)),
    ...(rolled.length > 0 ? [summaries(select, database, query.site, rolled)] : []),
  ]);
  const total: SessionTotals = { sessions: 0, bounces: 0, durationMs: 0, entryPages: [], exitPages: [] };
  const entry = new Map<string, number>();
  const exit = new Map<string, number>();
  for (const part of parts) {
    total.sessions += part.sessions;
    total.bounces += part.bounces;
    total.durationMs += part.durationMs;
    for (const row of part.entryPages) entry.set(row.key, (entry.get(row.key) ?? 0) + row.pageviews);
    for (const row of part.exitPages) exit.set(row.key, (exit.get(row.key) ?? 0) + row.pageviews);
  }
  return { ...total, entryPages: topPages(entry, top), exitPages: topPages(exit, top) };
}

/** Whole days in [from, to) whose session summary is valid for the plan's current parts. */
async function summarizedDays(select: Select, database: string, query: StatsQuery, plan: DedupPlan) {
  const byDay = new Map(plan.merged.filter((part) => part.firstDay === part.lastDay).map((part) => [part.firstDay, part.name]));
  const candidates: { day: string; part: string; neighbours: string }[] = [];
  for (let t = Math.ceil(query.from / DAY_MS) * DAY_MS; t + DAY_MS <= query.to; t += DAY_MS) {
    const [previous, part, next] = [byDay.get(dayOf(t - DAY_MS)), byDay.get(dayOf(t)), byDay.get(dayOf(t + DAY_MS))];
    if (previous && part && next) candidates.push({ day: dayOf(t), part, neighbours: sessionNeighbours(previous, next) });
  }
  if (candidates.length === 0) return [];
  const complete = await select(`SELECT part, c FROM ${database}.rollups WHERE kind = ${RollupKind.SessionsComplete}
    AND part IN (${candidates.map((day) => stringLiteral(day.part)).join(', ')})`);
  const valid = new Set(complete.map((row) => `${row.part}|${row.c}`));
  return candidates.filter((day) => valid.has(`${day.part}|${day.neighbours}`));
}

/** [from, to) without the given whole days, as sub-ranges. */
function rawRanges(from: number, to: number, days: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  let at = from;
  for (const day of [...days].sort((a, b) => a - b)) {
    if (day > at) ranges.push([at, day]);
    at = day + DAY_MS;
  }
  if (at < to) ranges.push([at, to]);
  return ranges;
}

async function summaries(select: Select, database: string, site: string, days: readonly { part: string; neighbours: string }[]): Promise<SessionTotals> {
  const rows = await select(`SELECT kind, a AS key, sum(n) AS n, sum(n2) AS n2, sum(value) AS value FROM ${database}.rollups FINAL
    WHERE part IN (${days.map((day) => stringLiteral(day.part)).join(', ')}) AND site = ${stringLiteral(site)}
      AND kind IN (${RollupKind.Sessions}, ${RollupKind.EntryPage}, ${RollupKind.ExitPage})
      AND (part, c) IN (${days.map((day) => `(${stringLiteral(day.part)}, ${stringLiteral(day.neighbours)})`).join(', ')})
    GROUP BY kind, key`);
  const totals = rows.find((row) => Number(row.kind) === RollupKind.Sessions) ?? {};
  const pages = (kind: RollupKind) => rows.filter((row) => Number(row.kind) === kind).map((row) => ({ key: String(row.key), pageviews: Number(row.n) }));
  return {
    sessions: Number(totals.n ?? 0), bounces: Number(totals.n2 ?? 0), durationMs: Number(totals.value ?? 0),
    entryPages: pages(RollupKind.EntryPage), exitPages: pages(RollupKind.ExitPage),
  };
}

/**
 * Sessions starting in [from, to) from the raw rows: the visitors' events from 30 min before to `horizon`,
 * filtered alike (sessionsSql keeps the visitors seen in the range); sessions cut by the horizon make a
 * second pass to the end of the visitors' span (sessions-sql.ts).
 */
async function rawSessions(select: Select, plan: DedupPlan, site: string, from: number, to: number, conditions: string, top: number, spillBytes: number): Promise<SessionTotals> {
  const pass = (horizon: number) => {
    const first = from - SESSION_GAP_MS;
    const events = plan.from('visitor, ts, type, path', `site = ${stringLiteral(site)}
      AND day BETWEEN toDate(${stringLiteral(dayOf(first))}) AND toDate(${stringLiteral(dayOf(horizon))})
      AND ts >= ${integerLiteral(first)} AND ts < ${integerLiteral(horizon)}${conditions}`);
    return select(sessionsSql(events, from, to, horizon, top, spillBytes));
  };
  let rows = await pass(to + SESSION_LOOKAHEAD_MS);
  if (Number(rows.find((row) => Number(row.kind) === 0)?.cut_sessions ?? 0) > 0) rows = await pass(to + VISITOR_SPAN_MS);
  const all = rows.find((row) => Number(row.kind) === 0) ?? {};
  const pages = (kind: number) => rows.filter((row) => Number(row.kind) === kind).map((row) => ({ key: String(row.key), pageviews: Number(row.with_key) }));
  return { sessions: Number(all.sessions ?? 0), bounces: Number(all.bounces ?? 0), durationMs: Number(all.duration_ms ?? 0), entryPages: pages(1), exitPages: pages(2) };
}

/** Top `top` by count, then key in byte order (as ClickHouse and DuckDB sort strings). */
function topPages(counts: Map<string, number>, top: number): BreakdownRow[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))
    .slice(0, top)
    .map(([key, pageviews]) => ({ key, pageviews }));
}
