/**
 * Day boundaries in an IANA time zone without a date library: the zone's UTC offset at an instant is
 * read back from Intl, and a local midnight is found by correcting a UTC guess twice (once for the
 * offset, once more in case a DST switch lies between the guess and the answer).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of `epochMs` in `timeZone`. */
export function wallClock(epochMs: number, timeZone: string): { y: number; m: number; d: number; offsetMs: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(epochMs)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return { y: parts.year!, m: parts.month!, d: parts.day!, offsetMs: asUtc - Math.floor(epochMs / 1000) * 1000 };
}

/** Epoch ms of 00:00 on the given calendar day in `timeZone`. */
export function zonedMidnight(y: number, m: number, d: number, timeZone: string): number {
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - wallClock(guess, timeZone).offsetMs;
  t = guess - wallClock(t, timeZone).offsetMs;
  return t;
}

/** Epoch ms of the start of the day containing `epochMs`, in `timeZone`. */
export function startOfZonedDay(epochMs: number, timeZone: string): number {
  const { y, m, d } = wallClock(epochMs, timeZone);
  return zonedMidnight(y, m, d, timeZone);
}

/** The browser's zone, used when the view has none. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True when `name` is a zone this browser knows. */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}
