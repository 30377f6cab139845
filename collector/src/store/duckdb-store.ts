import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Stats, StatsQuery } from '../stats/stats-types.js';
import { countEventsOfEdgeVisitors, eventsBetween, eventsInRange, eventsOfEdgeVisitors, eventsOfVisitors, eventsSince } from './duckdb-event-rows.js';
import { JournalLoader, type LoadReport } from './duckdb-journal-loader.js';
import { GROUP_END, journalText } from './duckdb-journal-lines.js';
import { DuckDBMemoryWindow } from './duckdb-memory-window.js';
import { migrate } from './duckdb-migrations.js';
import { queryStats } from './duckdb-stats.js';
import { ExclusivePool } from './exclusive-pool.js';
import { Journal } from './journal.js';
import { journalFullError } from './journal-full-error.js';
import type { IdHashRow, Store, StoredEvent } from './store.js';

/** File name of the embedded database inside WISP_DATA_DIR. */
export const DUCKDB_FILE = 'wisp.duckdb';

/** Folder of the write journal inside WISP_DATA_DIR. */
export const JOURNAL_DIR = 'journal';

/** Options of {@link DuckDBStore.open}; defaults in brackets. */
export interface DuckDBStoreOptions {
  /** Time between two background loads of the journal into DuckDB [500 ms]. */
  loadIntervalMs?: number;
  /** Bytes the journal may hold unloaded before appends get 503 [512 MiB, ~1.5M events]. */
  maxJournalBytes?: number;
  /** Called after every load attempt (metrics); failures also arrive here. */
  onLoad?: (report: LoadReport) => void;
}

/**
 * DuckDB's buffer pool defaults to 80% of RAM; the collector's budget is 400 MB RSS in total, so
 * the pool is capped (larger queries spill to `<file>.tmp/`). Not below 256 MB: at 128 MB the SQL
 * stats over 5-10M events (ranges older than the rollups, the edge-budget fallback) failed with
 * DuckDB's Out of Memory error (measured: 30 days over 10M events, and its previous period). One
 * DuckDB thread: the event loop needs the other core, and the journal loads keep up with one.
 */
/** Memory limit while no read runs and while one does (see DuckDBMemoryWindow). */
export const DUCKDB_MEMORY_LIMITS = { idle: '64MB', reading: '256MB' };
/**
 * DuckDB's allocator (its own jemalloc, outside the buffer pool and its limit) keeps the pages a
 * task freed until the task's peak passes `allocator_flush_threshold` (default 128 MiB), and after
 * a bulk free until 512 MiB: after 10M events ingested it held ~110 MB of freed loads' pages
 * (RSS 609 -> 457 MB with 8 MB). The journal loads allocate a few MB each, so they are returned.
 */
const DUCKDB_ALLOCATOR = { allocator_flush_threshold: '8MB', allocator_bulk_deallocation_flush_threshold: '8MB' };
export const DUCKDB_CONFIG = { memory_limit: DUCKDB_MEMORY_LIMITS.idle, threads: '1', ...DUCKDB_ALLOCATOR };

/**
 * Appends in flight at once. The journal groups whatever arrives while a write is in flight into
 * the next write (one fdatasync), so more appends only mean fuller writes.
 */
const CONCURRENT_APPENDS = 8;

/**
 * Reading connections. Reads overlap (the dashboard asks for a range and its previous period at
 * once, late-event reconciliation and rollup edges read while stats run) and a connection serves
 * one query at a time, so each read borrows one; two let a short read pass a long one.
 */
const READERS = 2;

/**
 * The embedded store: an fsynced journal in front of one DuckDB file. An append is durable once its
 * JSON lines are fdatasync'ed to the journal (`<dataDir>/journal/`); a loader moves sealed segments
 * into `events` in the background, in large `read_json` inserts on DuckDB's thread, and every read
 * first waits for what was acknowledged to be loaded, so reads see every acknowledged event. One
 * writing connection (the loader's) and `READERS` reading ones, each used through a pool.
 */
export class DuckDBStore implements Store {
  readonly maxConcurrentAppends = CONCURRENT_APPENDS;
  private readonly memoryWindow: DuckDBMemoryWindow;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writers: ExclusivePool<DuckDBConnection>,
    private readonly readers: ExclusivePool<DuckDBConnection>,
    private readonly journal: Journal,
    private readonly loader: JournalLoader,
    private readonly settings: DuckDBConnection,
  ) {
    this.memoryWindow = new DuckDBMemoryWindow(async (limit) => {
      await settings.run(`SET memory_limit = '${limit}'`);
    }, DUCKDB_MEMORY_LIMITS);
  }

  /** Opens (and migrates) the database, then replays the journal left by the previous process. */
  static async open(dataDir: string, options: DuckDBStoreOptions = {}): Promise<DuckDBStore> {
    const instance = await DuckDBInstance.create(join(dataDir, DUCKDB_FILE), DUCKDB_CONFIG);
    const setup = await instance.connect();
    await migrate(setup);
    const state = await setup.runAndReadAll('SELECT loaded_seq FROM journal_state');
    const loadedSeq = Number(state.getRows()[0]![0] as bigint);
    setup.closeSync();
    const writers = new ExclusivePool([await instance.connect()]);
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < READERS; i++) readers.push(await instance.connect());
    const journal = new Journal({
      dir: join(dataDir, JOURNAL_DIR),
      maxBytes: options.maxJournalBytes ?? 512 * 1024 * 1024,
      fullError: journalFullError,
      terminator: GROUP_END,
      firstSeq: loadedSeq + 1,
    });
    const loader = new JournalLoader({ journal, writers, loadedSeq, intervalMs: options.loadIntervalMs, onLoad: options.onLoad });
    await loader.replay();
    loader.start();
    return new DuckDBStore(instance, writers, new ExclusivePool(readers), journal, loader, await instance.connect());
  }

  /** Durable once the journal's fdatasync returned; throws a 503 `store_full` when the journal is full. */
  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.journal.append(journalText(events));
  }

  /** Bytes acknowledged (or being written) but not loaded into DuckDB yet. */
  get journalBytes(): number {
    return this.journal.bytes;
  }

  /** Id hashes received since `sinceMs`, streamed in chunks (startup: the reader is held until the scan ends). */
  async *scanIdHashes(sinceMs: number): AsyncIterable<readonly IdHashRow[]> {
    await this.loader.flush();
    const reader = await this.readers.acquire();
    try {
      const result = await reader.stream('SELECT id_hash, received_at FROM events WHERE received_at >= $1::BIGINT', [
        BigInt(Math.floor(sinceMs)),
      ]);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const [hashes, times] = chunk.getColumns() as [bigint[], bigint[]];
        yield hashes.map((idHash, i) => ({ idHash, receivedAt: Number(times[i]) }));
      }
    } finally {
      this.readers.release(reader);
    }
  }

  eventsInRange(site: string, from: number, to: number): Promise<StoredEvent[]> {
    return this.#read((reader) => eventsInRange(reader, site, from, to));
  }

  eventsOfVisitors(site: string, visitors: readonly bigint[]): Promise<StoredEvent[]> {
    return this.#read((reader) => eventsOfVisitors(reader, site, visitors));
  }

  eventsSince(sinceMs: number): Promise<StoredEvent[]> {
    return this.#read((reader) => eventsSince(reader, sinceMs));
  }

  eventsOfEdgeVisitors(site: string, edge: { from: number; to: number }, read: { from: number; to: number }): Promise<StoredEvent[]> {
    return this.#read((reader) => eventsOfEdgeVisitors(reader, site, edge, read));
  }

  countEventsOfEdgeVisitors(site: string, edge: { from: number; to: number }, read: { from: number; to: number }): Promise<number> {
    return this.#read((reader) => countEventsOfEdgeVisitors(reader, site, edge, read));
  }

  eventsBetween(by: 'ts' | 'receivedAt', from: number, to: number): Promise<StoredEvent[]> {
    return this.#read((reader) => eventsBetween(reader, by, from, to));
  }

  stats(query: StatsQuery): Promise<Stats> {
    return this.#read((reader) => queryStats(reader, query));
  }

  /** Everything DuckDB's buffer manager holds now (bounded by DUCKDB_CONFIG.memory_limit). */
  async memoryBytes(): Promise<number> {
    const result = await this.readers.with((reader) => reader.runAndReadAll('SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()'));
    return Number(result.getRows()[0]![0] as bigint);
  }

  /** Loads the journal as far as acknowledged, then runs `query` on an idle reader. */
  async #read<R>(query: (reader: DuckDBConnection) => Promise<R>): Promise<R> {
    await this.loader.flush();
    return this.memoryWindow.around(() => this.readers.with(query));
  }

  /** Loads what the journal holds (what fails stays for the next start), then closes every connection and the database. */
  async close(): Promise<void> {
    await this.journal.close();
    await this.loader.stop();
    for (const writer of this.writers.resources) await this.writers.with(async () => writer.closeSync());
    for (const reader of this.readers.resources) await this.readers.with(async () => reader.closeSync());
    await this.memoryWindow.settled();
    this.settings.closeSync();
    this.instance.closeSync();
  }
}
