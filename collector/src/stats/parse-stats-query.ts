import { HttpError } from '../http/http-error.js';
import { SITE_PATTERN } from '../ingest/limits.js';
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

/** Series granularity from the range: minutes up to 3 hours, hours up to 3 days, then days (UTC). */
export function bucketFor(rangeMs: number): number {
  if (rangeMs <= 3 * HOUR) return MINUTE;
  if (rangeMs <= 3 * DAY) return HOUR;
  return DAY;
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
  return { site, from, to, bucketMs: bucketFor(to - from), filters: parseStatsFilters(url.searchParams.get('filters')) };
}
