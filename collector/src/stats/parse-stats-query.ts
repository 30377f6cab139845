import { HttpError } from '../http/http-error.js';
import { SITE_PATTERN } from '../ingest/limits.js';
import { chooseInterval, isValidTimeZone, MAX_SERIES_BUCKETS } from '../rollups/index.js';
import { parseStatsFilters } from './stats-filters.js';
import type { StatsQuery } from './stats-types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MAX_RANGE_MS = 400 * DAY;

/** `from`/`to` as ISO 8601 or epoch ms. */
function instant(raw: string, name: string): number {
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new HttpError(400, 'invalid_range', `${name} must be ISO 8601 or epoch ms`);
  return ms;
}

const INTERVAL_MS = { minute: MINUTE, hour: HOUR, day: DAY } as const;

/** Series granularity from the range (the rollups' rule): minutes up to 3 hours, hours up to 4 days, then days. */
export function bucketFor(rangeMs: number): number {
  return INTERVAL_MS[chooseInterval(0, rangeMs)];
}

/** Validates `site`, `from`, `to` (defaults: the last 7 days up to now) and `filters`. */
export function parseStatsQuery(url: URL, now: number): StatsQuery {
  const site = url.searchParams.get('site') ?? '';
  if (!SITE_PATTERN.test(site)) throw new HttpError(400, 'invalid_site', 'site query parameter missing or malformed');
  const toRaw = url.searchParams.get('to');
  const fromRaw = url.searchParams.get('from');
  const to = toRaw ? instant(toRaw, 'to') : now;
  const from = fromRaw ? instant(fromRaw, 'from') : to - 7 * DAY;
  if (from >= to) throw new HttpError(400, 'invalid_range', 'from must be before to');
  if (to - from > MAX_RANGE_MS) throw new HttpError(400, 'invalid_range', 'range longer than 400 days');
  const intervalRaw = url.searchParams.get('interval');
  if (intervalRaw !== null && !(intervalRaw in INTERVAL_MS)) throw new HttpError(400, 'invalid_interval', 'interval must be minute, hour or day');
  const interval = (intervalRaw as keyof typeof INTERVAL_MS | null) ?? chooseInterval(from, to);
  if ((to - from) / INTERVAL_MS[interval] > MAX_SERIES_BUCKETS) throw new HttpError(400, 'invalid_interval', `more than ${MAX_SERIES_BUCKETS} ${interval} buckets`);
  const tz = url.searchParams.get('tz') || 'UTC';
  if (!isValidTimeZone(tz)) throw new HttpError(400, 'invalid_tz', 'tz must be an IANA time zone (e.g. Europe/Berlin)');
  const filters = parseStatsFilters(url.searchParams.get('filters'));
  return { site, from, to, bucketMs: INTERVAL_MS[interval], interval, tz, filters };
}
