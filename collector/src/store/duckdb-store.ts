import { join } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { Stats, StatsQuery } from '../stats/stats-types.js';
import { migrate } from './duckdb-migrations.js';
import { queryStats } from './duckdb-stats.js';
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
 * The embedded store: one DuckDB file, one connection that appends (the group committer calls
 * `append` one batch at a time) and one that reads.
 */
export class DuckDBStore implements Store {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly writer: DuckDBConnection,
    private readonly reader: DuckDBConnection,
    private appender: DuckDBAppender,
  ) {
    this.begun = this.begin();
  }

  private begun: Promise<unknown>;

  static async open(dataDir: string): Promise<DuckDBStore> {
    const instance = await DuckDBInstance.create(join(dataDir, DUCKDB_FILE), DUCKDB_CONFIG);
    const writer = await instance.connect();
    await migrate(writer);
    const reader = await instance.connect();
    return new DuckDBStore(instance, writer, reader, await writer.createAppender('events'));
  }

  /**
   * One transaction per call: the appender's rows join the open transaction and the COMMIT, which
   * writes and fsyncs the WAL, runs on DuckDB's thread (an appender's own flush would commit, and
   * fsync, on the event loop). Once this resolves the rows survive kill -9 and power loss.
   * The next transaction is begun right after each commit, so a group pays one thread round trip
   * (COMMIT), not two: on a busy machine each round trip waits for the scheduler.
   */
  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const a = this.appender;
    try {
      await this.begun;
      for (const e of events) {
        a.appendVarchar(e.site);
        a.appendUBigInt(e.idHash);
        a.appendVarchar(e.type);
        a.appendBigInt(BigInt(e.ts));
        a.appendBigInt(BigInt(e.receivedAt));
        a.appendUBigInt(e.visitor);
        a.appendVarchar(e.path);
        if (e.name === null) a.appendNull();
        else a.appendVarchar(e.name);
        if (e.value === null) a.appendNull();
        else a.appendDouble(e.value);
        a.appendVarchar(e.props);
        a.appendVarchar(e.source);
        a.appendVarchar(e.utmSource);
        a.appendVarchar(e.utmMedium);
        a.appendVarchar(e.utmCampaign);
        a.appendVarchar(e.country);
        a.appendVarchar(e.browser);
        a.appendVarchar(e.os);
        a.appendVarchar(e.device);
        a.endRow();
      }
      a.flushSync();
      await this.writer.run('COMMIT');
    } catch (error) {
      await this.writer.run('ROLLBACK').catch(() => {});
      // A failed appender may keep partial rows: drop it so the next group starts clean.
      discard(a);
      this.appender = await this.writer.createAppender('events');
      throw error;
    } finally {
      this.begun = this.begin();
    }
  }

  /** Opens the transaction the next `append` writes into; a failure surfaces in that append. */
  private begin(): Promise<unknown> {
    const begun = this.writer.run('BEGIN TRANSACTION');
    begun.catch(() => {});
    return begun;
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

  stats(query: StatsQuery): Promise<Stats> {
    return queryStats(this.reader, query);
  }

  async close(): Promise<void> {
    // The pre-begun transaction is empty: ending it writes nothing.
    await this.begun.then(() => this.writer.run('COMMIT')).catch(() => {});
    discard(this.appender);
    this.writer.closeSync();
    this.reader.closeSync();
    this.instance.closeSync();
  }
}

function discard(appender: DuckDBAppender): void {
  try {
    appender.closeSync();
  } catch {
    // already failed or closed; nothing left to flush
  }
}
