import type { ViewState } from './view-state.js';
import { startOfZonedDay, zonedMidnight } from './zoned-time.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface TimeRange {
  from: number;
  to: number;
}

/** The [from, to) window a view asks /api/stats for, at `now`. */
export function resolveRange(state: ViewState, timeZone: string, now: number): TimeRange {
  switch (state.range) {
    case 'realtime':
      return { from: now - 30 * MINUTE_MS, to: now };
    case 'today':
      return { from: startOfZonedDay(now, timeZone), to: now };
    case '30d':
      return { from: now - 30 * DAY_MS, to: now };
    case 'custom': {
      const from = parseDay(state.from, timeZone);
      const lastDay = parseDay(state.to, timeZone);
      if (from !== null && lastDay !== null && lastDay >= from) {
        return { from, to: Math.min(now, lastDay + DAY_MS) };
      }
      return { from: now - 7 * DAY_MS, to: now };
    }
    default:
      return { from: now - 7 * DAY_MS, to: now };
  }
}

/** The equally long window right before `range`, for "change vs previous period". */
export function previousRange(range: TimeRange): TimeRange {
  return { from: range.from - (range.to - range.from), to: range.from };
}

function parseDay(day: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return zonedMidnight(Number(match[1]), Number(match[2]), Number(match[3]), timeZone);
}
