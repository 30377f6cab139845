import { DAY_MS, HOUR_MS, MINUTE_MS } from './window-sizes.js';
import { nextZonedDay, startOfZonedDay, startOfZonedHour } from './zoned-time.js';

export type SeriesInterval = 'minute' | 'hour' | 'day';

export interface SeriesBucket {
  /** Bucket start (may precede the range's `from` for the first bucket): the point's `t`. */
  t: number;
  /** The part of the range this bucket covers, [from, to). */
  from: number;
  to: number;
}

/** At most this many buckets per series (a guard against `interval=minute` over a year). */
export const MAX_SERIES_BUCKETS = 5000;

/** Default granularity for a range: minutes up to 3 h, hours up to 4 days, days beyond. */
export function chooseInterval(from: number, to: number): SeriesInterval {
  const span = to - from;
  if (span <= 3 * HOUR_MS) return 'minute';
  if (span <= 4 * DAY_MS) return 'hour';
  return 'day';
}

/**
 * Buckets of [from, to) at `interval`; day (and hour) boundaries follow `tz` (IANA, default UTC),
 * so a DST day is 23 or 25 hours. Throws RangeError past MAX_SERIES_BUCKETS.
 */
export function seriesBuckets(from: number, to: number, interval: SeriesInterval, tz = 'UTC'): SeriesBucket[] {
  const buckets: SeriesBucket[] = [];
  let t = firstStart(from, interval, tz);
  while (t < to) {
    const next = interval === 'minute' ? t + MINUTE_MS : interval === 'hour' ? startOfZonedHour(t + HOUR_MS + MINUTE_MS, tz) : nextZonedDay(t, tz);
    buckets.push({ t, from: Math.max(from, t), to: Math.min(to, next) });
    if (buckets.length > MAX_SERIES_BUCKETS) throw new RangeError(`more than ${MAX_SERIES_BUCKETS} ${interval} buckets`);
    t = next;
  }
  return buckets;
}

function firstStart(from: number, interval: SeriesInterval, tz: string): number {
  if (interval === 'minute') return Math.floor(from / MINUTE_MS) * MINUTE_MS;
  return interval === 'hour' ? startOfZonedHour(from, tz) : startOfZonedDay(from, tz);
}
