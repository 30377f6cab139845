import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Journal, Segment } from './journal.js';

/** Options of {@link Shipper}; defaults in brackets. */
export interface ShipperOptions {
  journal: Journal;
  /** Runs one INSERT whose body is the given JSONEachRow stream; rejects when ClickHouse did not take it. */
  insert(body: Readable): Promise<void>;
  /** Minimum time between two inserts [1000 ms]: ClickHouse wants few, large inserts. */
  insertIntervalMs?: number;
  /** Upper bound of one insert when catching up after an outage [32 MiB]. */
  maxInsertBytes?: number;
  /** Longest wait between retries while ClickHouse is down [30 000 ms]. */
  maxBackoffMs?: number;
  /** True for an error that retrying the same rows cannot fix (ClickHouse could not parse them). */
  isUnparsable?(error: unknown): boolean;
  /** Called after each insert attempt (metrics, logs). */
  onInsert?(result: InsertReport): void;
}

/** What one insert attempt did. */
export interface InsertReport {
  readonly ok: boolean;
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
  readonly error?: unknown;
  /** Segments moved to `rejected/` after this attempt (rows ClickHouse can never parse). */
  readonly rejectedSegments?: number;
}

interface FlushWaiter {
  readonly targetSeq: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Moves sealed journal segments into ClickHouse, oldest first, at most one insert per interval, retrying
 * with exponential backoff while ClickHouse is down. A segment is deleted only after ClickHouse answered
 * the INSERT; a retried insert re-sends identical rows, which the table's ReplacingMergeTree key collapses.
 */
export class Shipper {
  readonly #journal: Journal;
  readonly #insert: ShipperOptions['insert'];
  readonly #intervalMs: number;
  readonly #maxInsertBytes: number;
  readonly #maxBackoffMs: number;
  readonly #onInsert: ShipperOptions['onInsert'];
  readonly #isUnparsable: NonNullable<ShipperOptions['isUnparsable']>;
  /** After an unparsable batch, segments go one at a time until the bad one is found. */
  #oneAtATime = false;
  #insertedSeq = 0;
  #lastInsertAt = 0;
  #failures = 0;
  #waiters: FlushWaiter[] = [];
  #stopped = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: ShipperOptions) {
    this.#journal = options.journal;
    this.#insert = options.insert;
    this.#intervalMs = options.insertIntervalMs ?? 1000;
    this.#maxInsertBytes = options.maxInsertBytes ?? 32 * 1024 * 1024;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#onInsert = options.onInsert;
    this.#isUnparsable = options.isUnparsable ?? (() => false);
  }

  /** Consecutive failed inserts (0 while ClickHouse takes them). */
  get failures(): number {
    return this.#failures;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Resolves once every line acknowledged before the call is in ClickHouse; rejects if an insert fails. */
  flush(): Promise<void> {
    const targetSeq = this.#journal.lastSeq;
    if (this.#journal.bytes === 0 || this.#insertedSeq >= targetSeq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ targetSeq, resolve, reject });
      this.#wake?.();
    });
  }

  /** Stops the loop after the insert in flight; what is left stays in the journal for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('the ClickHouse store is closing'));
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      await this.#sleep(this.#nextDelayMs());
      if (this.#stopped) break;
      if (this.#journal.bytes === 0 || (this.#failures === 0 && Date.now() - this.#lastInsertAt < this.#intervalMs)) {
        continue;
      }
      await this.#journal.seal();
      const batch = this.#takeBatch();
      if (batch.length > 0) await this.#ship(batch);
    }
  }

  #nextDelayMs(): number {
    if (this.#failures > 0) return Math.min(this.#maxBackoffMs, 500 * 2 ** this.#failures);
    const untilNext = this.#lastInsertAt + this.#intervalMs - Date.now();
    return this.#waiters.length > 0 ? Math.max(0, untilNext) : Math.max(untilNext, this.#intervalMs / 4);
  }

  #takeBatch(): Segment[] {
    const batch: Segment[] = [];
    let bytes = 0;
    for (const segment of this.#journal.sealed) {
      if (batch.length > 0 && (this.#oneAtATime || bytes + segment.bytes > this.#maxInsertBytes)) break;
      batch.push(segment);
      bytes += segment.bytes;
    }
    return batch;
  }

  async #ship(batch: Segment[]): Promise<void> {
    const started = Date.now();
    this.#lastInsertAt = started;
    const bytes = batch.reduce((sum, segment) => sum + segment.bytes, 0);
    const counter = { rows: 0 };
    try {
      await this.#insert(Readable.from(readSegments(batch, counter)));
      for (const segment of batch) this.#journal.remove(segment);
      this.#insertedSeq = batch.at(-1)!.seq;
      this.#failures = 0;
      if (batch.length === 1) this.#oneAtATime = false;
      this.#onInsert?.({ ok: true, rows: counter.rows, bytes, ms: Date.now() - started });
      this.#settleWaiters();
    } catch (error) {
      if (this.#isUnparsable(error)) {
        // Never retried as is: a batch is split into single segments, a single bad segment set aside.
        if (batch.length === 1) {
          this.#journal.reject(batch[0]!);
          this.#insertedSeq = batch[0]!.seq;
          this.#settleWaiters();
        }
        this.#oneAtATime = batch.length > 1;
        this.#onInsert?.({ ok: false, rows: counter.rows, bytes, ms: Date.now() - started, error, rejectedSegments: batch.length === 1 ? 1 : 0 });
        return;
      }
      this.#failures += 1;
      this.#onInsert?.({ ok: false, rows: counter.rows, bytes, ms: Date.now() - started, error });
      for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
    }
  }

  #settleWaiters(): void {
    const fullyInserted = this.#journal.bytes === 0;
    this.#waiters = this.#waiters.filter((waiter) => {
      if (!fullyInserted && waiter.targetSeq > this.#insertedSeq) return true;
      waiter.resolve();
      return false;
    });
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

/**
 * Each segment is read whole (at most `maxInsertBytes` per batch) and handed to the socket as one buffer:
 * streaming it in 64 KiB chunks made an insert wait for the event loop between chunks, which under ingest
 * load stretched a 30,000-row insert to ~2 s.
 */
async function* readSegments(batch: readonly Segment[], counter: { rows: number }): AsyncGenerator<Buffer> {
  for (const segment of batch) {
    const bytes = await readFile(segment.path);
    for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) counter.rows += 1;
    yield bytes;
  }
}
