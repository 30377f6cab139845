import type { Aggregate } from '../rollups/aggregate.js';
import { MINUTE_MS, type WindowSizeMs } from '../rollups/window-sizes.js';
import { currentVisitors, type LastSeen } from './current-visitors.js';

/** Body of every `event: snapshot` message of `GET /api/live` (TEAM brief). */
export interface LiveSnapshot {
  site: string;
  /** ISO time of the snapshot. */
  now: string;
  /** Distinct visitors in the last 5 minutes. */
  current: number;
  /** The last 30 minutes, oldest first; the last entry is the current (partial) minute. */
  minutes: { t: string; pageviews: number; visitors: number }[];
  /** Most viewed pages over those 30 minutes. */
  topPages: { key: string; pageviews: number }[];
}

/** The one thing the live feed needs from the rollups. */
export interface MinuteWindows {
  window(site: string, sizeMs: WindowSizeMs, start: number): Aggregate | undefined;
}

/** `sessions` answers `current` (the sessionizer: see `currentVisitors`). */
export function liveSnapshot(site: string, now: number, windows: MinuteWindows, sessions: LastSeen, topPagesLimit = 10): LiveSnapshot {
  const minutes: LiveSnapshot['minutes'] = [];
  const pages = new Map<string, number>();
  const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  for (let start = current - 29 * MINUTE_MS; start <= current; start += MINUTE_MS) {
    const window = windows.window(site, MINUTE_MS, start);
    minutes.push({ t: new Date(start).toISOString(), pageviews: window?.pageviews ?? 0, visitors: window?.visitors.size ?? 0 });
    for (const [path, n] of window?.pages ?? []) pages.set(path, (pages.get(path) ?? 0) + n);
  }
  const topPages = [...pages]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, topPagesLimit)
    .map(([key, pageviews]) => ({ key, pageviews }));
  return { site, now: new Date(now).toISOString(), current: currentVisitors(sessions, site, now), minutes, topPages };
}
