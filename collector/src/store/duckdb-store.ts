import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Stats, StatsQuery } from '../stats/stats-types.js';
import { eventsInRange, eventsOfVisitors, eventsSince } from './duckdb-event-rows.js';
import { migrate } from './duckdb-migrations.js';
import { queryStats } from './duckdb-stats.js';
import { DuckDBWriter } from './duckdb-writer.js';
import { ExclusivePool } from './exclusive-pool.js';
import type { IdHashRow, Store, StoredEvent } from './store.js';

/** File name of the embedded database inside WISP_DATA_DIR. */
export const DUCKDB_FILE = 'wisp.duckdb';

/**
 * DuckDB's buffer pool defaults to 80% of RAM; the collector's budget is 400 MB RSS in total, so
 * the pool is capped (larger queries spill to `<file>.tmp/`). One DuckDB thread: measured here, a
 * group commit cost half the CPU with 1 thread than with 2 (worker threads wake for every commit),
 * and the event loop needs the other core.
 */
const DUCKDB_CONFIG = { memory_limit: '256MB', threads: '1' };

/**
 * Writing connections, i.e. group commits in flight at once. Measured here, two were slower than one
 * (40k vs 55k events/s, batches of 50): a writer's synchronous appender flush waits for locks held by
 * the other's COMMIT or WAL checkpoint, and that wait stalls the event loop.
 */
const WRITERS = 1;

/**
 * Reading connections. Reads overlap (the dashboard asks for a range and its previous period at
 * once, late-event reconciliation and rollup edges read while stats run) and a connection serves
 * one query at a time, so each read borrows one; two let a short read pass a long one.
 */
const READERS = 2;

/**
 * The embedded store: one DuckDB file, `WRITERS` appending connections (DuckDB appends from several
 * connections never conflict, so more are possible) and `READERS` reading ones.
 */
export class DuckDBStore implements Store {
  readonly maxConcurrentAppends = WRITERS;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writers: ExclusivePool<DuckDBWriter>,
    private readonly readers: ExclusivePool<DuckDBConnection>,
  ) {}

  static async open(dataDir: string): Promise<DuckDBStore> {
    const instance = await DuckDBInstance.create(join(dataDir, DUCKDB_FILE), DUCKDB_CONFIG);
    const setup = await instance.connect();
    await migrate(setup);
    setup.closeSync();
    const writers: DuckDBWriter[] = [];
    for (let i = 0; i < WRITERS; i++) writers.push(await DuckDBWriter.open(await instance.connect()));
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < READERS; i++) readers.push(await instance.connect());
    return new DuckDBStore(instance, new ExclusivePool(writers), new ExclusivePool(readers));
  }

  /** One transaction per call on an idle writer; resolves once committed (durable). */
  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.writers.with((writer) => writer.write(events));
  }

  /** Id hashes received since `sinceMs`, streamed in chunks (startup: the reader is held until the scan ends). */
  async *scanIdHashes(sinceMs: number): AsyncIterable<readonly IdHashRow[]> {
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
    return this.readers.with((reader) => eventsInRange(reader, site, from, to));
  }

  eventsOfVisitors(site: string, visitors: readonly bigint[]): Promise<StoredEvent[]> {
    return this.readers.with((reader) => eventsOfVisitors(reader, site, visitors));
  }

  eventsSince(sinceMs: number): Promise<StoredEvent[]> {
    return this.readers.with((reader) => eventsSince(reader, sinceMs));
  }

  stats(query: StatsQuery): Promise<Stats> {
    return this.readers.with((reader) => queryStats(reader, query));
  }

  /** Waits for reads in flight, then closes every connection and the database. */
  async close(): Promise<void> {
    for (const writer of this.writers.resources) await this.writers.with(() => writer.close());
    for (const reader of this.readers.resources) await this.readers.with(async () => reader.closeSync());
    this.instance.closeSync();
  }
}
