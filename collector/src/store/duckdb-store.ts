import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Stats, StatsQuery } from '../stats/stats-types.js';
import { eventsInRange, eventsOfVisitors, eventsSince } from './duckdb-event-rows.js';
import { migrate } from './duckdb-migrations.js';
import { queryStats } from './duckdb-stats.js';
import { DuckDBWriter } from './duckdb-writer.js';
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
 * The embedded store: one DuckDB file, `WRITERS` appending connections (DuckDB appends from several
 * connections never conflict, so more are possible) and one that reads.
 */
export class DuckDBStore implements Store {
  readonly maxConcurrentAppends = WRITERS;
  private readonly idle: DuckDBWriter[];
  private readonly waiting: ((writer: DuckDBWriter) => void)[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writers: DuckDBWriter[],
    private readonly reader: DuckDBConnection,
  ) {
    this.idle = [...writers];
  }

  static async open(dataDir: string): Promise<DuckDBStore> {
    const instance = await DuckDBInstance.create(join(dataDir, DUCKDB_FILE), DUCKDB_CONFIG);
    const setup = await instance.connect();
    await migrate(setup);
    setup.closeSync();
    const writers: DuckDBWriter[] = [];
    for (let i = 0; i < WRITERS; i++) writers.push(await DuckDBWriter.open(await instance.connect()));
    return new DuckDBStore(instance, writers, await instance.connect());
  }

  /** One transaction per call on an idle writer; resolves once committed (durable). */
  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const writer = this.idle.pop() ?? (await new Promise<DuckDBWriter>((resolve) => this.waiting.push(resolve)));
    try {
      await writer.write(events);
    } finally {
      const next = this.waiting.shift();
      if (next) next(writer);
      else this.idle.push(writer);
    }
  }

  async *scanIdHashes(sinceMs: number): AsyncIterable<readonly IdHashRow[]> {
    const result = await this.reader.stream('SELECT id_hash, received_at FROM events WHERE received_at >= $1::BIGINT', [
      BigInt(Math.floor(sinceMs)),
    ]);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [hashes, times] = chunk.getColumns() as [bigint[], bigint[]];
      yield hashes.map((idHash, i) => ({ idHash, receivedAt: Number(times[i]) }));
    }
  }

  eventsInRange(site: string, from: number, to: number): Promise<StoredEvent[]> {
    return eventsInRange(this.reader, site, from, to);
  }

  eventsOfVisitors(site: string, visitors: readonly bigint[]): Promise<StoredEvent[]> {
    return eventsOfVisitors(this.reader, site, visitors);
  }

  eventsSince(sinceMs: number): Promise<StoredEvent[]> {
    return eventsSince(this.reader, sinceMs);
  }

  stats(query: StatsQuery): Promise<Stats> {
    return queryStats(this.reader, query);
  }

  async close(): Promise<void> {
    for (const writer of this.writers) await writer.close();
    this.reader.closeSync();
    this.instance.closeSync();
  }
}
