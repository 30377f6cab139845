const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en');

/** 1234 -> "1,234"; 123456 -> "123.5K" (exact below 100k so tests can compare small numbers). */
export function formatCount(n: number): string {
  return Math.abs(n) < 100_000 ? whole.format(Math.round(n)) : compact.format(n);
}

/** 0.4567 -> "46%". */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** 83.4 -> "1m 23s"; 4 -> "4s"; 3725 -> "1h 2m". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Relative change, or null when there is nothing to compare with. */
export function relativeChange(current: number, previous: number): number | null {
  if (!Number.isFinite(previous) || previous === 0) return null;
  return (current - previous) / previous;
}
