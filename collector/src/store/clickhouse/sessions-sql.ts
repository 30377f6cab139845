import { SESSION_GAP_MS } from '../duckdb-stats.js';
import { integerLiteral } from './sql-literal.js';

/**
 * How far from a range a visitor seen in it can have events: a visitor hash is keyed with the salt of one
 * UTC arrival day, and ingest keeps `ts` within [arrival - 7 days, arrival + 5 min], so all events of a
 * visitor with an event in [from, to) have `ts` in [from - 8 days - 5 min, to + 8 days + 5 min]. The
 * sessions query never reads beyond that window (the primary index skips the rest of the site's history);
 * an hour of margin.
 */
export const VISITOR_SPAN_MS = 8 * 24 * 60 * 60 * 1000 + 60 * 60 * 1000;

/** How far past `to` the first sessions pass reads (see {@link sessionsSql}). */
export const SESSION_LOOKAHEAD_MS = 6 * 60 * 60 * 1000;

/**
 * Sessions of the embedded store's definition (duckdb-stats.ts, SESSIONS) in 18.16 SQL, without window
 * functions: every event of the visitors seen in the range, per visitor sorted by (ts, pageview path),
 * a gap over 30 minutes starts a session, and a session counts in the range where it **starts**, over its
 * whole extent (events before `from` and after `to` included). `events` is the FROM text of the visitors'
 * rows (visitor, ts, type, path) with `ts < horizon`, `from`/`to` the range.
 *
 * The visitors' events need not all be read. Looking back, events from `from - 30 min` on decide
 * exactly which sessions start in the range (an earlier event is more than 30 minutes before any event in
 * it). Looking ahead, a session that starts in the range is cut by `horizon` only if its last event read
 * is within 30 minutes of it: such sessions are counted in `cut_sessions`, and the caller then reads again
 * up to the end of the visitors' span. With `horizon` a few hours after `to` that is rare, and it never
 * happens while `to` is now.
 *
 * The visitors' events are held in memory while the query runs (~50 bytes each); with `spillBytes` the
 * aggregation moves to disk beyond that many bytes instead of failing at the server's `max_memory_usage`.
 *
 * One row per kind: 0 = all sessions (`sessions`, `bounces`, `duration_ms`, `cut_sessions`), 1 = entry pages and
 * 2 = exit pages (`key`, `with_key` = sessions), top 100 per kind. One row per visitor is aggregated from
 * O(events) array operations, never a row per session (a GROUP BY visitor, session needed ~1 GB per
 * million sessions), and no lambda captures another array to index it (ClickHouse copies a captured
 * array once per element: quadratic memory per visitor). Events are sorted as one Int64 key per event,
 * ts * 4 + kind (a numeric sort; sorting tuples took ~2 s per 10 M events on 18.16), and only the pageviews
 * as (ts, path) tuples, for the entry/exit paths in (ts, path) order: the n-th pageview of both has the same
 * ts, hence the same session. `events` may hold visitors not seen in the range (only in the 30 minutes
 * before or past `to`): HAVING drops them, cheaper than an IN subquery over the range. Whether an event's session started in the range
 * needs no lookup either: session starts are in time order, so the current session started in
 * [from, to) exactly when some start so far is >= from and none is >= to (two running sums). A visitor
 * seen in the range without any pageview (only custom events or vitals) has no entry flags: the exit
 * flags are cut to the same length, or arrayFilter fails on arrays of unequal size.
 */
export function sessionsSql(events: string, from: number, to: number, horizon: number, top: number, spillBytes = 0): string {
  const gap = integerLiteral(SESSION_GAP_MS);
  return `SELECT e.1 AS kind, e.2 AS key, count() AS with_key,
      sum(session_count) AS sessions, sum(bounce_count) AS bounces, sum(duration_ms) AS duration_ms, sum(cut) AS cut_sessions
    FROM (
      SELECT visitor,
        arraySort(groupArray(ts * 4 + multiIf(type = 'pageview', 1, type = 'event', 2, 0))) AS keys,
        arrayMap(k -> intDiv(k, 4), keys) AS times,
        arrayMap(k -> k % 4 = 1, keys) AS is_pageview,
        arrayMap((d, i) -> i = 1 OR d > ${gap}, arrayDifference(times), arrayEnumerate(times)) AS starts,
        arrayPushBack(arrayPopFront(starts), 1) AS is_end,
        arrayMap((after_from, after_to) -> after_from > 0 AND after_to = 0,
          arrayCumSum(arrayMap((s, t) -> s AND t >= ${integerLiteral(from)}, starts, times)),
          arrayCumSum(arrayMap((s, t) -> s AND t >= ${integerLiteral(to)}, starts, times))) AS counted,
        arrayFilter((c, s) -> s, counted, starts) AS session_counted,
        arrayFilter((n, e) -> e, arrayCumSum(is_pageview), is_end) AS pageviews_at_end,
        arrayFilter((n, e) -> e, arrayCumSum(arrayMap(k -> k % 4 = 2, keys)), is_end) AS events_at_end,
        arrayPopFront(arrayDifference(arrayPushFront(pageviews_at_end, 0))) AS session_pageviews,
        arrayPopFront(arrayDifference(arrayPushFront(events_at_end, 0))) AS session_events,
        arraySum(session_counted) AS session_count,
        session_counted[-1] AND times[-1] >= ${integerLiteral(horizon - SESSION_GAP_MS)} AS cut,
        arrayCount((pv, ev, c) -> c AND pv = 1 AND ev = 0, session_pageviews, session_events, session_counted) AS bounce_count,
        arraySum(arrayMap((first, last, c) -> c ? last - first : 0,
          arrayFilter((t, s) -> s, times, starts), arrayFilter((t, e) -> e, times, is_end), session_counted)) AS duration_ms,
        arrayFilter((n, p) -> p, arrayCumSum(starts), is_pageview) AS pageview_sessions,
        arrayFilter((c, p) -> p, counted, is_pageview) AS pageview_counted,
        arrayMap(x -> x.2, arraySort(groupArrayIf((ts, path), type = 'pageview'))) AS pageview_paths,
        arrayMap((d, i) -> i = 1 OR d != 0, arrayDifference(pageview_sessions), arrayEnumerate(pageview_sessions)) AS entry_flags,
        arrayFilter((path, f, c) -> f AND c, pageview_paths, entry_flags, pageview_counted) AS entry_paths,
        arrayFilter((path, f, c) -> f AND c, pageview_paths, arraySlice(arrayPushBack(arrayPopFront(entry_flags), 1), 1, length(entry_flags)), pageview_counted) AS exit_paths
      FROM ${events} GROUP BY visitor HAVING countIf(ts >= ${integerLiteral(from)} AND ts < ${integerLiteral(to)}) > 0)
    ARRAY JOIN arrayConcat([(0, '')], arrayMap(path -> (1, path), entry_paths), arrayMap(path -> (2, path), exit_paths)) AS e
    GROUP BY kind, key ORDER BY kind, with_key DESC, key LIMIT ${integerLiteral(top)} BY kind${
      spillBytes > 0 ? ` SETTINGS max_bytes_before_external_group_by = ${integerLiteral(spillBytes)}` : ''
    }`;
}
