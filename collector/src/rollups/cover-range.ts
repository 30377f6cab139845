import type { Aggregate } from './aggregate.js';
import { MINUTE_MS, WINDOW_SIZES_MS, windowStart, type WindowSizeMs } from './window-sizes.js';

export interface WindowRef {
  sizeMs: WindowSizeMs;
  start: number;
}

/** Half-open event-time range [from, to), epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

export interface RangeCover {
  /** Whole windows inside the range, largest sizes first where they fit. */
  windows: WindowRef[];
  /** Parts of the range no usable window covers: compute these from raw events. */
  edges: TimeRange[];
}

/**
 * Splits [from, to) into the fewest whole windows (day, then hour, then minute) and raw edges.
 * `floors[size]` = the earliest window start of that size that is usable (kept and complete);
 * windows starting before it are not used. Pure.
 */
export function coverRange(from: number, to: number, floors: Partial<Record<WindowSizeMs, number>> = {}): RangeCover {
  const cover: RangeCover = { windows: [], edges: [] };
  split(from, to, 0, floors, cover);
  cover.edges = mergeAdjacent(cover.edges);
  return cover;
}

function split(a: number, b: number, level: number, floors: Partial<Record<WindowSizeMs, number>>, out: RangeCover): void {
  if (a >= b) return;
  const sizeMs = WINDOW_SIZES_MS[level];
  if (sizeMs === undefined) {
    out.edges.push({ from: a, to: b });
    return;
  }
  const first = Math.ceil(Math.max(a, floors[sizeMs] ?? -Infinity) / sizeMs) * sizeMs;
  const last = Math.floor(b / sizeMs) * sizeMs;
  if (first >= last) {
    split(a, b, level + 1, floors, out);
    return;
  }
  split(a, first, level + 1, floors, out);
  for (let start = first; start < last; start += sizeMs) out.windows.push({ sizeMs, start });
  split(last, b, level + 1, floors, out);
}

function mergeAdjacent(edges: TimeRange[]): TimeRange[] {
  const sorted = [...edges].sort((x, y) => x.from - y.from);
  const out: TimeRange[] = [];
  for (const edge of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.to === edge.from) prev.to = edge.to;
    else out.push({ ...edge });
  }
  return out;
}

/**
 * [from, to) widened to whole minutes where that changes no answer: when the usable minute window
 * holding an edge (`minuteWindow(start)`, undefined = empty) has no event on the far side of it, the
 * whole minute holds the same events, and so the same sessions starting in it, as the range's part of
 * it, and no raw edge is needed there. "Today until now" of a busy site otherwise read the current
 * minute's events from the store on every request (or went to SQL past the edge budget).
 */
export function exactRange(from: number, to: number, minuteFloor: number, minuteWindow: (start: number) => Pick<Aggregate, 'minTs' | 'maxTs'> | undefined): TimeRange {
  let exactFrom = from;
  let exactTo = to;
  const first = windowStart(from, MINUTE_MS);
  if (first !== from && first >= minuteFloor) {
    const window = minuteWindow(first);
    if (!window || window.minTs >= from) exactFrom = first;
  }
  const last = windowStart(to, MINUTE_MS);
  if (last !== to && last >= minuteFloor && last >= exactFrom) {
    const window = minuteWindow(last);
    if (!window || window.maxTs < to) exactTo = last + MINUTE_MS;
  }
  return { from: exactFrom, to: exactTo };
}
