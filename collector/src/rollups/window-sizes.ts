export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The tumbling window sizes kept, largest first (UTC-aligned: epoch ms multiples). */
export const WINDOW_SIZES_MS = [DAY_MS, HOUR_MS, MINUTE_MS] as const;
export type WindowSizeMs = (typeof WINDOW_SIZES_MS)[number];

export function windowStart(ts: number, sizeMs: number): number {
  return Math.floor(ts / sizeMs) * sizeMs;
}
