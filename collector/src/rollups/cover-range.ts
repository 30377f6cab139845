import { WINDOW_SIZES_MS, type WindowSizeMs } from './window-sizes.js';

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
