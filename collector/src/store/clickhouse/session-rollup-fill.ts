import { SESSION_GAP_MS } from '../duckdb-stats.js';
import { dayOf } from './dedup-plan.js';
import { RollupKind } from './rollup-fill.js';
import { sessionsSql } from './sessions-sql.js';
import { integerLiteral, stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;
type Command = (sql: string) => Promise<void>;

const DAY_MS = 86_400_000;
/** LIMIT BY of the entry/exit pages in a summary: all of them, so summaries and raw ranges add up before the top 100. */
export const ALL_PAGES = 1_000_000;

/**
 * Fills the session summaries of closed days: per site, the sessions that **start** on day D (count,
 * bounces, summed duration, entry and exit pages), as sessionsSql computes them over the events from
 * D - 30 min to the end of D + 1. They depend on three parts (D - 1 for the gap before the first
 * session, D + 1 for sessions running past midnight), so a day is filled only when all three days are
 * one merged part each and D + 1 is closed, and its rows name the neighbours' parts (column c, the day's own part in `part`): stats use
 * the summary only while those are still the current parts (rollup-plan.ts). A session still running at
 * the end of D + 1 leaves the day unfilled (read raw). Several collectors may fill a day at once: equal
 * rows, collapsed. Resolves to the number of days filled.
 */
export async function fillSessionRollups(select: Select, command: Command, database: string, now = Date.now(), spillBytes = 0): Promise<number> {
  const parts = await select(`SELECT any(name) AS name, toString(min(min_date)) AS first FROM system.parts
    WHERE database = ${stringLiteral(database)} AND table = 'events' AND active
    GROUP BY partition_id
    HAVING count() = 1 AND min(level) > 0 AND min(min_date) = max(max_date) AND max(max_date) < toDate(${stringLiteral(dayOf(now))})`);
  const byDay = new Map(parts.map((row) => [String(row.first), String(row.name)]));
  const done = new Set(
    (await select(`SELECT part, c FROM ${database}.rollups WHERE kind = ${RollupKind.SessionsComplete}`)).map((row) => `${row.part}|${row.c}`),
  );
  let filled = 0;
  for (const [day, name] of [...byDay].sort()) {
    const start = Date.parse(day);
    const previous = byDay.get(dayOf(start - DAY_MS));
    const next = byDay.get(dayOf(start + DAY_MS));
    if (previous === undefined || next === undefined || done.has(`${name}|${previous}|${next}`)) continue;
    if (await fillDay(select, command, database, day, [previous, name, next], spillBytes)) filled += 1;
  }
  return filled;
}

async function fillDay(select: Select, command: Command, database: string, day: string, parts: string[], spillBytes: number): Promise<boolean> {
  const start = Date.parse(day);
  const horizon = start + 2 * DAY_MS;
  const names = parts.map(stringLiteral).join(', ');
  const neighbours = stringLiteral(sessionNeighbours(parts[0]!, parts[2]!));
  const sites = await select(`SELECT DISTINCT site FROM ${database}.events WHERE day = toDate(${stringLiteral(day)}) AND _part = ${stringLiteral(parts[1]!)}`);
  const values: string[] = [];
  for (const { site } of sites) {
    const events = `(SELECT visitor, ts, type, path FROM ${database}.events
      WHERE site = ${stringLiteral(String(site))} AND day BETWEEN toDate(${stringLiteral(dayOf(start - DAY_MS))}) AND toDate(${stringLiteral(dayOf(start + DAY_MS))})
        AND _part IN (${names}) AND ts >= ${integerLiteral(start - SESSION_GAP_MS)} AND ts < ${integerLiteral(horizon)})`;
    const rows = await select(sessionsSql(events, start, start + DAY_MS, horizon, ALL_PAGES, spillBytes));
    const row = (kind: RollupKind, a: string, n: unknown, n2: unknown = 0, value: unknown = 0) =>
      `(${stringLiteral(parts[1]!)}, ${stringLiteral(String(site))}, toDate(${stringLiteral(day)}), ${kind}, ${stringLiteral(a)}, ${neighbours}, ${integerLiteral(Number(n))}, ${integerLiteral(Number(n2))}, ${integerLiteral(Number(value))})`;
    for (const result of rows) {
      if (Number(result.kind) === 0) {
        if (Number(result.cut_sessions) > 0) return false; // a session runs past D + 1: keep the day raw
        values.push(row(RollupKind.Sessions, '', result.sessions, result.bounces, result.duration_ms));
      } else {
        values.push(row(Number(result.kind) === 1 ? RollupKind.EntryPage : RollupKind.ExitPage, String(result.key), result.with_key));
      }
    }
  }
  const into = `INSERT INTO ${database}.rollups (part, site, day, kind, a, c, n, n2, value) VALUES`;
  for (let i = 0; i < values.length; i += 10_000) await command(`${into} ${values.slice(i, i + 10_000).join(', ')}`);
  await command(`${into} (${stringLiteral(parts[1]!)}, '', toDate(${stringLiteral(day)}), ${RollupKind.SessionsComplete}, '', ${neighbours}, 0, 0, 0)`);
  return true;
}

/**
 * Column `c` of a day's session rows: the parts of the days before and after it was computed from.
 * Rows computed with other neighbours (a late event changed a neighbour) then never mix with these.
 */
export function sessionNeighbours(previous: string, next: string): string {
  return `${previous}|${next}`;
}
