import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Aggregate } from './aggregate.js';
import type { SnapshotWindow } from './rollup-snapshot.js';
import { SnapshotEncoder, type SnapshotHeader } from './snapshot-encoder.js';

/** Where a capture hooks in: called before any window changes (see Rollups.onBeforeChange). */
export interface ChangeWatch {
  /** Calls `hook` before each change of a window, until the returned function is called. */
  watchChanges(hook: (window: Aggregate) => void): () => void;
}

/**
 * A snapshot of one instant, encoded a few windows at a time while events keep arriving
 * (copy-on-write): the windows and header are fixed when the capture starts, and a window that is
 * about to change before its turn is encoded first, so every window is written as it was at that
 * instant. Windows created later are not in it; windows pruned later still are (the restore prunes).
 * The newest windows go first: they are the ones traffic touches, so few are encoded on the hot path.
 */
export class SnapshotCapture {
  private readonly encoder: SnapshotEncoder;
  private readonly order: SnapshotWindow[];
  /** Windows not encoded yet. */
  private readonly pending = new Map<Aggregate, SnapshotWindow>();
  private next = 0;
  private unwatch: (() => void) | null;
  /** Windows encoded on the write path (changed before their turn). */
  copiedOnWrite = 0;

  constructor(header: SnapshotHeader, windows: Iterable<SnapshotWindow>, watch: ChangeWatch) {
    this.encoder = new SnapshotEncoder(header);
    this.order = [...windows].sort((a, b) => b.start + b.sizeMs - (a.start + a.sizeMs));
    for (const entry of this.order) this.pending.set(entry.window, entry);
    this.unwatch = watch.watchChanges((window) => {
      const entry = this.pending.get(window);
      if (!entry) return;
      this.copiedOnWrite++;
      this.write(entry);
    });
  }

  get done(): boolean {
    return this.pending.size === 0;
  }

  /** Encodes windows in order until `maxWindows` were written or `budgetMs` passed; true when all are. */
  step(budgetMs = Infinity, maxWindows = Infinity): boolean {
    const started = performance.now();
    for (let n = 0; n < maxWindows && this.next < this.order.length; n++) {
      const entry = this.order[this.next++]!;
      if (!this.pending.has(entry.window)) continue;
      this.write(entry);
      if (performance.now() - started >= budgetMs) break;
    }
    if (this.done) this.release();
    return this.done;
  }

  /** The file's chunks (call when `done`). */
  finish(): Buffer[] {
    if (!this.done) throw new Error('snapshot capture not finished');
    return this.encoder.finish();
  }

  /** Abandons the capture (no more copy-on-write). */
  cancel(): void {
    this.pending.clear();
    this.release();
  }

  private write(entry: SnapshotWindow): void {
    this.pending.delete(entry.window);
    this.encoder.add(entry);
  }

  private release(): void {
    this.unwatch?.();
    this.unwatch = null;
  }
}

export interface CaptureReport {
  chunks: Buffer[];
  /** Synchronous slices run, and the longest (ms): what the capture held the event loop for. */
  slices: number;
  longestSliceMs: number;
  copiedOnWrite: number;
}

/**
 * Runs a capture to the end in slices of about `sliceMs`, yielding to the event loop between them
 * (so ingest, stats and the live feed go on; their changes meet the copy-on-write).
 */
export async function encodeInSlices(capture: SnapshotCapture, sliceMs = 10): Promise<CaptureReport> {
  let slices = 0;
  let longestSliceMs = 0;
  for (;;) {
    const started = performance.now();
    const done = capture.step(sliceMs);
    slices++;
    longestSliceMs = Math.max(longestSliceMs, performance.now() - started);
    if (done) break;
    await nextTurn();
  }
  return { chunks: capture.finish(), slices, longestSliceMs, copiedOnWrite: capture.copiedOnWrite };
}
