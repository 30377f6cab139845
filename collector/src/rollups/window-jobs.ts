import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Aggregate } from './aggregate.js';
import type { WindowSizeMs } from './window-sizes.js';

/** Work on one window done in bounded steps (PageSetBuild, WindowPack). */
export interface WindowJob {
  readonly kind: 'build' | 'pack';
  readonly window: Aggregate;
  readonly site: string;
  readonly size: WindowSizeMs;
  readonly start: number;
  /** Works until `deadline` (a `performance.now()` time) passes; true once the job is done. */
  step(deadline: number): boolean;
}

/** How a job went: `slices` steps, the longest of them, their sum, and first step to end (ms). */
export interface WindowJobReport {
  job: WindowJob;
  slices: number;
  longestSliceMs: number;
  busyMs: number;
  totalMs: number;
}

export interface WindowJobsOptions {
  /** Length of one slice of background work (default 10 ms, as snapshot encoding). */
  sliceMs?: number;
  /** Called before each step of a job (the snapshot capture's copy-on-write). */
  beforeStep?: (job: WindowJob) => void;
  /** Called when a job is done. */
  onDone?: (report: WindowJobReport) => void;
}

interface Entry extends Omit<WindowJobReport, 'totalMs'> {
  startedAt: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Jobs on windows run in the background, one window at a time in the order asked, in slices of
 * ~`sliceMs` with the event loop free in between (as `encodeInSlices` does for snapshots): ingest,
 * stats and the live feed go on while an hour of millions of (page, visitor) pairs is built. One job
 * per window: asking again joins the queued one.
 */
export class WindowJobs {
  private readonly queue = new Map<Aggregate, Entry>();
  private running = false;
  private readonly sliceMs: number;

  constructor(private readonly options: WindowJobsOptions = {}) {
    this.sliceMs = options.sliceMs ?? 10;
  }

  /** Queues the job of `window` (made by `create` unless one is queued); resolves when it is done. */
  run(window: Aggregate, create: () => WindowJob): Promise<void> {
    const queued = this.queue.get(window);
    if (queued) return queued.promise;
    const entry = this.entry(create());
    this.queue.set(window, entry);
    if (!this.running) void this.loop();
    return entry.promise;
  }

  /** Runs the job of `window` to its end now: the queued one, or a new one made by `create`. */
  finishNow(window: Aggregate, create: () => WindowJob): void {
    const entry = this.queue.get(window) ?? this.entry(create());
    this.queue.delete(window);
    try {
      this.stepOf(entry, Infinity);
    } catch (error) {
      entry.reject(error);
      throw error;
    }
    this.done(entry);
  }

  /** Drops every queued job (the windows were replaced); whoever waits for one is released. */
  cancelAll(): void {
    for (const entry of this.queue.values()) entry.resolve();
    this.queue.clear();
  }

  /** Resolves once no job is queued (tests, measurements). */
  async idle(): Promise<void> {
    while (this.queue.size > 0) await Promise.allSettled([...this.queue.values()].map((entry) => entry.promise));
  }

  private entry(job: WindowJob): Entry {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<void>((yes, no) => {
      resolve = yes;
      reject = no;
    });
    promise.catch(() => {}); // a background job nobody awaits must not be an unhandled rejection
    return { job, slices: 0, longestSliceMs: 0, busyMs: 0, startedAt: -1, promise, resolve, reject };
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size > 0) {
        await nextTurn();
        const deadline = performance.now() + this.sliceMs;
        for (const [window, entry] of this.queue) {
          try {
            if (this.stepOf(entry, deadline)) {
              this.queue.delete(window);
              this.done(entry);
            }
          } catch (error) {
            // The window stays as it was (deferred): a read builds it again, at once.
            this.queue.delete(window);
            entry.reject(error);
          }
          if (performance.now() >= deadline) break;
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** One step, timed; true when the job is done. */
  private stepOf(entry: Entry, deadline: number): boolean {
    const started = performance.now();
    if (entry.startedAt < 0) entry.startedAt = started;
    try {
      this.options.beforeStep?.(entry.job);
      return entry.job.step(deadline);
    } finally {
      const ms = performance.now() - started;
      entry.slices++;
      entry.busyMs += ms;
      entry.longestSliceMs = Math.max(entry.longestSliceMs, ms);
    }
  }

  private done(entry: Entry): void {
    const { job, slices, longestSliceMs, busyMs, startedAt } = entry;
    entry.resolve();
    this.options.onDone?.({ job, slices, longestSliceMs, busyMs, totalMs: performance.now() - startedAt });
  }
}
