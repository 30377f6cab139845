import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyRun } from './key-run.js';
import { mergeRuns, writeSetAsRun } from './key-runs-build.js';
import { HI, LO, splitKey, U64Set } from './u64-set.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Keys a day's in-memory set takes before it is written out as a run (~8-11 MB of set). */
const SEAL_KEYS = 1 << 19;

export interface DeduperOptions {
  /** Where the runs are written: wiped at open (runs are rebuilt from the store) and at close. */
  dir: string;
  /** Arrival days kept (default 8: the SDK retries an event for at most 7 days). */
  retentionDays?: number;
  /** Keys in memory per day before they go to a run (default 2^19; tests make it small). */
  sealKeys?: number;
  /** A run that could not be written or merged (its keys then stay in memory; nothing is forgotten). */
  onError?: (error: unknown) => void;
}

/** One arrival day: newest keys in a set, sets being written, and runs on disk with their merge level. */
interface DayKeys {
  day: number;
  hot: U64Set;
  sealing: U64Set[];
  runs: { run: KeyRun; level: number }[];
}

/**
 * Dedupe stage: remembers the key (XXH64 of site + event id) of every stored event, bucketed by UTC
 * arrival day; days older than `retentionDays` are dropped whole. A day's newest keys are in a
 * U64Set; every 2^19 keys (and when the day is over) the set is written as a sorted run file with a
 * Bloom filter in memory (KeyRun: ~1.5 bytes a key instead of 11-21), and a day's runs of equal
 * size are merged two into one (a size-tiered LSM), so a lookup checks a few filters: ~log2(keys /
 * 2^19) runs per day. Exact: a filter's "maybe" is settled by the run's file. Writing and merging
 * run in the background in slices; a set stays searchable until its run replaces it.
 * Rebuilt at start from the store (`Store.scanIdHashes`), so it survives restarts.
 */
export class Deduper {
  private readonly days = new Map<number, DayKeys>();
  /** Every day's in-memory sets and runs, newest day first (retries mostly hit recent keys). */
  private sets: U64Set[] = [];
  private runs: KeyRun[] = [];
  private seals: Promise<void> = Promise.resolve();
  private merges: Promise<void> = Promise.resolve();
  private readonly removals = new Set<Promise<void>>();
  private pendingSeals = 0;
  private caughtUpWaiters: (() => void)[] = [];
  private closed = false;
  private nextRun = 0;
  private readonly retentionDays: number;
  private readonly sealKeys: number;
  private readonly onError: (error: unknown) => void;
  private readonly dir: string;

  private constructor(options: DeduperOptions) {
    this.dir = options.dir;
    this.retentionDays = options.retentionDays ?? 8;
    this.sealKeys = options.sealKeys ?? SEAL_KEYS;
    this.onError = options.onError ?? ((error) => console.error(`wisp-collector: dedupe index: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** An empty index writing its runs under `options.dir` (emptied first). */
  static async open(options: DeduperOptions): Promise<Deduper> {
    await rm(options.dir, { recursive: true, force: true });
    await mkdir(options.dir, { recursive: true });
    return new Deduper(options);
  }

  /** Throws once closed: an index that forgets nothing cannot answer "no" without its runs. */
  has(key: bigint): boolean {
    if (this.closed) throw new Error('the dedupe index is closed');
    const words = splitKey(key);
    const hi = words[HI]!;
    const lo = words[LO]! === 0 && hi === 0 ? 1 : words[LO]!; // as U64Set stores key 0
    const sets = this.sets;
    for (let i = 0; i < sets.length; i++) if (sets[i]!.hasWords(lo, hi)) return true;
    const runs = this.runs;
    for (let i = 0; i < runs.length; i++) if (runs[i]!.has(lo, hi)) return true;
    return false;
  }

  /** Remembers a stored event's key under its arrival day; expires days past the window. */
  add(key: bigint, receivedAt: number): void {
    const day = Math.floor(receivedAt / DAY_MS);
    const keys = this.days.get(day) ?? this.startDay(day);
    if (keys.hot.add(key) && keys.hot.size === 1) this.reorder(); // empty sets are not searched
    if (keys.hot.size >= this.sealKeys) this.seal(keys);
  }

  /** Resolves once at most one set waits to be written (the start-up rebuild waits on it, so sets do not pile up). */
  caughtUp(): Promise<void> {
    if (this.pendingSeals <= 1) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  /** Resolves once nothing waits to be written, merged or deleted (tests, benches). */
  async idle(): Promise<void> {
    for (;;) {
      const [seals, merges] = [this.seals, this.merges];
      await Promise.all([seals, merges, ...this.removals]);
      if (seals === this.seals && merges === this.merges && this.removals.size === 0) return;
    }
  }

  /** Runs on disk now (for tests). */
  get runCount(): number {
    return this.runs.length;
  }

  /** Keys remembered (for metrics). */
  get size(): number {
    let n = 0;
    for (const keys of this.days.values()) {
      n += keys.hot.size;
      for (const set of keys.sealing) n += set.size;
      for (const { run } of keys.runs) n += run.count;
    }
    return n;
  }

  /** Bytes of memory of the index (for metrics; run files not counted). */
  get byteLength(): number {
    let bytes = 0;
    for (const set of this.sets) bytes += set.byteLength;
    for (const run of this.runs) bytes += run.byteLength;
    return bytes;
  }

  /** Oldest arrival time the index must be rebuilt from. */
  windowStart(now: number): number {
    return (Math.floor(now / DAY_MS) - this.retentionDays + 1) * DAY_MS;
  }

  /** Stops writing and merging, closes and deletes the runs. */
  async close(): Promise<void> {
    this.closed = true;
    for (const keys of [...this.days.values()]) this.dropDay(keys);
    await this.idle();
    await rm(this.dir, { recursive: true, force: true });
  }

  private startDay(day: number): DayKeys {
    const keys: DayKeys = { day, hot: new U64Set(), sealing: [], runs: [] };
    this.days.set(day, keys);
    for (const old of [...this.days.values()]) {
      if (old.day <= day - this.retentionDays) this.dropDay(old);
      else if (old.day < day && old.hot.size > 0) this.seal(old); // a finished day's keys go to disk
    }
    this.reorder();
    return keys;
  }

  private dropDay(keys: DayKeys): void {
    this.days.delete(keys.day);
    for (const { run } of keys.runs) this.discard(run);
    keys.runs = [];
    this.reorder();
  }

  /** Hands the day's set to the writer; it stays searchable until its run replaces it. */
  private seal(keys: DayKeys): void {
    const set = keys.hot;
    keys.hot = new U64Set();
    keys.sealing.push(set);
    this.pendingSeals++;
    this.reorder();
    this.seals = this.seals.then(async () => {
      try {
        if (this.closed) return;
        const run = await writeSetAsRun(set, this.nextRunPath());
        if (this.days.get(keys.day) !== keys || this.closed) return this.discard(run); // expired meanwhile
        keys.sealing.splice(keys.sealing.indexOf(set), 1);
        keys.runs.push({ run, level: 0 });
        this.reorder();
        set.release(); // ~10 MB of old tables, otherwise held until the next full GC
        this.scheduleMerge(keys);
      } catch (error) {
        this.onError(error); // the set stays in `sealing`: still searched, nothing forgotten
      } finally {
        this.pendingSeals--;
        if (this.pendingSeals <= 1) for (const wake of this.caughtUpWaiters.splice(0)) wake();
      }
    });
  }

  /** Merges two runs of a level into one of the next while a level of the day has two. */
  private scheduleMerge(keys: DayKeys): void {
    this.merges = this.merges.then(async () => {
      for (;;) {
        if (this.closed || this.days.get(keys.day) !== keys) return;
        const level = keys.runs.find((a) => keys.runs.some((b) => b !== a && b.level === a.level))?.level;
        if (level === undefined) return;
        const inputs = keys.runs.filter((entry) => entry.level === level).slice(0, 2);
        let merged: KeyRun;
        try {
          merged = await mergeRuns(inputs.map((entry) => entry.run), this.nextRunPath(), () => this.closed);
        } catch (error) {
          if (!this.closed) this.onError(error); // the inputs stay: still searched
          return;
        }
        if (this.days.get(keys.day) !== keys || this.closed) return this.discard(merged);
        keys.runs = keys.runs.filter((entry) => !inputs.includes(entry));
        keys.runs.push({ run: merged, level: level + 1 });
        this.reorder();
        for (const { run } of inputs) this.discard(run);
      }
    });
  }

  private discard(run: KeyRun): void {
    run.close();
    const removed = rm(run.path, { force: true })
      .catch(this.onError)
      .finally(() => this.removals.delete(removed));
    this.removals.add(removed);
  }

  private nextRunPath(): string {
    return join(this.dir, `${String(this.nextRun++).padStart(8, '0')}.keys`);
  }

  private reorder(): void {
    const newestFirst = [...this.days.values()].sort((a, b) => b.day - a.day);
    this.sets = newestFirst.flatMap((keys) => (keys.hot.size > 0 ? [keys.hot, ...keys.sealing] : keys.sealing));
    this.runs = newestFirst.flatMap((keys) => keys.runs.map((entry) => entry.run).reverse());
  }
}
