import { HOUR_MS } from './window-sizes.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `tz` is an IANA time zone Intl knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `tz` from UTC at instant `ts`, ms (e.g. +3_600_000 for Europe/Paris in winter). */
export function zoneOffsetMs(ts: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(ts)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!);
  return asUtc - (ts - (((ts % 1000) + 1000) % 1000));
}

/** Instant of local midnight starting the day that contains `ts` in `tz` (DST-safe). */
export function startOfZonedDay(ts: number, tz: string): number {
  const local = new Date(ts + zoneOffsetMs(ts, tz));
  const midnightAsUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  let guess = midnightAsUtc - zoneOffsetMs(ts, tz);
  guess = midnightAsUtc - zoneOffsetMs(guess, tz);
  return guess;
}

/** Start of the next local day after the one starting at `dayStart` (23, 24 or 25 hours later). */
export function nextZonedDay(dayStart: number, tz: string): number {
  return startOfZonedDay(dayStart + 26 * HOUR_MS, tz);
}

/** Start of the local hour containing `ts` (differs from UTC hours in :30/:45 offset zones). */
export function startOfZonedHour(ts: number, tz: string): number {
  const offset = zoneOffsetMs(ts, tz);
  return Math.floor((ts + offset) / HOUR_MS) * HOUR_MS - offset;
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}
