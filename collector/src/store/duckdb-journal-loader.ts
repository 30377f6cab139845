import type { DuckDBConnection } from '@duckdb/node-api';
import { JOURNAL_COLUMNS } from './duckdb-journal-lines.js';
import type { ExclusivePool } from './exclusive-pool.js';
import type { Journal, Segment } from './journal.js';
import { EVENT_COLUMNS as COLUMNS } from './duckdb-migrations.js';

/** Options of {@link JournalLoader}; defaults in brackets. */
export interface JournalLoaderOptions {
  journal: Journal;
  /** The writing connection(s); a load holds one for its transaction. */
  writers: ExclusivePool<DuckDBConnection>;
  /** Newest segment already in `events` (`journal_state.loaded_seq`). */
  loadedSeq: number;
  /** Time between two background loads [500 ms]; reads force one sooner. */
  intervalMs?: number;
  /** Upper bound of one load's segments, bytes [64 MiB]. */
  maxLoadBytes?: number;
  /** Called after each load attempt (metrics, logs). */
  onLoad?: (report: LoadReport) => void;
}

/** What one load did. */
export interface LoadReport {
  readonly ok: boolean;
  readonly segments: number;
  readonly bytes: number;
  readonly ms: number;
  readonly error?: unknown;
}

interface FlushWaiter {
  readonly targetSeq: number;
  resolve(): void;
  reject(error: unknown): void;
}


const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The statement of a load: journal segment files into `events` (group-end lines read as NULL rows, skipped). */
export function loadSegmentsSql(paths: readonly string[]): string {
  return `INSERT INTO events (${COLUMNS}) SELECT ${COLUMNS}
    FROM read_json([${paths.map(sqlString).join(', ')}], format = 'newline_delimited', columns = ${JOURNAL_COLUMNS})
    WHERE site IS NOT NULL`;
}

/**
 * Moves sealed journal segments into DuckDB: one transaction per load runs
 * `INSERT INTO events SELECT ... FROM read_json(segments)` (parsing on DuckDB's thread, not the event
 * loop) and records the newest loaded segment in `journal_state`, so a segment is in `events`
 * exactly when its seq is recorded: a crash before the COMMIT reloads it, one after it deletes it.
 */
export class JournalLoader {
  readonly #journal: Journal;
  readonly #writers: ExclusivePool<DuckDBConnection>;
  readonly #intervalMs: number;
  readonly #maxLoadBytes: number;
  readonly #onLoad: JournalLoaderOptions['onLoad'];
  #loadedSeq: number;
  #failures = 0;
  #waiters: FlushWaiter[] = [];
  #stopped = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: JournalLoaderOptions) {
    this.#journal = options.journal;
    this.#writers = options.writers;
    this.#loadedSeq = options.loadedSeq;
    this.#intervalMs = options.intervalMs ?? 500;
    this.#maxLoadBytes = options.maxLoadBytes ?? 64 * 1024 * 1024;
    this.#onLoad = options.onLoad;
  }

  /** Start-up replay: deletes segments a previous process loaded but did not delete, loads the rest. */
  async replay(): Promise<void> {
    for (const segment of [...this.#journal.sealed]) if (segment.seq <= this.#loadedSeq) this.#journal.remove(segment);
    while (this.#journal.sealed.length > 0) await this.#loadBatch();
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Resolves once everything acknowledged before the call is in `events`; rejects if that load fails. */
  flush(): Promise<void> {
    const targetSeq = this.#journal.lastSeq;
    if (this.#journal.bytes === 0 || this.#loadedSeq >= targetSeq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ targetSeq, resolve, reject });
      this.#wake?.();
    });
  }

  /** Stops the background loop, then loads what is left (what fails stays for the next start's replay). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    await this.#loadAll().catch(() => undefined);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('the store is closing'));
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      await this.#sleep(this.#nextDelayMs());
      if (this.#stopped) break;
      if (this.#journal.bytes > 0) await this.#loadAll();
    }
  }

  #nextDelayMs(): number {
    if (this.#failures > 0) return Math.min(30_000, 250 * 2 ** this.#failures);
    return this.#waiters.length > 0 ? 0 : this.#intervalMs;
  }

  /** Seals the active segment and loads every sealed one; settles the waiters it covers. */
  async #loadAll(): Promise<void> {
    const sealedUpTo = this.#journal.lastSeq;
    try {
      await this.#journal.seal();
      while (this.#journal.sealed.length > 0) await this.#loadBatch();
      this.#failures = 0;
    } catch (error) {
      this.#failures += 1;
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
      return;
    }
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.targetSeq > sealedUpTo) return true;
      waiter.resolve();
      return false;
    });
  }

  async #loadBatch(): Promise<void> {
    const batch: Segment[] = [];
    let bytes = 0;
    for (const segment of this.#journal.sealed) {
      if (batch.length > 0 && bytes + segment.bytes > this.#maxLoadBytes) break;
      batch.push(segment);
      bytes += segment.bytes;
    }
    const lastSeq = batch.at(-1)!.seq;
    const started = performance.now();
    try {
      await this.#writers.with(async (connection) => {
        await connection.run('BEGIN TRANSACTION');
        try {
          await connection.run(loadSegmentsSql(batch.map((segment) => segment.path)));
          await connection.run('UPDATE journal_state SET loaded_seq = $1::BIGINT', [BigInt(lastSeq)]);
          await connection.run('COMMIT');
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      this.#onLoad?.({ ok: false, segments: batch.length, bytes, ms: performance.now() - started, error });
      throw error;
    }
    this.#loadedSeq = lastSeq;
    for (const segment of batch) this.#journal.remove(segment);
    this.#onLoad?.({ ok: true, segments: batch.length, bytes, ms: performance.now() - started });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}
