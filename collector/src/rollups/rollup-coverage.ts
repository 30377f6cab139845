import { HOUR_RETENTION_MS } from './rollups.js';
import { DAY_MS, HOUR_MS, type WindowSizeMs } from './window-sizes.js';

/**
 * Where the rollups start covering stored events for `days` days before `now` (UTC midnight, so
 * day windows are whole), and the hour-window retention that goes with it: hours as far back as
 * the coverage, so a range starting anywhere in it has edges under an hour (not a raw partial day).
 */
export function rollupCoverage(now: number, days: number): { from: number; retentionMs: Partial<Record<WindowSizeMs, number>> } {
  const from = Math.floor((now - days * DAY_MS) / DAY_MS) * DAY_MS;
  return { from, retentionMs: { [HOUR_MS]: Math.max(HOUR_RETENTION_MS, now - from + HOUR_MS) } };
}
